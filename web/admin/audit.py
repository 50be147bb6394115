"""The audit log, filterable by actor, action, entity and date; newest first, paged. Actions and
details are shown in words (web.admin.labels); the filters still take the stored codes."""

from __future__ import annotations

from flask import render_template, request

from catalog.models import AuditEvent, Role
from web.access.authz import roles_required
from web.access.reads import records_read
from web.admin import bp
from web.admin.filtering import distinct_values, log_page, log_query
from web.admin.labels import AUDIT_ACTIONS, detail_items
from web.platform.database import db_session

PAGE = 100


@bp.get("/audit")
@roles_required(Role.ADMIN)
@records_read("audit_event")
def audit():
    args = request.args
    q = log_query(AuditEvent, args)
    if args.get("action"):
        q = q.where(AuditEvent.action.startswith(args["action"].strip(), autoescape=True))
    return render_template(
        "admin/audit.html",
        actions=distinct_values(db_session(), AuditEvent.action),
        action_labels=AUDIT_ACTIONS,
        detail_items=detail_items,
        **log_page(AuditEvent, q, args, PAGE),
    )
