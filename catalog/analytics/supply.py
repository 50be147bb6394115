"""Supply next to demand: per street and category, how many organizations offer the service
and cover the street (through a street, district or city-wide service area), how much capacity
they have left, and how many needs there are and how many went unmet.

Capacity left is the organization's declared capacity minus its confirmed suggestions on needs
still running — the same rule the matcher uses, restated here because `catalog` may not import
`matching`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.actors import region_contains
from catalog.analytics.filters import NeedFilter
from catalog.analytics.gaps import gap_table
from catalog.models import Need, Organization, OrgArea, Region, Suggestion, org_categories

# Needs whose confirmed organizations are busy with them (their capacity is in use).
ACTIVE_NEED_STATUSES = ("approved", "listed", "matched")


@dataclass
class SupplyRow:
    street: str
    category: str
    organizations: int = 0
    capacity: int = 0
    free_capacity: int = 0
    needs: int = 0
    unmet: int = 0


def active_projects(session: Session) -> dict[str, int]:
    """Confirmed suggestions on running needs, per organization."""
    rows = session.execute(
        select(Suggestion.org_id, func.count())
        .join(Need, Need.id == Suggestion.need_id)
        .where(Suggestion.status == "confirmed", Need.status.in_(ACTIVE_NEED_STATUSES))
        .group_by(Suggestion.org_id)
    ).all()
    return {org_id: int(n) for org_id, n in rows}


def _streets(session: Session) -> list[str]:
    return list(
        session.scalars(select(Region.code).where(Region.level == "street").order_by(Region.code))
    )


def supply_demand(session: Session, flt: NeedFilter | None = None) -> list[SupplyRow]:
    """Street × category rows with any supply or any demand, in street then category order."""
    flt = flt or NeedFilter()
    streets = [s for s in _streets(session) if flt.covers_street(s)]
    busy = active_projects(session)
    cats: dict[str, list[str]] = defaultdict(list)
    for org_id, cat in session.execute(
        select(org_categories.c.org_id, org_categories.c.category_name)
    ):
        if not flt.category or cat == flt.category:
            cats[org_id].append(cat)
    areas: dict[str, list[str]] = defaultdict(list)
    for org_id, code in session.execute(select(OrgArea.org_id, OrgArea.region_code)):
        areas[org_id].append(code)

    rows: dict[tuple[str, str], SupplyRow] = {}
    for org_id, capacity in session.execute(select(Organization.id, Organization.capacity)):
        if not cats.get(org_id):
            continue
        capacity = int(capacity or 0)
        free = max(0, capacity - busy.get(org_id, 0))
        served = [s for s in streets if any(region_contains(a, s) for a in areas.get(org_id, ()))]
        for street in served:
            for cat in cats[org_id]:
                row = rows.setdefault((street, cat), SupplyRow(street, cat))
                row.organizations += 1
                row.capacity += capacity
                row.free_capacity += free

    for cell in gap_table(session, flt, level="street"):
        if cell.category is None:
            continue
        row = rows.setdefault((cell.region, cell.category), SupplyRow(cell.region, cell.category))
        row.needs += cell.needs
        row.unmet += cell.unmet
    return [rows[k] for k in sorted(rows)]
