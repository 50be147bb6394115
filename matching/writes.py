"""The suggestion rows of one match, written in as few statements as the database allows.

Writing is most of a match's time at 100,000 organizations once ranking is vectorized: every
statement is a round trip and SQLAlchemy's per-statement work, and on a busy machine each round
trip is also a wait for the database process to be scheduled. Hence one read of the need's
current rows, one delete and one insert of the new ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, TextClause

from catalog.models import Suggestion
from catalog.opportunities import sync_needs
from catalog.teams import is_team_invite
from matching.ranking.results import MatchResult, Suggested

# PostgreSQL: the rows as one JSON document, expanded by the server into one INSERT. A short
# statement with three parameters, so psycopg caches and prepares it. A multi-row VALUES list
# has 11 parameters a row (past psycopg's 4,096-character and 50-parameter cache limits: parsed
# anew every time, over a millisecond); an executemany sends one statement per row; arrays
# per column are escaped element by element in Python (slower than all of it).
_INSERT_SQL = (
    "INSERT INTO suggestion (need_id, org_id, score, rank, reasons, features, probability, "
    "likely, model_version, status, version) "
    "SELECT :need_id, r.org_id, r.score, r.rank, r.reasons, r.features, r.probability, "
    "r.likely, :model_version, 'suggested', 1 "
    "FROM json_to_recordset(CAST(:rows AS json)) AS r(org_id varchar, score float8, "
    "rank integer, reasons json, features json, probability float8, likely boolean)"
)
_FROM_JSON = text(_INSERT_SQL)
# PostgreSQL, a need without an invited team (the usual case): the undecided rows deleted and
# the new ones inserted in one statement, one round trip less. The delete must be done before
# the insert checks uq_suggestion_need_org, so the insert's WHERE reads its output (an InitPlan,
# run first); a data-modifying WITH nothing reads runs after the main statement and would
# collide. An unlisted need's opportunity rows (`unlisted`) go in the same statement.
_GONE = (
    "WITH gone AS (DELETE FROM suggestion WHERE need_id = :need_id AND status = 'suggested' "
    "RETURNING 1)"
)
_AFTER_GONE = " WHERE (SELECT count(*) FROM gone) >= 0"
_REPLACE = text(f"{_GONE} {_INSERT_SQL}{_AFTER_GONE}")
_REPLACE_UNLISTED = text(
    f"{_GONE}, opp AS (DELETE FROM opportunity WHERE need_id = :need_id) {_INSERT_SQL}{_AFTER_GONE}"
)

# The other statements, compiled once (cached) with the need's id as a parameter. Run on the
# session's connection: the ORM-enabled forms spent more CPU on bookkeeping for objects nobody
# loads than the statements themselves.
_T = cast(Table, Suggestion.__table__)
_NEED: BindParameter[Any] = bindparam("need")
_CURRENT = select(_T.c.id, _T.c.org_id, _T.c.status, _T.c.reasons).where(_T.c.need_id == _NEED)
_DELETE = delete(_T).where(
    _T.c.need_id == _NEED,
    _T.c.status == "suggested",
    _T.c.id.not_in(bindparam("kept", expanding=True)),
)
_RERANK = (
    update(_T)
    .where(_T.c.id == bindparam("sid"))
    .values(rank=bindparam("rank"), version=_T.c.version + 1)
)


def replace_suggestions(
    session: Session, need_id: str, result: MatchResult, version: str, unlisted: bool = False
) -> int:
    """Suggestions a person decided on are kept, and their organizations not suggested again;
    the undecided ones are replaced by this result's (ranked 1, 2, … in the matcher's order),
    and members of an invited team follow them. Read as plain rows: a suggestion object
    would load its organization with categories and areas, most of a match's time. Returns
    how many undecided suggestions the need has now (the new ones and the invited).
    `unlisted`: the caller holds the need locked and it is not listed, so its opportunity rows
    are only deleted (`sync_needs(listed=False)`), done here with the suggestions."""
    session.flush()  # what the ORM statements' autoflush did: pending rows are part of the read
    conn = session.connection()  # Core on the connection: no ORM bookkeeping per statement
    rows = conn.execute(_CURRENT, {"need": need_id}).all()
    decided = {r.org_id for r in rows if r.status != "suggested"}
    # Members of a team the office invited are kept like decided ones: the invitation was a
    # person's act, and re-matching must not undo it.
    invited = [
        r
        for r in rows
        if r.status == "suggested" and is_team_invite(r)  # type: ignore[arg-type]  # `.reasons`
    ]
    decided |= {r.org_id for r in invited}
    fresh = [s for s in result.suggestions if s.org_id not in decided]
    if fresh and not invited and conn.dialect.name == "postgresql":
        _insert(conn, need_id, version, fresh, _REPLACE_UNLISTED if unlisted else _REPLACE)
        return len(fresh)
    conn.execute(_DELETE, {"need": need_id, "kept": [r.id for r in invited]})
    if fresh:
        _insert(conn, need_id, version, fresh, _FROM_JSON)
    rank = len(fresh)
    for invite in invited:  # after the matcher's own list
        rank += 1
        conn.execute(_RERANK, {"sid": invite.id, "rank": rank})
    if unlisted:
        sync_needs(session, [need_id], listed=False)
    return len(fresh) + len(invited)


def _insert(
    conn: Connection, need_id: str, version: str, fresh: Sequence[Suggested], statement: TextClause
) -> None:
    """The new suggestions, ranked 1, 2, … in `fresh`'s order, in one statement (Core rows:
    ORM objects cost more than the rest of the write step, and nothing reads them back);
    on PostgreSQL `statement` (the insert alone, or with the delete before it)."""
    rows = [
        {
            "org_id": s.org_id,
            "score": s.score,
            "rank": rank,
            "reasons": s.reasons,
            "features": s.features,
            "probability": s.probability,
            "likely": s.likely,
        }
        for rank, s in enumerate(fresh, start=1)
    ]
    if conn.dialect.name == "postgresql":
        # json.dumps as SQLAlchemy's JSON type would (floats round-trip exactly).
        params = {"need_id": need_id, "model_version": version, "rows": json.dumps(rows)}
        conn.execute(statement, params)
        return
    common = {"need_id": need_id, "model_version": version, "status": "suggested"}
    conn.execute(insert(_T), [{**common, **r} for r in rows])
