"""Needs: list within the caller's scope, read, create, edit while draft or returned, and move
through the lifecycle. Every rule of who may do what lives in catalog (lifecycle, visibility);
this module translates HTTP to those calls and back."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import g, jsonify, url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from catalog import visibility
from catalog.actors import Actor, region_clause
from catalog.commands import needs as need_commands
from catalog.errors import NotAllowed
from catalog.lifecycle import TRANSITIONS, transition
from catalog.models import Interest, Need, Role
from catalog.validation import FUNDING, LANGS, LIMITS, MAX_REASON, NEED_STATUSES
from catalog.visibility import scope_clause, sees_unconfirmed, visible_needs_clause
from matching import facade
from web.api.errors import ApiError
from web.api.fields import Field, text
from web.api.inputs import check, read_json
from web.api.listing import PAGE_QUERY, item_list, paged_list
from web.api.need_search import SEARCH_QUERY, search
from web.api.query import clean_id, query_text
from web.api.routes import need_read, operation, read_one
from web.api.schemas import DISTRICT_CODE, STREET_CODE
from web.api.serialize import interest_json, need_json
from web.api.spec import q
from web.jobs import enqueue_after_commit, with_notice
from web.office import screening
from web.platform.database import db_session
from web.tasks import match_need

log = logging.getLogger(__name__)

ACTIONS = tuple(TRANSITIONS)


def _text(name: str, required: bool, what: str) -> Field:
    return text(*LIMITS[name], required=required, description=what)


# Exchange-format keys, so a record exported by the catalog can be posted back as is.
NEED_FIELDS: dict[str, Field] = {
    "title": _text("title", True, "short title"),
    "description": _text("description", True, "what is needed, for whom, where"),
    "street": Field(
        "string", reference="streets", description="street/town code (offices: their own)"
    ),
    "posted_by": _text("posted_by", False, "ignored: the catalog signs with the office's name"),
    "beneficiaries": _text("beneficiaries", True, "who benefits"),
    "beneficiary_count": Field("integer", required=True, minimum=1, maximum=10_000_000),
    "budget_yuan": Field("integer", required=True, minimum=0, maximum=100_000_000),
    "months": Field("integer", required=True, minimum=1, maximum=36),
    "funding": Field("string", required=True, enum=FUNDING),
    "lang": Field("string", enum=LANGS),
    "category": Field(
        "string", reference="categories", nullable=True, description="service subcategory"
    ),
}
PATCH_FIELDS = {k: replace(v, required=False) for k, v in NEED_FIELDS.items()}
ACTION_FIELDS = {
    "reason": text(1, MAX_REASON, description="required to return, withdraw or close"),
    "confirm": Field(
        "boolean",
        description="close only: must be true (closing is final; open suggestions are "
        "rejected as 需求已结束)",
    ),
    "category": Field(
        "string",
        reference="categories",
        nullable=True,
        description="approve only: the reviewer's service subcategory for the need "
        "(other actions ignore it)",
    ),
}

LIST_QUERY = [
    q("status", "filter by status", enum=list(NEED_STATUSES)),
    q("street", "street/town code", pattern=STREET_CODE),
    q("district", "district code", pattern=DISTRICT_CODE),
    q("category", "service subcategory"),
    *SEARCH_QUERY,
    *PAGE_QUERY,
]


def scope_filter(query: Select[Any], actor: Actor) -> Select[Any]:
    """What `can_see_need` allows, as SQL, so lists page in the database. An office's list is
    its own street's work; other streets' notices are on the public board."""
    if actor.role == Role.OFFICE:
        return query.where(scope_clause(actor))
    return query.where(visible_needs_clause(actor))


def filters(query: Select[Any]) -> Select[Any]:
    status = query_text("status")
    if status is not None:
        if status not in NEED_STATUSES:
            raise ApiError(
                422,
                "validation_failed",
                "状态无效",
                f"unknown status {status}",
                [{"field": "status", "zh": "取值无效", "en": "invalid value"}],
            )
        query = query.where(Need.status == status)
    street = query_text("street")
    if street is not None:
        query = query.where(Need.street_code == street)
    district = query_text("district")
    if district is not None:
        query = query.where(region_clause(district, Need.street_code))
    category = query_text("category")
    if category is not None:
        query = query.where(Need.category_name == category)
    return query


def load_need(session: Session, need_id: str, viewer: Actor | None) -> Need:
    """catalog.visibility.load_need for an id from the URL; NotFound (404) when the viewer
    may not see the need, exactly as when there is none."""
    return visibility.load_need(session, clean_id(need_id), viewer)


@operation(
    "GET",
    "/needs",
    "List needs within the caller's scope",
    tag="needs",
    query=LIST_QUERY,
    response="NeedPage",
    reads="need",
)
def list_needs():
    """List needs within the caller's scope (offices: their street; reviewers: their area)."""
    session = db_session()
    query = search(session, filters(scope_filter(select(Need), g.actor)))
    return paged_list(session, query, lambda n: need_json(n, g.actor))


