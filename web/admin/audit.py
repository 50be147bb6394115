"""The audit log, filterable by actor, action, entity and date; newest first, paged."""

from __future__ import annotations

from flask import render_template, request

from catalog.models import AuditEvent, Role
from web.access.authz import roles_required
from web.access.reads import note_rows, records_read
from web.admin import bp
from web.admin.filtering import distinct_values, log_query
from web.pages.paging import page_number, page_of
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
    page = page_number(args)
    session = db_session()
    events, total, pages = page_of(
        session, q, (AuditEvent.at.desc(), AuditEvent.id.desc()), page, PAGE
    )
    note_rows(len(events))
    actions = distinct_values(session, AuditEvent.action)
    entity_types = distinct_values(session, AuditEvent.entity_type)
    return render_template(
        "admin/audit.html",
        events=events,
        total=total,
        page=page,
        pages=pages,
        actions=actions,
        entity_types=entity_types,
        args=args,
    )
