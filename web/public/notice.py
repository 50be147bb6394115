"""The notice board's query: listed needs (and later states) filtered by district, street,
category and text, with their confirmed organizations and, once a need is closed, their
published acceptance results. Only what a person approved and
confirmed is ever returned; no account names or contact data are part of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import region_clause
from catalog.models import Need, PerformanceRecord, Suggestion, SuggestionStatus
from catalog.outcomes import published_outcomes
from catalog.visibility import public_needs_query
from web.pages.word_search import words_clause

MAX_ROWS = 5000


@dataclass
class NoticeFilter:
    q: str = ""
    district: str = ""
    street: str = ""
    category: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> NoticeFilter:
        def clean(key: str, size: int) -> str:
            return (args.get(key) or "").strip()[:size]

        return cls(
            clean("q", 100), clean("district", 12), clean("street", 12), clean("category", 40)
        )

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class NoticeEntry:
    need: Need
    confirmed: list[Suggestion] = field(default_factory=list)
    # Published acceptance results by organization id (closed needs only, Art. 27).
    outcomes: dict[str, PerformanceRecord] = field(default_factory=dict)


def notice_entries(
    session: Session, flt: NoticeFilter, limit: int = MAX_ROWS, offset: int = 0
) -> list[NoticeEntry]:
    q = public_needs_query()
    if flt.street:
        q = q.where(Need.street_code == flt.street)
    elif flt.district:
        q = q.where(region_clause(flt.district, Need.street_code))
    if flt.category:
        q = q.where(Need.category_name == flt.category)
    clause = words_clause(session, flt.q)
    if clause is not None:
        q = q.where(clause)
    needs = list(session.scalars(q.order_by(Need.id).offset(offset).limit(limit)))
    return attach_confirmed(session, needs)


def attach_confirmed(session: Session, needs: list[Need]) -> list[NoticeEntry]:
    entries = {n.id: NoticeEntry(n) for n in needs}
    if entries:
        rows = session.scalars(
            select(Suggestion)
            .where(
                Suggestion.need_id.in_(list(entries)),
                Suggestion.status == SuggestionStatus.CONFIRMED,
            )
            .order_by(Suggestion.rank)
        )
        for s in rows:
            entries[s.need_id].confirmed.append(s)
        for (need_id, org_id), result in published_outcomes(session, needs).items():
            entries[need_id].outcomes[org_id] = result
    return list(entries.values())
