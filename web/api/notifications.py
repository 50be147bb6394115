"""The caller's notifications: GET /notifications (unread count and items, newest first),
POST /notifications/{id}/read, POST /notifications/read-all. Scoped to the token's account:
another account's notification is 404, like a missing one (catalog.inbox)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from sqlalchemy import select

from catalog import inbox
from catalog.models import Account, Notification
from web.api.query import int_id
from web.api.routes import operation
from web.api.serialize import iso
from web.pages.display import pick
from web.platform.database import db_session

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind", "need_id", "text", "created_at", "read"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "need_id": {"type": ["string", "null"]},
        "text": {"type": "string", "description": "in the caller's language"},
        "created_at": {"type": "string", "format": "date-time"},
        "read": {"type": "boolean"},
    },
}
LIST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["unread", "items"],
    "properties": {"unread": {"type": "integer"}, "items": {"type": "array", "items": ITEM_SCHEMA}},
}


def _account_id() -> int:
    account_id = db_session().scalar(select(Account.id).where(Account.username == g.actor.username))
    assert account_id is not None  # the token resolved to this account
    return int(account_id)


def item_json(note: Notification) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "need_id": note.need_id,
        "text": pick(note.text_zh, note.text_en),
        "created_at": iso(note.created_at),
        "read": note.read,
    }


@operation(
    "GET",
    "/notifications",
    "The caller's notifications, newest first, with the unread count",
    tag="notifications",
    response=LIST_SCHEMA,
    retry=False,
)
def notifications():
    session = db_session()
    account_id = _account_id()
    items = [item_json(n) for n in inbox.items(session, account_id)]
    return jsonify(unread=inbox.unread_count(session, account_id), items=items)


@operation(
    "POST",
    "/notifications/<int:notification_id>/read",
    "Mark one of the caller's notifications read",
    tag="notifications",
    response=ITEM_SCHEMA,
    errors=(404,),
    retry=False,
)
def read_notification(notification_id: int):
    session = db_session()
    note = inbox.mark_read(session, _account_id(), int_id(notification_id))
    session.commit()
    return jsonify(item_json(note))


@operation(
    "POST",
    "/notifications/read-all",
    "Mark all the caller's notifications read",
    tag="notifications",
    response={"type": "object", "properties": {"marked": {"type": "integer"}}},
    retry=False,
)
def read_all_notifications():
    session = db_session()
    marked = inbox.mark_all_read(session, _account_id())
    session.commit()
    return jsonify(marked=marked)
