"""Every planner table as one plain structure (title, headers, rows), built from the
aggregates. The HTML pages, the printable page, CSV and Excel all render the same `Table`, so an
export always has the columns and numbers the planner saw."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
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

# A column: its header and how its cell is read from one source row.
Column = tuple[str, Callable[[Any], Any]]


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

    @classmethod
    def of(
        cls,
        name: str,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Any],
        link: Callable[[Any], dict[str, str]] = lambda row: {},
    ) -> Table:
        """A table declared column by column, each header beside the way its cell is read, so
        a header cannot drift from its cells (two index-aligned lists could); `link` gives
        each row's filter."""
        t = cls(name, title, [header for header, _cell in columns])
        for row in rows:
            t.add([cell(row) for _header, cell in columns], link(row))
        return t


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
    columns: list[Column] = [
        (_("Need ID"), attrgetter("id")),
        (_("Title"), attrgetter("title")),
        (_("Street / town"), lambda n: names.region(n.street)),
        (_("Category"), lambda n: names.category(n.category)),
        (_("Gap reason"), lambda n: names.reason(n.reason)),
        (_("Budget (yuan)"), attrgetter("budget_yuan")),
        (_("Beneficiaries (people)"), attrgetter("beneficiary_count")),
    ]
    rows = unmet_needs(session, flt, limit)
    return Table.of("needs", _("Unmet needs"), columns, rows, lambda n: {"street": n.street})


def supply_table(session: Session, flt: NeedFilter, names: Names) -> Table:
    columns: list[Column] = [
        (_("Code"), attrgetter("street")),
        (_("Street / town"), lambda r: names.region(r.street)),
        (_("Category"), lambda r: names.category(r.category)),
        (_("Organizations"), attrgetter("organizations")),
        (_("Capacity"), attrgetter("capacity")),
        (_("Free capacity"), attrgetter("free_capacity")),
        (_("Needs"), attrgetter("needs")),
        (_("Unmet"), attrgetter("unmet")),
    ]
    return Table.of(
        "supply",
        _("Supply and demand by street and category"),
        columns,
        supply_demand(session, flt),
        lambda r: {"street": r.street, "category": r.category},
    )


def _percent(attribute: str) -> Callable[[Any], Any]:
    """A share in 0..1 shown as a percentage with one decimal; blank where there is none."""
    read = attrgetter(attribute)
    return lambda r: "" if read(r) is None else round(100 * read(r), 1)


def fairness_table(session: Session, flt: NeedFilter) -> Table:
    columns: list[Column] = [
        (_("Dimension"), lambda r: str(DIMENSIONS[r.dimension])),
        (_("Band"), lambda r: band_label(r.band)),
        (_("Organizations"), attrgetter("organizations")),
        (_("Share of organizations (%)"), _percent("org_share")),
        (_("Suggestions"), attrgetter("suggested")),
        (_("Share of suggestions (%)"), _percent("suggestion_share")),
        (_("Confirmed"), attrgetter("confirmed")),
        (_("Share of confirmations (%)"), _percent("confirmation_share")),
        (_("Rejected"), attrgetter("rejected")),
        (_("Confirmation rate (%)"), _percent("confirm_rate")),
    ]
    title = _("Suggestions and confirmations by organization profile")
    return Table.of("fairness", title, columns, fairness(session, flt))


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
