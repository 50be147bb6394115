"""Every planner table as one plain structure (title, headers, rows), built from the
aggregates. The HTML pages, the printable page, CSV and Excel all render the same `Table`, so an
export always has the columns and numbers the planner saw."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import region_contains
from catalog.analytics import (
    GapRow,
    NeedFilter,
    fairness,
    gap_table,
    supply_demand,
    totals,
    unmet_needs,
)
from catalog.models import Region
from web.pages.labels import DIMENSIONS, REASONS_SHORT
from web.planner.labels import Names, band_label

TABLES = ("regions", "gaps", "needs", "supply", "fairness", "emerging")


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # Per row: query parameters that narrow the planner's views to that row (links).
    links: list[dict[str, str]] = field(default_factory=list)
    footer: list[Any] | None = None

    def add(self, row: list[Any], link: dict[str, str]) -> None:
        """Append a row with the filter its link narrows to: rows and links stay index-aligned,
        as the templates read them side by side."""
        self.rows.append(row)
        self.links.append(link)


def _reason_headers() -> list[str]:
    return [str(REASONS_SHORT[r]) for r in ("no_service", "no_coverage", "no_capacity")]


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _gap_headers(first: list[str], middle: str) -> list[str]:
    """The headers of a table of gap rows: `first` (which region), the counts, `middle` (pending
    or the unmet share), the gap reasons, then what the unmet needs add up to."""
    return [
        *first,
        _("Needs"),
        _("Matched"),
        _("Unmet"),
        middle,
        *_reason_headers(),
        _("Unmet budget (yuan)"),
        _("Unmet beneficiaries"),
    ]


def _gap_numbers(r: GapRow, *, share: bool = False) -> list[Any]:
    """The numbers of one gap row (or of a total) in the order `_gap_headers` names them;
    `share` puts the unmet share where the regions table shows the pending count."""
    middle = _pct(r.unmet, r.needs) if share else r.pending
    return [
        r.needs,
        r.matched,
        r.unmet,
        middle,
        *r.reasons.values(),
        r.unmet_budget_yuan,
        r.unmet_beneficiaries,
    ]


def _region_link(code: str) -> dict[str, str]:
    """The planner filter narrowing to one region: a 6-digit code is a district."""
    return {"district" if len(code) == 6 else "street": code}


def regions_table(session: Session, flt: NeedFilter, names: Names) -> Table:
    """Districts then their streets, all categories merged: what the map shows."""
    headers = _gap_headers([_("Code"), _("Region"), _("Level")], _("Pending"))
    t = Table("regions", _("Unmet demand by district and street"), headers)
    # Every street and town in view gets a row, with zeros where nothing was posted: street
    # boundaries are not on the map, so this table is how each street is reached.
    cells = {r.region: r for r in gap_table(session, flt, "street", by_category=False)}
    districts = {r.region: r for r in gap_table(session, flt, "district", by_category=False)}
    streets = [
        code
        for code in session.scalars(
            select(Region.code).where(Region.level == "street").order_by(Region.code)
        )
        if flt.covers_street(code)
    ]
    for district in sorted({code[:6] for code in streets} | set(districts)):
        rows = [(district, districts.get(district), _("District"))]
        rows += [
            (c, cells.get(c), _("Street / town")) for c in streets if region_contains(district, c)
        ]
        for code, r, level in rows:
            r = r or GapRow(region=code, category=None)
            t.add([code, names.region(code), level, *_gap_numbers(r)], _region_link(code))
    t.footer = ["", _("Total"), "", *_gap_numbers(totals(districts.values()))]
    return t


def gaps_table(session: Session, flt: NeedFilter, names: Names, level: str = "street") -> Table:
    headers = _gap_headers([_("Code"), _("Region"), _("Category")], _("Unmet share (%)"))
    t = Table("gaps", _("Gap table: region × category"), headers)
    rows = gap_table(session, flt, level)
    for r in rows:
        cells = [r.region, names.region(r.region), names.category(r.category)]
        link = _region_link(r.region)
        if r.category:
            link["category"] = r.category
        t.add([*cells, *_gap_numbers(r, share=True)], link)
    t.footer = ["", _("Total"), "", *_gap_numbers(totals(rows), share=True)]
    return t


def needs_table(session: Session, flt: NeedFilter, names: Names, limit: int | None = None) -> Table:
    headers = [
        _("Need ID"),
        _("Title"),
        _("Street / town"),
        _("Category"),
        _("Gap reason"),
        _("Budget (yuan)"),
        _("Beneficiaries (people)"),
    ]
    t = Table("needs", _("Unmet needs"), headers)
    for n in unmet_needs(session, flt, limit):
        t.add(
            [
                n.id,
                n.title,
                names.region(n.street),
                names.category(n.category),
                names.reason(n.reason),
                n.budget_yuan,
                n.beneficiary_count,
            ],
            {"street": n.street},
        )
    return t


def supply_table(session: Session, flt: NeedFilter, names: Names) -> Table:
    headers = [
        _("Code"),
        _("Street / town"),
        _("Category"),
        _("Organizations"),
        _("Capacity"),
        _("Free capacity"),
        _("Needs"),
        _("Unmet"),
    ]
    t = Table("supply", _("Supply and demand by street and category"), headers)
    for r in supply_demand(session, flt):
        t.add(
            [
                r.street,
                names.region(r.street),
                names.category(r.category),
                r.organizations,
                r.capacity,
                r.free_capacity,
                r.needs,
                r.unmet,
            ],
            {"street": r.street, "category": r.category},
        )
    return t


def fairness_table(session: Session, flt: NeedFilter) -> Table:
    headers = [
        _("Dimension"),
        _("Band"),
        _("Organizations"),
        _("Share of organizations (%)"),
        _("Suggestions"),
        _("Share of suggestions (%)"),
        _("Confirmed"),
        _("Share of confirmations (%)"),
        _("Rejected"),
        _("Confirmation rate (%)"),
    ]
    t = Table("fairness", _("Suggestions and confirmations by organization profile"), headers)
    for r in fairness(session, flt):
        rate = r.confirm_rate
        t.add(
            [
                str(DIMENSIONS[r.dimension]),
                band_label(r.band),
                r.organizations,
                round(100 * r.org_share, 1),
                r.suggested,
                round(100 * r.suggestion_share, 1),
                r.confirmed,
                round(100 * r.confirmation_share, 1),
                r.rejected,
                "" if rate is None else round(100 * rate, 1),
            ],
            {},
        )
    return t


def emerging_table(report, names: Names) -> Table:
    """Emerging clusters, one row per need, so the export is filterable by cluster."""
    headers = [
        _("Group"),
        _("Top terms"),
        _("Emerging"),
        _("Closest category"),
        _("Need ID"),
        _("Title"),
        _("Street / town"),
        _("Category fit"),
    ]
    t = Table("emerging", _("Emerging needs"), headers)
    # A need in a cluster names its group; a need alone says so, with its own closest category.
    grouped = [
        ((i, c.label, _("Yes") if c.emerging else _("No"), c.nearest_category), n)
        for i, c in enumerate(report.clusters, start=1)
        for n in c.needs
    ]
    alone = [(("", "", _("Alone"), n.nearest_category), n) for n in report.singles]
    for (group, terms, emerging, category), n in grouped + alone:
        cells = [group, terms, emerging, names.category(category)]
        t.add(
            [*cells, n.id, n.title, names.region(n.street), round(n.fit, 2)], {"street": n.street}
        )
    return t
