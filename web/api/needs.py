"""Needs: list within the caller's scope, read, create, edit while draft or returned, and move
through the lifecycle. Every rule of who may do what lives in catalog (lifecycle, visibility);
this module translates HTTP to those calls and back."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

from flask import g, jsonify, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.audit import record
from catalog.errors import ValidationFailed
from catalog.exchange.records import need_record
from catalog.lifecycle import TRANSITIONS, transition
from catalog.models import Account, Interest, Need, NeedStatus, Role
from catalog.reference import Reference
from catalog.validation import FUNDING, LANGS, LIMITS, MAX_REASON, NEED_STATUSES, validate_need
from catalog.visibility import (
    can_see_need,
    scope_clause,
    sees_unconfirmed,
    visible_needs_clause,
)
from web.api import bp
from web.api.errors import ApiError
from web.api.inputs import Field, check, clean_id, query_int, query_text, read_json, text
from web.api.retry import with_db_retry
from web.api.schemas import DISTRICT_CODE, STREET_CODE
from web.api.serialize import interest_json, need_json
from web.api.spec import doc, q
from web.api.tokens import token_required
from web.database import db_session
from web.reads import note_rows, records_read

log = logging.getLogger(__name__)

ACTIONS = tuple(TRANSITIONS)
EDITABLE = (NeedStatus.DRAFT, NeedStatus.RETURNED)
MAX_PAGE = 200
MAX_OFFSET = 10_000_000


def _text(name: str, required: bool, what: str) -> Field:
    return text(*LIMITS[name], required=required, description=what)


# Exchange-format keys, so a record exported by the catalog can be posted back as is.
NEED_FIELDS: dict[str, Field] = {
    "title": _text("title", True, "short title"),
    "description": _text("description", True, "what is needed, for whom, where"),
    "street": Field(
        "string", reference="streets", description="street/town code (offices: their own)"
    ),
    "posted_by": _text("posted_by", False, "posting office (default: the account's name)"),
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
ACTION_FIELDS = {"reason": text(1, MAX_REASON, description="required to return or withdraw")}

LIST_QUERY = [
    q("status", "filter by status", enum=list(NEED_STATUSES)),
    q("street", "street/town code", pattern=STREET_CODE),
    q("district", "district code", pattern=DISTRICT_CODE),
    q("category", "service subcategory"),
    q("limit", "page size", "integer", minimum=1, maximum=MAX_PAGE),
    q("offset", "items to skip", "integer", minimum=0, maximum=MAX_OFFSET),
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
        query = query.where(Need.street_code.startswith(district, autoescape=True))
    category = query_text("category")
    if category is not None:
        query = query.where(Need.category_name == category)
    return query


def page(session: Session, query: Select[Any]) -> tuple[list[Any], int, int, int]:
    limit = query_int("limit", 50, 1, MAX_PAGE)
    offset = query_int("offset", 0, 0, MAX_OFFSET)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(limit).offset(offset)))
    return items, total, limit, offset


def load_need(session: Session, need_id: str, viewer: Actor | None) -> Need:
    """The need if it exists and the viewer may see it; 404 otherwise (existence is not leaked)."""
    key = clean_id(need_id)
    need = session.get(Need, key) if key else None
    if need is None or not can_see_need(need, viewer):
        raise ApiError(404, "not_found", "需求不存在", f"no need {need_id!r}")
    return need


@bp.get("/needs")
@token_required()
@records_read("need")
@with_db_retry
@doc("List needs within the caller's scope", tag="needs", query=LIST_QUERY, response="NeedPage")
def list_needs():
    """List needs within the caller's scope (offices: their street; reviewers: their area)."""
    session = db_session()
    query = filters(scope_filter(select(Need), g.actor)).order_by(Need.created_at.desc(), Need.id)
    items, total, limit, offset = page(session, query)
    note_rows(len(items))
    return jsonify(
        items=[need_json(n, g.actor) for n in items], total=total, limit=limit, offset=offset
    )


@bp.get("/needs/<need_id>")
@token_required()
@records_read("need", id_arg="need_id")
@with_db_retry
@doc("Read one need", tag="needs", response="Need")
def get_need(need_id: str):
    """Read one need the caller may see."""
    return jsonify(need_json(load_need(db_session(), need_id, g.actor), g.actor))


def _account_name(session: Session, actor: Actor) -> tuple[int | None, str]:
    account = session.scalar(select(Account).where(Account.username == actor.username))
    if account is None:
        return None, actor.username
    return account.id, account.display_name or account.username


def _validate(session: Session, record_: dict[str, Any]) -> None:
    errors = validate_need(record_, Reference.load(session))
    if errors:
        raise ValidationFailed(errors)


