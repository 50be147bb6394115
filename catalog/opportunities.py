"""An organization's opportunities: the listed needs matching suggested it for, best first.

Matching writes suggestions per need; the organization reads per organization. The
`opportunity` table (catalog.models.opportunities) turns one into the other: every step that
changes a need's suggestions or its status calls `sync_needs` in its own transaction (the
matcher's write step, a lifecycle transition, a decision, a team invitation, an import), so a
web request reads a page with one indexed query and never ranks anything itself. A need that
leaves the listed state takes its rows with it; one the office rejected an organization for
is not shown to that organization."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from catalog.models import Interest, Need, NeedStatus, Opportunity, Region, Suggestion
from catalog.models import SuggestionStatus as SS

# A need is recommended to an organization that matching suggested for it, or that the office
# confirmed; one the office rejected is not told the need is for it.
SHOWN = (SS.SUGGESTED, SS.CONFIRMED)

_SOURCE = (
    select(Suggestion.need_id, Suggestion.org_id, Suggestion.score, Need.listed_at)
    .join(Need, Need.id == Suggestion.need_id)
    .where(Need.status == NeedStatus.LISTED, Suggestion.status.in_(SHOWN))
)
_COLUMNS = ["need_id", "org_id", "score", "listed_at"]
# Core statements on the table, run on the session's connection with the ids as one expanding
# parameter: compiled once and cached. The ORM-enabled form of the same delete cost over half a
# millisecond of CPU per call (its bulk-delete bookkeeping for objects nobody loads), about ten
# times the statement itself; a match runs it once.
_TABLE = cast(Table, Opportunity.__table__)
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_DELETE = delete(_TABLE).where(_TABLE.c.need_id.in_(_IDS))
_INSERT = insert(_TABLE).from_select(_COLUMNS, _SOURCE.where(Suggestion.need_id.in_(_IDS)))


def sync_needs(session: Session, need_ids: Iterable[str], listed: bool | None = None) -> None:
    """Make the opportunity rows of these needs what their suggestions and status say now.
    Two statements per call, touching only these needs' rows (a need has a few dozen).
    `listed=False`: the caller holds these needs locked and none is listed, so they have no
    rows to add (matching an approved need: one statement and round trip less)."""
    ids = sorted(set(need_ids))
    if not ids:
        return
    session.flush()  # the caller's pending suggestion and status changes are the source
    conn = session.connection()
    conn.execute(_DELETE, {"ids": ids})
    if listed is not False:
        conn.execute(_INSERT, {"ids": ids})


def rebuild(session: Session) -> None:
    """Every row again from the suggestions (after a bulk load that bypassed the writers, or
    a migration): the same rule as `sync_needs`, for the whole catalog."""
    session.flush()
    conn = session.connection()
    conn.execute(delete(_TABLE))
    conn.execute(insert(_TABLE).from_select(_COLUMNS, _SOURCE))


Narrow = Callable[[Select[Any]], Select[Any]]
Order = Callable[[tuple[ColumnElement[Any], ...]], tuple[ColumnElement[Any], ...]]


def page(
    session: Session,
    org_id: str,
    limit: int = 20,
    offset: int = 0,
    narrow: Narrow | None = None,
    order: Order | None = None,
) -> Sequence[Any]:
    """One page of the organization's opportunities, best first (newest first among equal
    scores), as rows: the need's public columns, `street_name`/`street_name_en`, `score`,
    `reasons` and `suggestion_status` (the suggestion's own) and `interested` (an active
    interest). One query: a range of `ix_opportunity_org_rank`, then a primary-key or
    unique-key probe per row. `narrow` adds a caller's filters on the need's columns (a
    page's word search, street, category, dates) and `order` may put a chosen column before
    the rank, so filtering and sorting stay in SQL however long the list is."""
    rank: tuple[ColumnElement[Any], ...] = (
        Opportunity.score.desc(),
        Opportunity.listed_at.desc(),
        Opportunity.need_id.asc(),
    )
    query = (
        select(
            *_NEED_COLUMNS,
            Region.name.label("street_name"),
            Region.name_en.label("street_name_en"),
            Opportunity.score,
            Suggestion.reasons,
            Suggestion.status.label("suggestion_status"),
            Interest.active.is_not(None).label("interested"),
        )
        .select_from(Opportunity)
        .join(Need, Need.id == Opportunity.need_id)
        .outerjoin(Region, Region.code == Need.street_code)
    )
    query = _own(query, org_id)
    if narrow is not None:
        query = narrow(query)
    query = query.order_by(*(order(rank) if order else rank)).limit(limit).offset(offset)
    return session.execute(query).all()


def unanswered(session: Session, org_id: str) -> int:
    """How many of the organization's opportunities it has neither shown interest in nor been
    confirmed for (the count on its start page)."""
    query = _own(select(func.count()).select_from(Opportunity), org_id).where(
        Suggestion.status != SS.CONFIRMED, Interest.active.is_(None)
    )
    return session.scalar(query) or 0


def _own(query: Select[Any], org_id: str) -> Select[Any]:
    """The organization's opportunity rows with its own suggestion and its active interest
    (if any) beside each."""
    return (
        query.join(
            Suggestion,
            and_(Suggestion.need_id == Opportunity.need_id, Suggestion.org_id == org_id),
        )
        .outerjoin(
            Interest,
            and_(
                Interest.need_id == Opportunity.need_id,
                Interest.org_id == org_id,
                Interest.active.is_(True),
            ),
        )
        .where(Opportunity.org_id == org_id)
    )


_NEED_COLUMNS = (
    Need.id,
    Need.title,
    Need.description,
    Need.posted_by,
    Need.street_code,
    Need.category_name,
    Need.beneficiaries,
    Need.beneficiary_count,
    Need.budget_yuan,
    Need.months,
    Need.funding,
    Need.status,
    Need.listed_at,
)
