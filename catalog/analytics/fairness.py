"""Who gets suggested and confirmed, by organization size, age and evaluation grade.

Art. 16 forbids using founding year, size or grade as mandatory qualifications, and the Xuhui
report warns that officials favour established organizations. This view lets planners check
whether grassroots organizations (small, young, unrated) get their share: for each band, its
share of organizations next to its share of suggestions and of confirmations."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog.analytics.filters import NeedFilter
from catalog.models import Need, Organization, Suggestion, SuggestionStatus

DIMENSIONS = ("size", "age", "rating")
# Band codes in display order; labels are the web layer's business (translated there).
BANDS: dict[str, tuple[str, ...]] = {
    "size": ("staff_1_9", "staff_10_29", "staff_30_plus", "unknown"),
    "age": ("years_0_2", "years_3_9", "years_10_plus", "unknown"),
    "rating": ("AAAAA", "AAAA", "AAA", "AA", "A", "unrated"),
}


def size_band(staff: int | None) -> str:
    if staff is None or staff <= 0:
        return "unknown"
    if staff < 10:
        return "staff_1_9"
    return "staff_10_29" if staff < 30 else "staff_30_plus"


def age_band(founded: int | None, year: int) -> str:
    if founded is None or founded > year:
        return "unknown"
    age = year - founded
    if age < 3:
        return "years_0_2"
    return "years_3_9" if age < 10 else "years_10_plus"


def rating_band(rating: str | None) -> str:
    r = (rating or "").strip().upper()
    return r if r in BANDS["rating"] else "unrated"


@dataclass
class FairnessRow:
    """One band of one dimension. A band gets its due when its share of suggestions and of
    confirmations is close to its share of organizations."""

    dimension: str
    band: str
    organizations: int = 0
    # The suggestions of the band's organizations, by status (suggested, confirmed, rejected).
    statuses: Counter[str] = field(default_factory=Counter)
    # Shares of the dimension's totals, set once every band is counted (`_set_shares`).
    org_share: float = 0.0
    suggestion_share: float = 0.0
    confirmation_share: float = 0.0

    @property
    def suggested(self) -> int:
        """Every suggestion, whether decided or not."""
        return sum(self.statuses.values())

    @property
    def confirmed(self) -> int:
        return self.statuses[SuggestionStatus.CONFIRMED]

    @property
    def rejected(self) -> int:
        """Rejected by the office, each with its reason."""
        return self.statuses[SuggestionStatus.REJECTED]

    @property
    def confirm_rate(self) -> float | None:
        """Confirmed among decided suggestions; None before anyone decided."""
        decided = self.confirmed + self.rejected
        return self.confirmed / decided if decided else None


def _bands(org: Sequence[Any], year: int) -> dict[str, str]:
    _id, staff, founded, rating = org
    return {
        "size": size_band(staff),
        "age": age_band(founded, year),
        "rating": rating_band(rating),
    }


def fairness(
    session: Session, flt: NeedFilter | None = None, year: int | None = None
) -> list[FairnessRow]:
    """Rows for every dimension × band (empty bands included, so gaps in supply show).
    Suggestions count on needs matching `flt`; every organization counts once per dimension."""
    year = year or dt.date.today().year
    orgs = session.execute(
        select(Organization.id, Organization.staff, Organization.founded, Organization.rating)
    ).all()
    per_org = _statuses_by_org(session, flt or NeedFilter())
    rows = {(d, b): FairnessRow(d, b) for d in DIMENSIONS for b in BANDS[d]}
    for org in orgs:
        counts = per_org.get(org[0], Counter())
        for dim, band in _bands(org, year).items():
            row = rows[(dim, band)]
            row.organizations += 1
            row.statuses.update(counts)
    ordered = [rows[(d, b)] for d in DIMENSIONS for b in BANDS[d]]
    for dim in DIMENSIONS:
        _set_shares([r for r in ordered if r.dimension == dim])
    return ordered


def _statuses_by_org(session: Session, flt: NeedFilter) -> dict[str, Counter[str]]:
    """Each organization's suggestions on the filtered needs, by status (one grouped query)."""
    q = (
        select(Suggestion.org_id, Suggestion.status, func.count())
        .join(Need, Need.id == Suggestion.need_id)
        .where(*flt.conditions())
        .group_by(Suggestion.org_id, Suggestion.status)
    )
    per_org: dict[str, Counter[str]] = {}
    for org_id, status, n in session.execute(q):
        per_org.setdefault(org_id, Counter())[status] += int(n)
    return per_org


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _set_shares(dim_rows: list[FairnessRow]) -> None:
    """Each band's shares of its dimension's totals. Every organization falls in exactly one
    band per dimension, so the organizations of one dimension's rows are all of them."""
    orgs = sum(r.organizations for r in dim_rows)
    sug = sum(r.suggested for r in dim_rows)
    conf = sum(r.confirmed for r in dim_rows)
    for r in dim_rows:
        r.org_share = _share(r.organizations, orgs)
        r.suggestion_share = _share(r.suggested, sug)
        r.confirmation_share = _share(r.confirmed, conf)
