"""Result notices (结果公示), objections and a need's timeline in the API. The rules live in
catalog (catalog.notices, catalog.commands.objections, catalog.permissions, catalog.timeline);
this module translates HTTP to them. The request bodies and response shapes are declared here,
apart from web.api.schemas. The objector's contact appears only in the reviewer's list."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify

from catalog import permissions
from catalog.commands.objections import MAX_CONTACT, MAX_NAME, answer_objection, raise_objection
from catalog.errors import NotAllowed, NotFound
from catalog.models import Objection, ResultNotice, Role
from catalog.notices import notice_is_open, objections_for, public_objections, result_notice
from catalog.timeline import need_timeline
from catalog.validation import MAX_REASON
from catalog.visibility import load_need
from web.api import bp
from web.api.fields import Field, text
from web.api.inputs import check, read_json
from web.api.needs import load_need as load_scoped_need
from web.api.query import clean_id
from web.api.retry import with_db_retry
from web.api.routes import need_read, operation
from web.api.schema_types import array, boolean, integer, obj, string, timestamp
from web.api.serialize import iso
from web.api.spec import doc
from web.api.tokens import public_endpoint
from web.extensions import limiter
from web.platform.database import db_session

OBJECTION_FIELDS: dict[str, Field] = {
    "name": text(1, MAX_NAME, nullable=True, description="the sender's name (optional)"),
    "contact": Field(
        "string",
        required=True,
        min_length=1,
        max_length=MAX_CONTACT,
        description="a Chinese phone number or an e-mail address; seen by the reviewer only",
    ),
    "text": text(5, MAX_REASON, required=True, description="the objection"),
}
ANSWER_FIELDS: dict[str, Field] = {
    "answer": text(1, MAX_REASON, required=True, description="the reviewer's answer (final)"),
    "public": Field(
        "boolean", description="publish the objection's text and the answer (default false)"
    ),
}
DAY = string("a Zhuhai calendar day", format="date")
PUBLIC_OBJECTION = obj(
    {
        "text": string(),
        "answer": string(),
        "created_at": timestamp(),
        "answered_at": timestamp(),
    }
)
RESULT_NOTICE = obj(
    {
        "starts_on": DAY,
        "ends_on": DAY,
        "open": boolean("whether objections are accepted now"),
        "objections": array(PUBLIC_OBJECTION, "answered objections the reviewer published"),
    },
    "the result notice (结果公示) of a decided need and its 公示期 (both days included)",
)
OBJECTION = obj(
    {
        "id": integer(minimum=1),
        "need_id": string(),
        "name": string(nullable=True),
        "contact": string("the reviewer of the area only; null for others", nullable=True),
        "text": string(),
        "created_at": timestamp(),
        "answer": string(nullable=True),
        "answered_at": timestamp(nullable=True),
        "public": boolean("whether the text and answer are on the public page"),
    }
)
RECEIVED = obj({"id": integer(minimum=1), "created_at": timestamp()})
TIMELINE = obj(
    {
        "items": array(
            obj(
                {
                    "at": timestamp(),
                    "action": string("the audit action"),
                    "who": obj({"zh": string(), "en": string()}),
                    "text": obj({"zh": string(), "en": string()}),
                }
            )
        )
    }
)


def _public_notice(notice: ResultNotice, objections: list[Objection]) -> dict[str, Any]:
    return {
        "starts_on": notice.starts_on.isoformat(),
        "ends_on": notice.ends_on.isoformat(),
        "open": notice_is_open(notice),
        "objections": [
            {
                "text": o.text,
                "answer": o.answer,
                "created_at": iso(o.created_at),
                "answered_at": iso(o.answered_at),
            }
            for o in objections
        ],
    }


def _objection(o: Objection, with_contact: bool) -> dict[str, Any]:
    return {
        "id": o.id,
        "need_id": o.need_id,
        "name": o.name if with_contact else None,
        "contact": o.contact if with_contact else None,
        "text": o.text,
        "created_at": iso(o.created_at),
        "answer": o.answer,
        "answered_at": iso(o.answered_at),
        "public": o.answer_public,
    }


@bp.get("/public/needs/<need_id>/result-notice")
@public_endpoint
@with_db_retry
@doc("The result notice of a decided need", tag="public", response=RESULT_NOTICE)
def public_result_notice(need_id: str):
    """The 公示期 and the published answers; 404 before a decision was published."""
    session = db_session()
    need = load_need(session, clean_id(need_id), None)
    notice = result_notice(session, need.id)
    if notice is None:
        raise NotFound("该需求尚无结果公示", "this need has no result notice")
    return jsonify(_public_notice(notice, public_objections(session, need.id)))


@bp.post("/public/needs/<need_id>/objections")
@public_endpoint
@limiter.limit("10 per hour", scope="objection")
@with_db_retry
@doc(
    "Send an objection during the notice period (no token)",
    tag="public",
    body=OBJECTION_FIELDS,
    ok=201,
    response=RECEIVED,
    errors=(409, 429),
    description="Accepted only while the result notice is open (409 otherwise). The contact "
    "is shown to the reviewer of the area only, never published.",
)
def send_objection(need_id: str):
    """Record an objection; the reviewers of the area and the posting office are notified."""
    session = db_session()
    need = load_need(session, clean_id(need_id), None)
    data = check(read_json(), OBJECTION_FIELDS)
    made = raise_objection(session, need, data.get("name"), data["contact"], data["text"])
    session.commit()
    response = jsonify(id=made.id, created_at=iso(made.created_at))
    response.status_code = 201
    return response


@need_read(
    "/needs/<need_id>/objections",
    "Objections to a need's result notice",
    response=obj({"items": array(OBJECTION)}),
)
def need_objections(need_id: str):
    """Objections for the reviewer of the area (with contact) and the posting office (without)."""
    session = db_session()
    need = load_scoped_need(session, need_id, g.actor)
    permissions.require(permissions.see_objections, g.actor, need)
    contact = permissions.allowed(permissions.see_objection_contact, g.actor, need)
    return jsonify(items=[_objection(o, contact) for o in objections_for(session, need.id)])


@operation(
    "POST",
    "/objections/<int:objection_id>/answer",
    "Answer an objection (the reviewer of the area; final)",
    tag="needs",
    body=ANSWER_FIELDS,
    response=OBJECTION,
    errors=(409,),
    roles=(Role.REVIEWER, Role.ADMIN),
)
def answer(objection_id: int):
    """Record the reviewer's answer and whether it is published."""
    session = db_session()
    data = check(read_json(), ANSWER_FIELDS)
    made = answer_objection(
        session, g.actor, objection_id, data["answer"], bool(data.get("public"))
    )
    session.commit()
    return jsonify(_objection(made, True))


@need_read(
    "/needs/<need_id>/timeline", "A need's timeline: who did what and when", response=TIMELINE
)
def timeline(need_id: str):
    """The need's history from the audit log (offices and reviewers of its area)."""
    session = db_session()
    need = load_scoped_need(session, need_id, g.actor)
    if not g.actor.covers_street(need.street_code):
        raise NotAllowed("该需求不在您的管辖范围内", "this need is outside your scope")
    items = [
        {
            "at": iso(e.at),
            "action": e.action,
            "who": {"zh": e.who_zh, "en": e.who_en},
            "text": {"zh": e.zh, "en": e.en},
        }
        for e in need_timeline(session, need)
    ]
    return jsonify(items=items)
