"""The audit log, filterable by actor, action, entity and date; newest first, paged."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from sqlalchemy import func, select

from catalog.models import AuditEvent, Role
from web.admin import bp
from web.authz import roles_required
from web.database import db_session

PAGE = 100


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit():
    args = request.args
    q = select(AuditEvent)
    if args.get("actor"):
        q = q.where(AuditEvent.actor == args["actor"].strip())
    if args.get("action"):
        q = q.where(AuditEvent.action.startswith(args["action"].strip()))
    if args.get("entity_type"):
        q = q.where(AuditEvent.entity_type == args["entity_type"])
    if args.get("entity_id"):
        q = q.where(AuditEvent.entity_id == args["entity_id"].strip())
    start, end = _date(args.get("from")), _date(args.get("to"))
    tz = dt.timezone(dt.timedelta(hours=8))  # dates are read as Zhuhai local days
    if start:
        q = q.where(AuditEvent.at >= dt.datetime.combine(start, dt.time(), tz))
    if end:
        q = q.where(AuditEvent.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz))
    page = max(1, args.get("page", 1, type=int) or 1)
    session = db_session()
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    events = list(
        session.scalars(
            q.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * PAGE)
            .limit(PAGE)
        )
    )
    actions = list(
        session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
    entity_types = list(
        session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type))
    )
    return render_template(
        "admin/audit.html",
        events=events,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        actions=actions,
        entity_types=entity_types,
        args=args,
    )
