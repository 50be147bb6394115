"""Opportunities for an organization (listed needs recommended for it, with reasons) and its
interest in them. The list is `catalog.opportunities`, the same the organization's dashboard
shows: matching's suggestions for the listed needs, kept per organization by matching's
writes, so the request reads one indexed page and ranks nothing."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from catalog import opportunities as catalog_opportunities
from catalog.decisions import express_interest, withdraw_interest
from catalog.models import Need, Organization, Role
from web.api import bp
from web.api.errors import ApiError
from web.api.fields import PLAIN_TEXT, Field
from web.api.inputs import check, read_json
from web.api.listing import MAX_OFFSET
from web.api.query import clean_id, query_int
from web.api.retry import with_db_retry
from web.api.serialize import interest_json, public_need_row
from web.api.spec import doc, q
from web.api.tokens import token_required
from web.platform.database import db_session

INTEREST_FIELDS = {
    "note": Field(
        "string",
        max_length=1000,
        pattern=PLAIN_TEXT,
        nullable=True,
        description="a short note to the posting office",
    )
}


@bp.get("/opportunities")
@token_required(Role.ORGANIZATION)
@with_db_retry
@doc(
    "Listed needs recommended for the calling organization, with reasons",
    tag="opportunities",
    query=[
        q("limit", "how many", "integer", minimum=1, maximum=100),
        q("offset", "items to skip", "integer", minimum=0, maximum=MAX_OFFSET),
    ],
    response="OpportunityList",
    errors=(404,),
)
def opportunities():
    """Listed needs recommended for the calling organization, each with why: one page of
    `catalog.opportunities`, which matching keeps current (nothing is ranked here)."""
    session = db_session()
    org_id = session.scalar(select(Organization.id).where(Organization.id == (g.actor.scope or "")))
    if org_id is None:
        raise ApiError(
            404, "not_found", "本账号没有对应的社会组织", "no organization for this account"
        )
    offset = query_int("offset", 0, 0, MAX_OFFSET)
    rows = catalog_opportunities.page(session, org_id, query_int("limit", 20, 1, 100), offset)
    items = [
        {
            **public_need_row(row),
            "score": row.score,
            "rank": offset + n,
            "reasons": row.reasons or [],
            "interested": bool(row.interested),
        }
        for n, row in enumerate(rows, start=1)
    ]
    return jsonify(items=items, source="matcher")


def _need_id(need_id: str) -> str:
    key = clean_id(need_id)
    if key is None or db_session().get(Need, key) is None:
        raise ApiError(404, "not_found", "需求不存在", f"no need {need_id!r}")
    return key


@bp.post("/needs/<need_id>/interest")
@token_required(Role.ORGANIZATION)
@with_db_retry
@doc(
    "Express interest in a listed need",
    tag="opportunities",
    body=INTEREST_FIELDS,
    body_optional=True,
    response="Interest",
)
def add_interest(need_id: str):
    """Express the calling organization's interest in a listed need (idempotent)."""
    data = check(read_json(optional=True), INTEREST_FIELDS)
    session = db_session()
    interest = express_interest(session, _need_id(need_id), g.actor, note=data.get("note"))
    session.commit()
    return jsonify(interest_json(interest))


@bp.delete("/needs/<need_id>/interest")
@token_required(Role.ORGANIZATION)
@with_db_retry
@doc("Withdraw interest in a need", tag="opportunities", ok=204)
def remove_interest(need_id: str):
    """Withdraw the calling organization's interest."""
    session = db_session()
    withdraw_interest(session, _need_id(need_id), g.actor)
    session.commit()
    return "", 204
