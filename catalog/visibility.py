"""What each viewer may see. The confirmation rule lives here: a suggested organization is
visible beyond the posting office and reviewers only after a person confirmed it, and a need
is public only once it was listed (`Need.is_public`), never because of its status: a draft
withdrawn by its office is `closed` but was never public and never becomes so.

`can_see_need` and `visible_needs_clause` are the same rule, in Python for one record and in
SQL for lists, kept side by side so they cannot drift apart."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any, Protocol, cast

from sqlalchemy import Row, Select, bindparam, false, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from catalog.actors import Actor, region_clause
from catalog.errors import NotFound
from catalog.models import Need, NeedStatus, Organization, Role, Suggestion, SuggestionStatus

# Roles that see non-public needs of their region; which of those needs is decided below.
STAFF_ROLES = (Role.OFFICE, Role.REVIEWER, Role.PLANNER, Role.ADMIN)


class NeedFacts(Protocol):
    """What the rules below read of a need: a `Need`, or a row of `NEED_FACTS` (the read
    path's column-only form, `load_need_facts`)."""

    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def street_code(self) -> str: ...
    @property
    def submitted_at(self) -> dt.datetime | None: ...
    @property
    def is_public(self) -> bool: ...


def is_public(need: NeedFacts) -> bool:
    """Listed once (公示), public for good; the rule every public channel asks."""
    return bool(need.is_public)


def sees_drafts(viewer: Actor) -> bool:
    """Drafts, and drafts withdrawn before they were ever submitted, are the office's own work:
    reviewers do not review them and planners get counts, not text (catalog.analytics)."""
    return viewer.role in (Role.OFFICE, Role.ADMIN)


def never_submitted(need: NeedFacts) -> bool:
    """A draft, or a draft withdrawn before it was submitted (closed with no submission)."""
    return need.status == NeedStatus.DRAFT or (
        need.status == NeedStatus.CLOSED and need.submitted_at is None
    )


def submitted_clause() -> ColumnElement[bool]:
    """`not never_submitted` as SQL: the needs whose text reviewers and planners may read."""
    return (Need.status != NeedStatus.DRAFT) & (
        (Need.status != NeedStatus.CLOSED) | Need.submitted_at.is_not(None)
    )


def can_see_need(need: NeedFacts, viewer: Actor | None) -> bool:
    if is_public(need):
        return True
    if viewer is None or viewer.role not in STAFF_ROLES:
        return False
    if never_submitted(need) and not sees_drafts(viewer):
        return False
    return viewer.covers_street(need.street_code)


def scope_clause(viewer: Actor) -> ColumnElement[bool]:
    """Needs whose street lies in the viewer's region scope, as SQL (`Actor.covers_street`)."""
    if viewer.is_admin:
        return true()
    if not viewer.scope or viewer.role not in STAFF_ROLES:
        return false()
    if viewer.role == Role.OFFICE:
        return Need.street_code == viewer.scope
    return region_clause(viewer.scope, Need.street_code)


def visible_needs_clause(viewer: Actor | None) -> ColumnElement[bool]:
    """`can_see_need` as SQL, so lists page in the database."""
    public = cast(ColumnElement[bool], Need.is_public)  # the hybrid's SQL form
    if viewer is None or viewer.role not in STAFF_ROLES:
        return public
    if viewer.is_admin:
        return true()
    in_scope = scope_clause(viewer)
    if not sees_drafts(viewer):
        in_scope = in_scope & submitted_clause()
    return in_scope | public


def worklist_clause(viewer: Actor) -> ColumnElement[bool]:
    """`load_need(..., in_scope=True)` as SQL: the needs of the viewer's region it may see, as
    the office's list and the review queue show them (each row then opens)."""
    return scope_clause(viewer) & visible_needs_clause(viewer)


# The roles that may see unconfirmed suggestions (of the needs in their scope).
UNCONFIRMED_ROLES = (Role.OFFICE, Role.REVIEWER, Role.ADMIN)


def sees_unconfirmed(need: NeedFacts, viewer: Actor | None) -> bool:
    """Office of the need's street, reviewers in scope and admins see every suggestion."""
    return (
        viewer is not None
        and viewer.role in UNCONFIRMED_ROLES
        and viewer.covers_street(need.street_code)
    )


def suggestions_shown(need: NeedFacts, viewer: Actor | None) -> str:
    """The confirmation rule for one need's suggestions: "all" for the office and reviewers in
    scope, "confirmed" for everyone else once the need is public, else "none"."""
    if sees_unconfirmed(need, viewer):
        return "all"
    return "confirmed" if is_public(need) else "none"


def _suggestions_sql(shown: str, need_id: Any) -> ColumnElement[bool]:
    if shown == "none":
        return false()
    clause = Suggestion.need_id == need_id
    if shown == "confirmed":
        clause = clause & (Suggestion.status == SuggestionStatus.CONFIRMED)
    return clause


def shown_rows(shown: str, rows: Iterable[Any]) -> list[Any]:
    """`_suggestions_sql` in Python, for rows read together with their need in one statement
    (the API's list, where the rule needs the need's facts the same statement brings): the
    rows of real suggestions (`id` not null: an outer join's empty row is none) that `shown`
    lets through, in their order."""
    if shown == "none":
        return []
    confirmed_only = shown == "confirmed"
    return [
        row
        for row in rows
        if row.id is not None and (not confirmed_only or row.status == SuggestionStatus.CONFIRMED)
    ]


def visible_suggestions_clause(need: NeedFacts, viewer: Actor | None) -> ColumnElement[bool]:
    """`suggestions_shown` as SQL for one need's suggestions (the ORM query below)."""
    return _suggestions_sql(suggestions_shown(need, viewer), need.id)


def visible_suggestions_query(need: Need, viewer: Actor | None) -> Select[tuple[Suggestion]]:
    return (
        select(Suggestion).where(visible_suggestions_clause(need, viewer)).order_by(Suggestion.rank)
    )


def visible_suggestions(session: Session, need: Need, viewer: Actor | None) -> list[Suggestion]:
    return list(session.scalars(visible_suggestions_query(need, viewer)))


def public_needs_query() -> Select[tuple[Need]]:
    return select(Need).where(Need.is_public).order_by(Need.listed_at.desc())


# ---------------------------------------------------------------- loaders (flaskr's get_post)


def load_need(
    session: Session, need_id: str | None, viewer: Actor | None, *, in_scope: bool = False
) -> Need:
    """The need if the viewer may see it (`can_see_need`); with `in_scope`, only if it also lies
    in the viewer's region (the office's and reviewer's work pages: another street's public
    notice is read on the public board, not worked on).

    :raise NotFound: no such need, or the viewer may not see it: a need one may not see is
        reported exactly like one that does not exist, so existence is not leaked."""
    need = session.get(Need, need_id) if need_id else None
    if (
        need is None
        or not can_see_need(need, viewer)
        or (in_scope and (viewer is None or not viewer.covers_street(need.street_code)))
    ):
        raise NotFound("需求不存在", f"no need {need_id!r}")
    return need


# The columns the rules read, by primary key, as one cached Core statement (no ORM identity
# map, no unit of work): the read path's form of `load_need` (issue 14's profile).
_FACTS = Need.__table__.c
NEED_FACTS = (
    _FACTS.id,
    _FACTS.status,
    _FACTS.street_code,
    _FACTS.submitted_at,
    _FACTS.listed_at.is_not(None).label("is_public"),  # the SQL form of Need.is_public
)


@functools.cache
def _facts_statement(extra: tuple[Any, ...]) -> Select[Any]:
    return select(*NEED_FACTS, *extra).where(_FACTS.id == bindparam("need_id"))


def load_need_facts(
    session: Session, need_id: str | None, viewer: Actor | None, *extra: Any
) -> Row[Any]:
    """`load_need` as a row of `NEED_FACTS` (+ `extra` columns of the need table): the same
    rule (`can_see_need`), the same NotFound, no ORM object.

    :raise NotFound: no such need, or the viewer may not see it."""
    stmt = _facts_statement(extra)
    row = session.connection().execute(stmt, {"need_id": need_id}).first() if need_id else None
    return visible_or_not_found(row, need_id, viewer)


def visible_or_not_found(facts: Any, need_id: str | None, viewer: Actor | None) -> Any:
    """`facts` (a need's facts, or None when there is no such need) if the viewer may see the
    need; else the same NotFound as for a need that does not exist (existence not leaked).

    :raise NotFound: no such need, or the viewer may not see it."""
    if facts is None or not can_see_need(facts, viewer):
        raise NotFound("需求不存在", f"no need {need_id!r}")
    return facts


def load_suggestion(
    session: Session, suggestion_id: int | None, viewer: Actor | None
) -> Suggestion:
    """A suggestion for the office and reviewers in scope (who see unconfirmed ones).

    :raise NotFound: no such suggestion, or the viewer may not see it."""
    s = session.get(Suggestion, suggestion_id) if suggestion_id else None
    if s is None or not can_see_need(s.need, viewer) or not sees_unconfirmed(s.need, viewer):
        raise NotFound("推荐不存在", f"no suggestion {suggestion_id}")
    return s


def load_org(session: Session, org_id: str | None) -> Organization:
    """An organization: capability profiles are public (Art. 24), so anyone may load one.

    :raise NotFound: no such organization."""
    org = session.get(Organization, org_id) if org_id else None
    if org is None:
        raise NotFound("社会组织不存在", f"no organization {org_id!r}")
    return org


def public_organizations_clause() -> ColumnElement[bool]:
    """Organizations the public may see in directories (HSDS): those a person confirmed for a
    need that was listed. The notice board already names them; any other profile is read only
    by signed-in accounts, on record (web.access.reads)."""
    confirmed_on_public = (
        select(Suggestion.org_id)
        .join(Need, Need.id == Suggestion.need_id)
        .where(Suggestion.status == SuggestionStatus.CONFIRMED, Need.is_public)
    )
    return Organization.id.in_(confirmed_on_public)
