"""The audit log, filterable by actor, action, entity and date; newest first, paged. Actions and
details are shown in words (web.pages.labels, web.admin.details); the filters take the codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request
from sqlalchemy import Select

from catalog.models import AuditEvent
from web.admin.details import detail_items
from web.admin.filtering import admin_log, distinct_values, log_page
from web.pages.labels import AUDIT_ACTIONS
from web.platform.database import db_session

PAGE = 100


def _by_action(query: Select[Any], args: Mapping[str, str]) -> Select[Any]:
    """An action code or its start (`need.` is every step of a need's life)."""
    if args.get("action"):
        return query.where(AuditEvent.action.startswith(args["action"].strip(), autoescape=True))
    return query


@admin_log("/audit", "audit_event")
def audit():
    page = log_page(AuditEvent, request.args, PAGE, _by_action)
    actions = distinct_values(db_session(), AuditEvent.action)
    return render_template(
        "admin/audit.html",
        actions=actions,
        action_labels=AUDIT_ACTIONS,
        detail_items=detail_items,
        **page,
    )
