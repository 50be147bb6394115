"""Office decisions: lifecycle actions on a need and confirming or rejecting suggestions.
Each goes through the catalog (which checks role, scope and state and writes the audit log);
refusals come back as flash messages in the reader's language."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from catalog.commands.needs import close_need
from catalog.decisions import decide
from catalog.errors import DomainError, IllegalTransition, NotFound
from catalog.lifecycle import TRANSITIONS, transition
from catalog.models import Role
from catalog.teams import invite_team as do_invite_team
from catalog.visibility import load_suggestion
from web.access.authz import actor, need_in_scope, roles_required
from web.office import bp
from web.office.views import OFFICE_ACTIONS
from web.pages.display import flash_error
from web.platform.database import db_session
from web.platform.input_guard import parse_int


@bp.post("/needs/<need_id>/action/<action>")
@roles_required(Role.OFFICE, Role.ADMIN)
def act(need_id: str, action: str):
    if action not in OFFICE_ACTIONS or action not in TRANSITIONS:
        abort(404)
    need = need_in_scope(need_id)
    session = db_session()
    reason = request.form.get("reason") or None
    try:
        if action == "close":  # final: the page's confirmation box and a reason (catalog rule)
            confirmed = request.form.get("confirm") == "yes"
            close_need(session, actor(), need, reason=reason, confirmed=confirmed)
        else:
            transition(session, need, action, actor(), reason)
        session.commit()
        flash(_("Done: %(action)s.", action=_action_label(action)), "success")
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
    return redirect(url_for("office.need", need_id=need_id))


def _action_label(action: str) -> str:
    from web.pages.display import ACTION_LABELS

    return str(ACTION_LABELS.get(action, action))


@bp.post("/suggestions/<int:suggestion_id>/<decision>")
@roles_required(Role.OFFICE, Role.ADMIN)
def decide_suggestion(suggestion_id: int, decision: str):
    if decision not in ("confirm", "reject"):
        abort(404)
    session = db_session()
    need_id = load_suggestion(session, suggestion_id, actor()).need_id
    version = request.form.get("version", "")
    try:
        decide(
            session,
            suggestion_id,
            decision,
            actor(),
            reason=(request.form.get("reason") or "").strip() or None,
            expected_version=parse_int(version, 1),
        )
        session.commit()
        if decision == "confirm":
            flash(_("Organization confirmed."), "success")
        else:
            flash(_("Suggestion rejected."), "success")
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        # A refusal opens at the top, where the message says why.
        return redirect(url_for("office.need", need_id=need_id))
    # Back at the decided card, not the top: on a phone the clerk works down the list (the
    # card is highlighted; the message is announced as a status and stays at the top).
    return redirect(url_for("office.need", need_id=need_id, _anchor=f"suggestion-{suggestion_id}"))


@bp.post("/needs/<need_id>/teams/<int:team_index>/invite")
@roles_required(Role.OFFICE, Role.ADMIN)
def invite_team(need_id: str, team_index: int):
    """Invite a proposed team: its members become suggestions, decided one by one below.
    A team that isn't there is 404, a need in the wrong state 409 (a stale page, not a
    server fault)."""
    need_in_scope(need_id)
    session = db_session()
    try:
        invitation = do_invite_team(session, actor(), need_id, team_index)
        session.commit()
    except NotFound:
        session.rollback()
        abort(404)
    except IllegalTransition:
        session.rollback()
        abort(409)
    except IntegrityError:  # the same member invited concurrently: the other request won
        session.rollback()
        abort(409)
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(url_for("office.need", need_id=need_id))
    if invitation.invited:
        flash(
            _(
                "Team %(number)s invited: %(count)s organizations added to the suggestions. "
                "Confirm or reject each one.",
                number=invitation.team_number,
                count=len(invitation.invited),
            ),
            "success",
        )
    else:
        flash(_("Every member of this team is already among the suggestions."), "success")
    # No #suggestions anchor: the page opens at the top, where the message says what happened.
    return redirect(url_for("office.need", need_id=need_id))
