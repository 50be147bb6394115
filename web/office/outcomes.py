"""Recording the acceptance result of a confirmed organization on a matched or closed need
(Zhuhai Art. 26–27). The catalog checks scope, state, confirmation and the one-result rule;
after the commit the organization is refreshed in the matching index, because the matcher
reads satisfaction as a feature."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.errors import DomainError
from catalog.models import Role
from catalog.outcomes import record_outcome
from web.authz import actor, roles_required
from web.database import db_session
from web.display import flash_error
from web.jobs import enqueue_after_commit
from web.office import bp
from web.office.views import load_need
from web.tasks import update_org_index


@bp.post("/needs/<need_id>/outcomes/<org_id>")
@roles_required(Role.OFFICE, Role.ADMIN)
def record_result(need_id: str, org_id: str) -> Response:
    need = load_need(need_id)  # 404 outside the office's street
    session = db_session()
    back = url_for("office.need", need_id=need.id) + f"#outcome-{org_id}"
    try:
        record_outcome(
            session,
            actor(),
            need.id,
            org_id,
            request.form.get("satisfaction"),
            request.form.get("evaluation"),
            request.form.get("note"),
        )
        enqueue_after_commit(session, update_org_index, org_id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(back)
    flash(_("Acceptance result recorded."), "success")
    return redirect(back)
