"""Unmet demand: how many needs each region posted per category, how many the matcher could
serve, how many are gaps and why, and what the gaps are worth in budget and beneficiaries.

The figures are read straight from what the matcher wrote on each need (`gap`, `gap_reason`),
never recomputed here, so the planner sees exactly the gaps the matcher flagged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from catalog.actors import enclosing_areas
from catalog.analytics.filters import GAP_REASONS, NeedFilter, submitted
from catalog.models import Need, Region

LEVELS = ("street", "district", "city")
Key = tuple[str, str | None]
# The keys of a `GET /api/v1/gaps` row and of a `GET /api/v1/gaps/needs` row: a public
# interface, keep them.
GAP_API_KEYS = ("region", "category", "needs", "matched", "unmet")
UNMET_API_KEYS = ("id", "street", "category", "reason")


def _api_row(row: object, keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: getattr(row, k) for k in keys}


@dataclass
class GapRow:
    """One region × category cell (category None: needs not yet categorised, or all categories
    when the table is not split by category)."""

    region: str
    category: str | None
    needs: int = 0
    matched: int = 0
    unmet: int = 0
    budget_yuan: int = 0
    beneficiaries: int = 0
    unmet_budget_yuan: int = 0
    unmet_beneficiaries: int = 0
    reasons: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GAP_REASONS, 0))

    @property
    def pending(self) -> int:
        """Needs the matcher has not decided on yet (not matched, not flagged)."""
        return self.needs - self.matched - self.unmet

    def add(self, other: GapRow) -> None:
        """Add another cell's figures (rolling streets up to districts, or into a total)."""
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.reasons.items():
            self.reasons[k] = self.reasons.get(k, 0) + v

    def as_api(self) -> dict:
        """The row of `GET /api/v1/gaps`."""
        reasons = {r: self.reasons.get(r, 0) for r in GAP_REASONS}
        return {**_api_row(self, GAP_API_KEYS), "reasons": reasons}


# The figures of a GapRow that add up across cells (everything but the labels and reasons).
SUMMED = (
    "needs",
    "matched",
    "unmet",
    "budget_yuan",
    "beneficiaries",
    "unmet_budget_yuan",
    "unmet_beneficiaries",
)


@dataclass(frozen=True)
class UnmetNeed:
    id: str
    street: str
    category: str | None
    reason: str | None
    title: str
    budget_yuan: int
    beneficiary_count: int

    def as_api(self) -> dict:
        """The row of `GET /api/v1/gaps/needs`."""
        return _api_row(self, UNMET_API_KEYS)


def region_of(street_code: str, level: str) -> str:
    """The code of the street's region at `level` (district: 6 digits; city: 4 digits + "00")."""
    street, district, city = enclosing_areas(street_code)
    if level == "street":
        return street
    if level == "district":
        return district
    if level == "city":
        return city
    raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")


def _street_cells(session: Session, flt: NeedFilter) -> list[GapRow]:
    """One SQL pass: street × category sums. Everything coarser is rolled up in Python, which
    keeps the SQL identical on SQLite and PostgreSQL (no dialect-specific substrings)."""
    is_gap = Need.gap.is_(True)
    is_matched = Need.gap.is_(False)

    def count_if(cond: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((cond, 1), else_=0))

    def sum_if(cond: ColumnElement[bool], col: Any) -> ColumnElement[Any]:
        return func.sum(case((cond, func.coalesce(col, 0)), else_=0))

    cols: list[Any] = [
        Need.street_code,
        Need.category_name,
        func.count(Need.id),
        count_if(is_matched),
        count_if(is_gap),
        func.sum(func.coalesce(Need.budget_yuan, 0)),
        func.sum(func.coalesce(Need.beneficiary_count, 0)),
        sum_if(is_gap, Need.budget_yuan),
        sum_if(is_gap, Need.beneficiary_count),
        *[count_if(is_gap & (Need.gap_reason == r)) for r in GAP_REASONS],
    ]
    q = select(*cols).where(*flt.conditions()).group_by(Need.street_code, Need.category_name)
    out = []
    for row in session.execute(q):
        street, cat, *nums = row
        n = [int(x or 0) for x in nums]
        out.append(
            GapRow(
                region=street,
                category=cat,
                needs=n[0],
                matched=n[1],
                unmet=n[2],
                budget_yuan=n[3],
                beneficiaries=n[4],
                unmet_budget_yuan=n[5],
                unmet_beneficiaries=n[6],
                reasons=dict(zip(GAP_REASONS, n[7:], strict=True)),
            )
        )
    return out


def _sort_key(row: GapRow) -> tuple:
    return (row.region, row.category is None, row.category or "")


def rollup(cells: Iterable[GapRow], level: str, by_category: bool = True) -> list[GapRow]:
    """Sum street cells up to `level`, optionally merging categories."""
    acc: dict[Key, GapRow] = {}
    for c in cells:
        key = (region_of(c.region, level), c.category if by_category else None)
        row = acc.get(key)
        if row is None:
            row = acc[key] = GapRow(region=key[0], category=key[1])
        row.add(c)
    return sorted(acc.values(), key=_sort_key)


def gap_table(
    session: Session,
    flt: NeedFilter | None = None,
    level: str = "street",
    by_category: bool = True,
) -> list[GapRow]:
    """Region × category: needs, matched, unmet, reasons, budget and beneficiaries.
    Only cells with at least one need appear."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {LEVELS}")
    return rollup(_street_cells(session, flt or NeedFilter()), level, by_category)


def totals(rows: Iterable[GapRow], region: str = "") -> GapRow:
    """The sum of some rows (the table's footer, the city's headline figures)."""
    total = GapRow(region=region, category=None)
    for r in rows:
        total.add(r)
    return total


def region_figures(
    session: Session, flt: NeedFilter | None = None, level: str = "district"
) -> dict[str, GapRow]:
    """Per region at `level`, all categories merged: what the map colours and shows on hover."""
    return {r.region: r for r in gap_table(session, flt, level, by_category=False)}


def unmet_needs(
    session: Session, flt: NeedFilter | None = None, limit: int | None = None
) -> list[UnmetNeed]:
    """The needs flagged as gaps, most valuable (budget) first, each with its reason."""
    flt = flt or NeedFilter()
    q = (
        select(
            Need.id,
            Need.street_code,
            Need.category_name,
            Need.gap_reason,
            Need.title,
            func.coalesce(Need.budget_yuan, 0).cast(Integer),
            func.coalesce(Need.beneficiary_count, 0).cast(Integer),
        )
        .where(Need.gap.is_(True), *flt.conditions(), submitted())
        .order_by(Need.budget_yuan.desc(), Need.id)
    )
    if limit:
        q = q.limit(limit)
    return [UnmetNeed(*row) for row in session.execute(q)]


def region_names(session: Session, locale: str = "zh_Hans_CN") -> dict[str, str]:
    """Code → display name for every region; English names fall back to the Chinese ones."""
    out = {}
    for code, name, name_en in session.execute(select(Region.code, Region.name, Region.name_en)):
        out[code] = (name_en or name) if locale.startswith("en") else name
    return out
