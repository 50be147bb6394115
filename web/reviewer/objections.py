"""The reviewer answers an objection to a result notice (catalog.commands.objections decides
who may, and that an answer is final)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.commands.objections import answer_objection as answer
from catalog.errors import DomainError, NotFound
from catalog.models import Objection, Role
from web.access.authz import actor, roles_required
from web.pages.display import flash_error
from web.platform.database import db_session
from web.reviewer import bp


@bp.post("/objections/<int:objection_id>/answer")
@roles_required(Role.REVIEWER, Role.ADMIN)
def answer_objection(objection_id: int) -> Response:
    session = db_session()
    found = session.get(Objection, objection_id)
    if found is None:
        abort(404)
    need_id = found.need_id
    try:
        answer(
            session,
            actor(),
            objection_id,
            request.form.get("answer") or "",
            request.form.get("public") == "yes",
        )
        session.commit()
    except NotFound:  # outside the reviewer's area: as if there were none
        session.rollback()
        abort(404)
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
    else:
        flash(_("Answer recorded."), "success")
    return redirect(url_for("reviewer.need", need_id=need_id) + "#objections")
