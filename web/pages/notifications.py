"""The inbox page of every signed-in role, the unread count in the header, and the choice of
the delivery channel beyond the inbox (setting NOTIFY_DELIVERY, catalog.notify_delivery).

Texts are stored in Simplified Chinese and English; a Traditional reader gets the Simplified
text converted (web.pages.display.pick), like every other domain text."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from catalog import inbox, notify_delivery
from catalog.models import Notification
from web.access.authz import ALL_ROLES, roles_required
from web.pages.display import pick
from web.platform.database import db_session

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


def text_of(note: Notification) -> str:
    return pick(note.text_zh, note.text_en)


def need_link(note: Notification) -> str | None:
    """Where the reader works on the need: the page of its own role."""
    if not note.need_id:
        return None
    role = current_user.role
    if role in ("office", "admin"):
        return url_for("office.need", need_id=note.need_id)
    if role == "reviewer":
        return url_for("reviewer.need", need_id=note.need_id)
    return url_for("public.need", need_id=note.need_id)


@bp.get("/")
@roles_required(*ALL_ROLES)
def index() -> str:
    account_id = int(current_user.id)
    notes = inbox.items(db_session(), account_id)
    return render_template("inbox.html", notes=notes, text_of=text_of, need_link=need_link)


@bp.post("/<int:note_id>/read")
@roles_required(*ALL_ROLES)
def read_one(note_id: int) -> Response:
    session = db_session()
    note = inbox.mark_read(session, int(current_user.id), note_id)  # NotFound → 404
    session.commit()
    target = need_link(note) if request.form.get("open") else None
    return redirect(target or url_for("inbox.index"))


@bp.post("/read-all")
@roles_required(*ALL_ROLES)
def read_all() -> Response:
    session = db_session()
    inbox.mark_all_read(session, int(current_user.id))
    session.commit()
    return redirect(url_for("inbox.index"))


def _unread() -> dict[str, Any]:
    """`unread_notifications` for the header: None for visitors, so nothing is queried."""
    if not getattr(current_user, "is_authenticated", False):
        return {"unread_notifications": None}
    return {"unread_notifications": inbox.unread_count(db_session(), int(current_user.id))}


def init_app(app: Flask) -> None:
    app.context_processor(_unread)
    notify_delivery.use(notify_delivery.from_setting(app.config.get("NOTIFY_DELIVERY")))
