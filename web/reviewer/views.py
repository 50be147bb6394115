"""Review queue, a need's review page, and the decisions on it. Approval commits first and only
then enqueues matching, so the worker always finds the approved need."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalog import permissions
from catalog.commands import needs as need_commands
from catalog.errors import DomainError
from catalog.lifecycle import transition
from catalog.models import Need, Role
from catalog.permissions import allowed
from catalog.visibility import worklist_clause
from web.access.authz import actor, need_in_scope, roles_required
from web.access.reads import note_rows, records_read
from web.jobs import enqueue_after_commit
from web.pages.choices import category_groups, street_choices
from web.pages.display import flash_error
from web.pages.list_query import ListQuery
from web.pages.need_history import staff_need_context
from web.pages.need_view import need_page
from web.pages.paging import page_number, page_of
from web.pages.worklist_counts import reviewer_counts
from web.platform.database import db_session
from web.reviewer import bp
from web.tasks import match_need

STATUS_TABS = ("submitted", "approved", "listed", "returned", "matched", "closed")
REVIEWER_ACTIONS = ("approve", "return", "list", "close", "withdraw")


QUEUE_SORTS = ("title", "street", "category", "submitted")


@bp.get("/")
@roles_required(Role.REVIEWER, Role.ADMIN)
@records_read("need")
def queue():
    """Needs of the reviewer's area by status tab (submitted first), with word search,
    filters, sortable columns and the counts of what waits."""
    session = db_session()
    lq = ListQuery.from_args(request.args, STATUS_TABS, QUEUE_SORTS)
    if not lq.status:
        lq = replace(lq, status="submitted")
    q = lq.where(session, select(Need).where(worklist_clause(actor())), Need.submitted_at)
    page = page_number(request.args)
    # Flagged needs first, then oldest first: what has waited longest is reviewed first.
    order = lq.order((Need.prohibited.desc(), Need.submitted_at, Need.id))
    needs, total, pages = page_of(session, q, order, page)
    note_rows(len(needs))
    return render_template(
        "reviewer/queue.html",
        needs=needs,
        status=lq.status,
        lq=lq,
        tabs=STATUS_TABS,
        streets=street_choices(session),
        categories=category_groups(session),
        counts=reviewer_counts(session, actor()),
        page=page,
        pages=pages,
        total=total,
    )


@need_page(bp, Role.REVIEWER, Role.ADMIN)
def need(need: Need):
    session = db_session()
    return render_template(
        "reviewer/need.html",
        **staff_need_context(session, need, actor()),
        categories=category_groups(session),
        actions=permissions.need_actions(need, actor()),
        can_rematch=allowed(permissions.rematch, actor(), need),
    )


@bp.post("/needs/<need_id>/action/<action>")
@roles_required(Role.REVIEWER, Role.ADMIN)
def act(need_id: str, action: str):
    if action not in REVIEWER_ACTIONS:
        abort(404)
    need = need_in_scope(need_id)
    session = db_session()
    queued = None
    try:
        if action == "approve":
            category = request.form.get("category") or None
            approved = need_commands.approve_need(session, actor(), need, category=category)
            if approved.match_need_id:
                queued = enqueue_after_commit(session, match_need, approved.match_need_id)
        elif action == "close":
            need_commands.close_need(
                session,
                actor(),
                need,
                reason=request.form.get("reason"),
                confirmed=request.form.get("confirm") == "yes",
            )
        else:
            transition(session, need, action, actor(), request.form.get("reason") or None)
        session.commit()
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(url_for("reviewer.need", need_id=need_id))
    if queued is not None and queued.deferred:
        flash(_("Approved. Matching will run later."), "success")
    elif queued is not None:
        flash(_("Approved. Matching has started."), "success")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("reviewer.need", need_id=need_id))


@bp.post("/needs/<need_id>/rematch")
@roles_required(Role.REVIEWER, Role.ADMIN)
def rematch(need_id: str):
    """Run matching again: after a failure, after organizations joined, or for a need left
    pending (its task lost with the broker; matching twice doubles nothing)."""
    need = need_in_scope(need_id)
    if not allowed(permissions.rematch, actor(), need):
        flash(_("Matching cannot be restarted now."), "error")
        return redirect(url_for("reviewer.need", need_id=need_id))
    need_commands.mark_for_matching(need)
    queued = enqueue_after_commit(db_session(), match_need, need_id)
    db_session().commit()
    if queued.deferred:
        flash(_("Matching will run later."), "info")
    else:
        flash(_("Matching has started."), "success")
    return redirect(url_for("reviewer.need", need_id=need_id))
