"""Recording the acceptance result of a confirmed organization on a matched or closed need
(Zhuhai Art. 26–27). The catalog checks scope, state, confirmation, the service period and the
one-result rule; after the commit the organization is refreshed in the matching index, because
the matcher reads satisfaction as a feature.

A form refused for its values comes back with what was typed and its error shown once, in the
organization's card (not also at the top of the page): the typed values and the message travel
in the session for the next page view only (`outcome_draft`). Other refusals (already recorded,
not confirmed, wrong state) leave no form to fill again and are flashed at the top."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask import session as web_session
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.errors import DomainError, ValidationFailed
from catalog.models import Role
from catalog.outcomes import record_outcome
from web.access.authz import need_in_scope, roles_required
from web.office import bp
from web.pages.display import error_text, flash_error
from web.pages.record_forms import add_to_org_record

DRAFT_KEY = "outcome_draft"
FIELDS = ("satisfaction", "evaluation", "note", "early_reason")


def outcome_draft(need_id: str) -> dict[str, Any] | None:
    """The refused form of this need, once (it is removed as it is read)."""
    draft = web_session.pop(DRAFT_KEY, None)
    if isinstance(draft, dict) and draft.get("need") == need_id:
        return draft
    return None


def _keep_refused(need_id: str, org_id: str, form: Any) -> Any:
    def keep(exc: DomainError) -> None:
        if not (isinstance(exc, ValidationFailed) and exc.errors):
            flash_error(exc)  # no form to fill again (recorded, not confirmed, wrong state)
            return
        message = "；".join(error_text(e) for e in exc.errors)
        web_session[DRAFT_KEY] = {
            "need": need_id,
            "org": org_id,
            "error": message,
            **{k: str(form.get(k) or "")[:2000] for k in FIELDS},
        }

    return keep


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
            form.get("early_reason"),
        ),
        done=_("Acceptance result recorded."),
        back=url_for("office.need", need_id=need.id) + f"#outcome-{org_id}",
        on_refusal=_keep_refused(need.id, org_id, form),
    )
