"""What each viewer may see. The confirmation rule lives here: a suggested organization is
visible beyond the posting office and reviewers only after a person confirmed it, and a need
is public only once listed."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.models import Need, Role, Suggestion, SuggestionStatus
from catalog.models.needs import PUBLIC_STATUSES


def can_see_need(need: Need, viewer: Actor | None) -> bool:
    if need.status in PUBLIC_STATUSES:
        return True
    if viewer is None:
        return False
    if viewer.role in (Role.OFFICE, Role.REVIEWER, Role.PLANNER, Role.ADMIN):
        if viewer.role == Role.REVIEWER and need.status in ("draft",):
            return False  # drafts are the office's own until submitted
        return viewer.covers_street(need.street_code)
    return False


def sees_unconfirmed(need: Need, viewer: Actor | None) -> bool:
    """Office of the need's street, reviewers in scope and admins see every suggestion."""
    return (
        viewer is not None
        and viewer.role in (Role.OFFICE, Role.REVIEWER, Role.ADMIN)
        and viewer.covers_street(need.street_code)
    )


def visible_suggestions_query(need: Need, viewer: Actor | None) -> Select[tuple[Suggestion]]:
    q = select(Suggestion).where(Suggestion.need_id == need.id).order_by(Suggestion.rank)
    if sees_unconfirmed(need, viewer):
        return q
    if need.status not in PUBLIC_STATUSES:
        return q.where(False)
    return q.where(Suggestion.status == SuggestionStatus.CONFIRMED)


def visible_suggestions(session: Session, need: Need, viewer: Actor | None) -> list[Suggestion]:
    return list(session.scalars(visible_suggestions_query(need, viewer)))


def public_needs_query() -> Select[tuple[Need]]:
    return select(Need).where(Need.status.in_(PUBLIC_STATUSES)).order_by(Need.listed_at.desc())
