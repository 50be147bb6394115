"""Suggestions of organizations for a need, and the human decision on each.

The posting office confirms or rejects each suggestion; the client sends the version it saw, so
when two people decide at once exactly one decision lands and the other gets 409 (optimistic
locking in catalog.decisions, backed by the version column)."""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable
from typing import Any

from flask import g, jsonify
from sqlalchemy import CursorResult, Select, bindparam, select
from sqlalchemy.orm import Session

from catalog.decisions import decide
from catalog.models import Need, Organization, Role, Suggestion, SuggestionStatus
from catalog.validation import MAX_REASON
from catalog.visibility import (
    NEED_FACTS,
    UNCONFIRMED_ROLES,
    load_suggestion,
    sees_unconfirmed,
    shown_rows,
    suggestions_shown,
    visible_or_not_found,
)
from web.access.reads import records_read
from web.api import bp
from web.api.errors import ApiError
from web.api.fields import Field, text
from web.api.inputs import check, read_json
from web.api.listing import item_list
from web.api.query import clean_id, int_id
from web.api.retry import with_db_retry
from web.api.routes import operation
from web.api.serialize import (
    SUGGESTION_COLUMNS,
    SUGGESTION_FULL_COLUMNS,
    suggestion_json,
    suggestion_row_json,
)
from web.api.spec import doc
from web.api.tokens import token_required
from web.platform.database import db_session, request_connection
from web.platform.input_guard import MAX_INT32

DECISION_FIELDS = {
    "version": Field(
        "integer",
        required=True,
        minimum=1,
        maximum=MAX_INT32,
        description="the suggestion's version as last read",
    ),
    "reason": text(1, MAX_REASON, nullable=True, description="required to reject"),
}
REJECT_FIELDS = {**DECISION_FIELDS, "reason": text(1, MAX_REASON, required=True)}


@bp.get("/needs/<need_id>/suggestions")
@token_required()
@records_read("need", id_arg="need_id")
@with_db_retry
@doc(
    "Suggested organizations for a need, as far as the caller may see them",
    tag="suggestions",
    response="SuggestionList",
)
def need_suggestions(need_id: str):
    """Suggestions the caller may see: all for the office and reviewers in scope, only
    confirmed ones for everyone else and only once the need is listed (the rule is
    catalog.visibility's `suggestions_shown`). One Core statement on the request's connection
    (the need's facts with its suggestions), built once, no ORM objects (issue 14's profile:
    every round trip to the database is a good part of this request's cost)."""
    actor, nid = g.actor, clean_id(need_id)
    stmt = _statement(actor is not None and actor.role in UNCONFIRMED_ROLES)
    rows = _plain_rows(request_connection().execute(stmt, {"need_id": nid})) if nid else []
    need = visible_or_not_found(_facts(rows[0]) if rows else None, nid, actor)
    full = sees_unconfirmed(need, actor)
    shown = shown_rows(suggestions_shown(need, actor), rows)
    match_status = rows[0].need__match_status if full else None
    return item_list(shown, lambda row: suggestion_row_json(row, full), match_status=match_status)


def _plain_rows(result: CursorResult[Any]) -> list[Any]:
    """The result's rows as named tuples: the serializer reads each row's columns by name,
    which costs half a microsecond per read on a SQLAlchemy Row and a tenth of that on a
    named tuple (some 350 reads per request here)."""
    return list(map(_row_type(tuple(result.keys()))._make, result))


@functools.cache
def _row_type(names: tuple[str, ...]) -> Any:
    return collections.namedtuple("SuggestionRow", names)  # type: ignore[misc]


# The need's facts the rules read (catalog.visibility.NeedFacts), named as NEED_FACTS names
# them: derived from it, so a fact added there reaches this list's rule too.
_Facts = collections.namedtuple("_Facts", [col.key for col in NEED_FACTS])  # type: ignore[misc]