@read_one("/needs/<need_id>", "Read one need", reads="need", tag="needs", response="Need")
def get_need(need_id: str):
    """Read one need the caller may see."""
    return jsonify(need_json(load_need(db_session(), need_id, g.actor), g.actor))


@operation(
    "POST",
    "/needs",
    "Post a new need (as a draft)",
    tag="needs",
    body=NEED_FIELDS,
    ok=201,
    response="Need",
    description="Offices post for their own street (`street` defaults to it, another is 403); "
    "admins have no street of their own and must give `street` (422 naming it otherwise).",
    roles=(Role.OFFICE, Role.ADMIN),
)
def create_need():
    """Post a new need as a draft; offices post for their own street. The id and the
    signature (`posted_by`: the office, from the gazetteer) are the catalog's."""
    data = check(read_json(), NEED_FIELDS)
    session = db_session()
    actor: Actor = g.actor
    need = need_commands.post_need(
        session, actor, data, suggest_category=screening.suggest_category
    )
    session.commit()
    response = jsonify(draft_json(need, actor))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_need", need_id=need.id)
    return response


@operation(
    "PATCH",
    "/needs/<need_id>",
    "Edit a draft or returned need",
    tag="needs",
    body=PATCH_FIELDS,
    response="Need",
    errors=(409,),
    roles=(Role.OFFICE, Role.ADMIN),
)
def update_need(need_id: str):
    """Edit a need while it is a draft or was returned for changes."""
    session = db_session()
    actor: Actor = g.actor
    need = load_need(session, need_id, actor)
    data = check(read_json(), PATCH_FIELDS)
    need_commands.edit_need(session, actor, need, data, suggest_category=screening.suggest_category)
    session.commit()
    return jsonify(draft_json(need, actor))


def draft_json(need: Need, actor: Actor) -> dict:
    """The answer to posting or editing a draft: the need, plus `text_prompt` when its text is
    too thin or its category uncertain (who is served, what problem, where)."""
    out = need_json(need, actor)
    prompt = facade.draft_prompt(need)
    if prompt:
        out["text_prompt"] = prompt
    return out


@operation(
    "POST",
    f"/needs/<need_id>/<any({', '.join(ACTIONS)}):action>",
    "Lifecycle action (submit, approve, return, list, match, close, withdraw)",
    tag="needs",
    body=ACTION_FIELDS,
    body_optional=True,
    response="Need",
    errors=(409,),
    roles=(Role.OFFICE, Role.REVIEWER, Role.ADMIN),
)
def need_action(need_id: str, action: str):
    """Apply a lifecycle action; approval starts matching once the approval is committed."""
    session = db_session()
    actor: Actor = g.actor
    need = load_need(session, need_id, actor)
    data = check(read_json(optional=True), ACTION_FIELDS)
    queued = None
    if action == "approve":
        need_commands.approve_need(session, actor, need, category=data.get("category"))
        queued = enqueue_after_commit(session, match_need, need.id)
    elif action == "close":
        need_commands.close_need(
            session, actor, need, reason=data.get("reason"), confirmed=data.get("confirm") is True
        )
    else:  # `category` is the reviewer's choice at approval; other actions leave it alone
        transition(session, need, action, actor, reason=data.get("reason"))
    session.commit()
    if queued is not None:  # eager matching has run in its own session: read its outcome
        session.expire_all()
        need = load_need(session, need_id, actor)
    return jsonify(with_notice(need_json(need, actor), queued))


@need_read(
    "/needs/<need_id>/interests",
    "Organizations that expressed interest in a need",
    response="InterestList",
)
def need_interests(need_id: str):
    """Organizations that expressed interest (the posting office and reviewers in scope)."""
    session = db_session()
    need = load_need(session, need_id, g.actor)
    if not sees_unconfirmed(need, g.actor):
        raise NotAllowed("该需求不在您的管辖范围内", "this need is outside your scope")
    rows = session.scalars(
        select(Interest)
        .where(Interest.need_id == need.id)
        .order_by(Interest.created_at, Interest.id)
    ).all()
    return item_list(rows, interest_json)