@bp.post("/needs")
@token_required(Role.OFFICE, Role.ADMIN)
@with_db_retry
@doc(
    "Post a new need (as a draft)",
    tag="needs",
    body=NEED_FIELDS,
    ok=201,
    response="Need",
    description="Offices post for their own street (`street` defaults to it, another is 403); "
    "admins have no street of their own and must give `street` (422 naming it otherwise).",
)
def create_need():
    """Post a new need as a draft; offices post for their own street."""
    data = check(read_json(), NEED_FIELDS)
    session = db_session()
    actor: Actor = g.actor
    if actor.role == Role.OFFICE:
        if data.get("street") not in (None, actor.scope):
            raise ApiError(
                403,
                "not_allowed",
                "只能为本街道（镇）发布需求",
                "an office posts needs for its own street only",
            )
        data["street"] = actor.scope
    account_id, name = _account_name(session, actor)
    data.setdefault("posted_by", name)
    need_id = "need-" + uuid.uuid4().hex[:12]
    _validate(session, {**data, "id": need_id})
    need = Need(
        id=need_id,
        title=data["title"].strip(),
        description=data["description"].strip(),
        street_code=data["street"],
        posted_by=data["posted_by"].strip(),
        posted_by_account_id=account_id,
        beneficiaries=data["beneficiaries"].strip(),
        beneficiary_count=data["beneficiary_count"],
        budget_yuan=data["budget_yuan"],
        months=data["months"],
        funding=data["funding"],
        lang=data.get("lang") or "zh-Hans",
        status=NeedStatus.DRAFT,
    )
    if data.get("category"):
        need.category_name, need.category_source = data["category"], "office"
    session.add(need)
    record(session, actor, "need.create", "need", need_id, street=need.street_code)
    session.commit()
    response = jsonify(need_json(need, actor))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_need", need_id=need_id)
    return response


@bp.patch("/needs/<need_id>")
@token_required(Role.OFFICE, Role.ADMIN)
@with_db_retry
@doc(
    "Edit a draft or returned need", tag="needs", body=PATCH_FIELDS, response="Need", errors=(409,)
)
def update_need(need_id: str):
    """Edit a need while it is a draft or was returned for changes."""
    session = db_session()
    actor: Actor = g.actor
    need = load_need(session, need_id, actor)
    data = check(read_json(), PATCH_FIELDS)
    if not actor.covers_street(need.street_code):
        raise ApiError(
            403, "not_allowed", "该需求不在您的管辖范围内", "this need is outside your scope"
        )
    if need.status not in EDITABLE:
        raise ApiError(
            409,
            "illegal_transition",
            "只有草稿或被退回的需求可以修改",
            f"a {need.status} need cannot be edited (only draft or returned)",
        )
    if "street" in data and not actor.covers_street(data["street"] or ""):
        raise ApiError(
            403,
            "not_allowed",
            "只能为本街道（镇）发布需求",
            "an office posts needs for its own street only",
        )
    # The need as the exchange format writes it, so the merge is validated like an import.
    current = {**need_record(need), "category": need.category_name}
    merged = {**current, **data}
    _validate(session, merged)
    for key in ("title", "description", "posted_by", "beneficiaries"):
        setattr(need, key, merged[key].strip())
    for key in ("beneficiary_count", "budget_yuan", "months", "funding", "lang"):
        setattr(need, key, merged[key])
    need.street_code = merged["street"]
    if "category" in data:
        need.category_name = data["category"] or None
        need.category_source = "office" if data["category"] else None
    record(session, actor, "need.update", "need", need.id, fields=sorted(data))
    session.commit()
    return jsonify(need_json(need, actor))


@bp.post(f"/needs/<need_id>/<any({', '.join(ACTIONS)}):action>")
@token_required(Role.OFFICE, Role.REVIEWER, Role.ADMIN)
@with_db_retry
@doc(
    "Lifecycle action (submit, approve, return, list, match, close, withdraw)",
    tag="needs",
    body=ACTION_FIELDS,
    body_optional=True,
    response="Need",
    errors=(409,),
)
def need_action(need_id: str, action: str):
    """Apply a lifecycle action; approval starts matching once the approval is committed."""
    session = db_session()
    actor: Actor = g.actor
    need = load_need(session, need_id, actor)
    data = check(read_json(optional=True), ACTION_FIELDS)
    transition(session, need, action, actor, reason=data.get("reason"))
    if action == "approve":
        need.match_status = "pending"
    session.commit()
    if action == "approve":
        _enqueue_matching(need.id)
        session.expire_all()
        need = load_need(session, need_id, actor)
    return jsonify(need_json(need, actor))


def _enqueue_matching(need_id: str) -> None:
    """Hand the need to the background matcher (inline in the default eager configuration)."""
    from web.tasks import enqueue_matching

    enqueue_matching(need_id)


@bp.get("/needs/<need_id>/interests")
@token_required(Role.OFFICE, Role.REVIEWER, Role.ADMIN)
@records_read("need", id_arg="need_id")
@with_db_retry
@doc(
    "Organizations that expressed interest in a need",
    tag="needs",
    response="InterestList",
)
def need_interests(need_id: str):
    """Organizations that expressed interest (the posting office and reviewers in scope)."""
    session = db_session()
    need = load_need(session, need_id, g.actor)
    if not sees_unconfirmed(need, g.actor):
        raise ApiError(
            403, "not_allowed", "该需求不在您的管辖范围内", "this need is outside your scope"
        )
    items = [
        interest_json(i)
        for i in session.scalars(
            select(Interest)
            .where(Interest.need_id == need.id)
            .order_by(Interest.created_at, Interest.id)
        )
    ]
    note_rows(len(items))
    return jsonify(items=items)