def _facts(row: Any) -> Any:
    """The need's facts out of the list's row (its `need__` columns)."""
    return _Facts(*(getattr(row, f"need__{name}") for name in _Facts._fields))


# The need's facts (as catalog.visibility.NEED_FACTS) and its match status, labeled apart from
# the suggestion's own columns of the same names.
_NEED_COLUMNS = (*NEED_FACTS, Need.__table__.c.match_status)
NEED_LABELED = tuple(col.label(f"need__{col.key}") for col in _NEED_COLUMNS)


@functools.cache
def _statement(unconfirmed: bool) -> Select[Any]:
    """The need's row joined to its suggestions (one row per suggestion; one with empty
    suggestion columns when it has none, so a need without suggestions is still found).
    Callers who could never be shown unconfirmed suggestions (`unconfirmed` false: not an
    office, reviewer or admin) get only the confirmed ones from the database; the others get
    all of them and `shown_rows` applies the rule once the need's facts are known."""
    on = Suggestion.need_id == Need.id
    if not unconfirmed:
        on = on & (Suggestion.status == SuggestionStatus.CONFIRMED)
    return (
        select(*NEED_LABELED, *SUGGESTION_COLUMNS, *SUGGESTION_FULL_COLUMNS)
        .select_from(Need)
        .outerjoin(Suggestion, on)
        .outerjoin(Organization, Organization.id == Suggestion.org_id)
        .where(Need.id == bindparam("need_id"))
        .order_by(Suggestion.rank, Suggestion.id)
    )


def _load(session: Session, suggestion_id: int) -> Suggestion:
    """catalog.visibility.load_suggestion; NotFound (404) outside the caller's view."""
    return load_suggestion(session, int_id(suggestion_id), g.actor)


def _decide(suggestion_id: int, decision: str, fields: dict[str, Field]):  # type: ignore[no-untyped-def]
    session = db_session()
    _load(session, suggestion_id)  # scope first: out of scope is 404 whatever the body says
    data = check(read_json(), fields)
    if decision == "reject" and not (data.get("reason") or "").strip():
        raise ApiError(
            422,
            "validation_failed",
            "reason: 否决时必须填写理由",
            "reason: a reason is required to reject",
            [{"field": "reason", "zh": "否决时必须填写理由", "en": "is required to reject"}],
        )
    s = decide(
        session,
        suggestion_id,
        decision,
        g.actor,
        reason=data.get("reason"),
        expected_version=data["version"],
    )
    session.commit()
    return jsonify(suggestion_json(s, True))


# What the two decisions share: who may take them, and what they answer.
DECISION_OPERATION: dict[str, Any] = {
    "roles": (Role.OFFICE, Role.ADMIN),
    "tag": "suggestions",
    "response": "Suggestion",
    "errors": (409,),
}


def _decision_view(
    decision: str, name: str, summary: str, purpose: str, body: dict[str, Field]
) -> Callable[..., Any]:
    """One view per decision, both the same handler over catalog.decisions.decide: only the
    word, the body they take and their description differ. `name` and `purpose` become the
    view's name and docstring, which name its endpoint and describe it in the API document."""

    def view(suggestion_id: int) -> Any:
        return _decide(suggestion_id, decision, body)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = purpose
    rule = f"/suggestions/<int:suggestion_id>/{decision}"
    return operation("POST", rule, summary, body=body, **DECISION_OPERATION)(view)


confirm_suggestion = _decision_view(
    "confirm",
    "confirm_suggestion",
    "Confirm a suggestion (the organization may then be listed)",
    "Confirm one suggestion; 409 if someone decided it first or the version is stale.",
    DECISION_FIELDS,
)
reject_suggestion = _decision_view(
    "reject",
    "reject_suggestion",
    "Reject a suggestion, with a reason",
    "Reject one suggestion (a reason is required); 409 on a stale version.",
    REJECT_FIELDS,
)
