"""Opportunities for an organization (listed needs ranked for it, with reasons) and its interest
in them. The ranking is the matcher's reverse direction; when the matcher cannot run (no trained
model in a fresh install) the list falls back to listed needs in the organization's categories
and service area, so the page is never empty for a reason the organization cannot fix."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import current_app, g, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import region_contains
from catalog.decisions import express_interest, withdraw_interest
from catalog.models import Interest, Need, NeedStatus, Organization, Role
from web.api import bp
from web.api.errors import ApiError
from web.api.inputs import PLAIN_TEXT, Field, check, clean_id, query_int, read_json
from web.api.retry import with_db_retry
from web.api.serialize import interest_json, public_need
from web.api.spec import doc, q
from web.api.tokens import token_required
from web.database import db_session

log = logging.getLogger(__name__)

INTEREST_FIELDS = {
    "note": Field(
        "string",
        max_length=1000,
        pattern=PLAIN_TEXT,
        nullable=True,
        description="a short note to the posting office",
    )
}


_matcher_lock = threading.Lock()


def _matcher(session: Session):  # type: ignore[no-untyped-def]
    """The matcher over the current catalog, built once per catalog version and process:
    loading models and indexing every profile per request would dominate the response time."""
    from matching.adapter import catalog_version
    from matching.service import build_matcher

    factory = current_app.config.get("MATCHER_FACTORY")
    version = catalog_version(session)
    cache = current_app.extensions.setdefault("api_matcher", {})
    with _matcher_lock:
        if cache.get("key") != (version, factory):
            matcher = build_matcher(
                session,
                factory=factory,
                index_dir=current_app.config.get("MATCHING_INDEX_DIR"),
                model_setting=current_app.config.get("MATCHING_MODEL"),
            )
            cache.update(key=(version, factory), matcher=matcher)
        return cache["matcher"]


def _ranked(session: Session, org: Organization, top_k: int) -> tuple[list[dict[str, Any]], str]:
    """(need id, score, reasons) by the matcher, or by the profile when it cannot run."""
    try:
        from matching.service import recommend_for_org

        matcher = _matcher(session)
        found = recommend_for_org(session, org.id, matcher, top_k=top_k)
        return [
            {"need_id": o.need_id, "score": float(o.score), "rank": o.rank, "reasons": o.reasons}
            for o in found
        ], "matcher"
    except Exception:  # noqa: BLE001 - fall back to a plain profile filter, never fail the page
        log.exception("opportunity ranking failed for %s; using the profile filter", org.id)
        session.rollback()
    cats = set(org.category_names)
    areas = org.area_codes
    needs = session.scalars(
        select(Need).where(Need.status == NeedStatus.LISTED).order_by(Need.listed_at.desc())
    )
    out = []
    for need in needs:
        covered = any(region_contains(a, need.street_code) for a in areas)
        if need.category_name in cats and covered:
            out.append(
                {
                    "need_id": need.id,
                    "score": None,
                    "rank": len(out) + 1,
                    "reasons": [
                        {
                            "kind": "category",
                            "zh": f"服务类别：{need.category_name}",
                            "en": f"category: {need.category_name}",
                        },
                        {"kind": "area", "zh": "在服务范围内", "en": "within the service area"},
                    ],
                }
            )
        if len(out) >= top_k:
            break
    return out, "profile"


@bp.get("/opportunities")
@token_required(Role.ORGANIZATION)
@with_db_retry
@doc(
    "Listed needs recommended for the calling organization, with reasons",
    tag="opportunities",
    query=[q("limit", "how many", "integer", minimum=1, maximum=100)],
    response="OpportunityList",
    errors=(404,),
)
def opportunities():
    """Listed needs recommended for the calling organization, each with why."""
    session = db_session()
    org = session.get(Organization, g.actor.scope or "")
    if org is None:
        raise ApiError(
            404, "not_found", "本账号没有对应的社会组织", "no organization for this account"
        )
    ranked, source = _ranked(session, org, query_int("limit", 20, 1, 100))
    interested = set(
        session.scalars(
            select(Interest.need_id).where(Interest.org_id == org.id, Interest.active.is_(True))
        )
    )
    needs = {
        n.id: n
        for n in session.scalars(select(Need).where(Need.id.in_([r["need_id"] for r in ranked])))
    }
    items = []
    for r in ranked:
        need = needs.get(r["need_id"])
        if need is None or need.status != NeedStatus.LISTED:
            continue
        items.append(
            {
                **public_need(need),
                "score": r["score"],
                "rank": r["rank"],
                "reasons": r["reasons"],
                "interested": need.id in interested,
            }
        )
    return jsonify(items=items, source=source)


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
