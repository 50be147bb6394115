"""Planner aggregates over the catalog: unmet demand (gaps) by region and category, supply
next to demand, and how suggestions spread across organizations (Art. 16 fairness).

Plain SQLAlchemy, no Flask: the planner pages, the JSON API, the exports and the notebooks all
call these functions, so every surface shows the same numbers."""

from catalog.analytics.fairness import BANDS, DIMENSIONS, FairnessRow, fairness
from catalog.analytics.filters import (
    ALL_STATUSES,
    DEFAULT_STATUSES,
    GAP_REASONS,
    NeedFilter,
)
from catalog.analytics.gaps import (
    LEVELS,
    GapRow,
    UnmetNeed,
    gap_table,
    region_figures,
    region_names,
    region_of,
    rollup,
    totals,
    unmet_needs,
)
from catalog.analytics.supply import SupplyRow, active_projects, supply_demand

__all__ = [
    "ALL_STATUSES",
    "BANDS",
    "DEFAULT_STATUSES",
    "DIMENSIONS",
    "GAP_REASONS",
    "LEVELS",
    "FairnessRow",
    "GapRow",
    "NeedFilter",
    "SupplyRow",
    "UnmetNeed",
    "active_projects",
    "fairness",
    "gap_table",
    "region_figures",
    "region_names",
    "region_of",
    "rollup",
    "supply_demand",
    "totals",
    "unmet_needs",
]
