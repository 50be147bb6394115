"""The numbers on each role's start page: what waits for the person signed in (to review,
awaiting decisions, new interest, gaps in my area), counted over the same needs their list
shows (`worklist_clause`), so a count never promises rows the list will not open."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.models import Interest, Need, NeedStatus, Suggestion, SuggestionStatus
from catalog.permissions import DECIDABLE_NEED_STATUSES
from catalog.visibility import worklist_clause


def _count(session: Session, query) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def gaps(session: Session, actor: Actor) -> int:
    """Open needs of the actor's area that no organization can serve (matching's gap)."""
    query = select(Need.id).where(
        worklist_clause(actor), Need.gap.is_(True), Need.status != NeedStatus.CLOSED
    )
    return _count(session, query)


def office_counts(session: Session, actor: Actor) -> dict[str, int]:
    """Suggestions the office still has to confirm or reject, and interest from organizations
    it has not answered yet (neither confirmed nor rejected them for that need)."""
    decidable = and_(worklist_clause(actor), Need.status.in_(DECIDABLE_NEED_STATUSES))
    awaiting = (
        select(Suggestion.need_id)
        .join(Need, Need.id == Suggestion.need_id)
        .where(decidable, Suggestion.status == SuggestionStatus.SUGGESTED)
    )
    answered = select(Suggestion.need_id).where(
        Suggestion.need_id == Interest.need_id,
        Suggestion.org_id == Interest.org_id,
        Suggestion.status != SuggestionStatus.SUGGESTED,
    )
    interest = (
        select(Interest.need_id)
        .join(Need, Need.id == Interest.need_id)
        .where(decidable, Interest.active.is_(True), ~answered.exists())
    )
    return {
        "awaiting": _count(session, awaiting),
        "interest": _count(session, interest),
        "gaps": gaps(session, actor),
    }


def reviewer_counts(session: Session, actor: Actor) -> dict[str, int]:
    to_review = select(Need.id).where(worklist_clause(actor), Need.status == NeedStatus.SUBMITTED)
    return {"to_review": _count(session, to_review), "gaps": gaps(session, actor)}
