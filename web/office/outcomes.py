"""Recording the acceptance result of a confirmed organization on a matched or closed need
(Zhuhai Art. 26–27). The catalog checks scope, state, confirmation and the one-result rule;
after the commit the organization is refreshed in the matching index, because the matcher
reads satisfaction as a feature."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.models import Role
from catalog.outcomes import record_outcome
from web.access.authz import need_in_scope, roles_required
from web.office import bp
from web.pages.record_forms import add_to_org_record


@bp.post("/needs/<need_id>/outcomes/<org_id>")
@roles_required(Role.OFFICE, Role.ADMIN)
def record_result(need_id: str, org_id: str) -> Response:
    need = need_in_scope(need_id)  # 404 outside the office's street
    form = request.form
    return add_to_org_record(
        lambda session, who: record_outcome(
            session,
            who,
            need.id,
            org_id,
            form.get("satisfaction"),
            form.get("evaluation"),
            form.get("note"),
        ),
        done=_("Acceptance result recorded."),
        back=url_for("office.need", need_id=need.id) + f"#outcome-{org_id}",
    )
