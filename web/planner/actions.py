"""Planner pages of issue 16: recommended actions, integrity red flags, the planner report (printable
and Excel) and a read-only page of one need, which every action and flag links to.

Actions and red flags are for planners, reviewers and admins (reviewers act on integrity
signals; the API admits the same roles); the report, which also carries the gap and fairness
tables, is for planners and admins like the other planner pages. Every page reads the same
filter as the rest of /planner (region, category, status, period) within the viewer's scope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.analytics import NeedFilter, gap_table, totals
from catalog.models import Organization, Role
from catalog.visibility import load_need, visible_suggestions
from web.access.authz import roles_required
from web.access.reads import note_rows, records_read
from web.pages.labels import INDICATOR_LABELS, KIND_LABELS
from web.planner import bp
from web.planner import tables as T
from web.planner.action_tables import actions_table, bundles_table, red_flags_table
from web.planner.export import XLSX_MIME, to_xlsx
from web.planner.params import query_args
from web.planner.planning import action_plan, flag_list, request_plan
from web.planner.views import _context, _filter
from web.platform.database import db_session

ACTION_VIEWERS = (Role.PLANNER, Role.REVIEWER, Role.ADMIN)
REPORT_VIEWERS = (Role.PLANNER, Role.ADMIN)


def org_names() -> dict[str, str]:
    return dict(db_session().execute(select(Organization.id, Organization.name)).tuples().all())


def _signal_page(
    template: str,
    page: str,
    key: str,
    compute: Callable[[Session, NeedFilter], Any],
    count: Callable[[Any], int],
    **labels: Mapping[str, Any],
) -> str:
    """Actions and red flags are both a list for the planner filter, counted as rows read and
    shown with the organizations' names and the page's labels."""
    flt, names = _filter()
    found = compute(db_session(), flt)
    note_rows(count(found))
    return render_template(
        template, **_context(flt, names, page=page), **{key: found}, orgs=org_names(), **labels
    )


@bp.get("/actions")
@roles_required(*ACTION_VIEWERS)
@records_read("need")
def actions():
    return _signal_page(
        "planner/actions.html",
        "actions",
        "plan",
        action_plan,
        lambda p: len(p.actions),
        kinds=KIND_LABELS,
    )


@bp.post("/actions/recompute")
@roles_required(*ACTION_VIEWERS)
def recompute_actions():
    """A planner asks for the plan to be computed again now (by a worker; the page shows the
    stored one until the new one is stored)."""
    if request_plan(force=True):
        flash(_("The actions are being recomputed. Reload this page in a minute."), "info")
    else:
        flash(_("The actions will be recomputed later."), "info")
    return redirect(url_for("planner.actions", **query_args(_filter()[0])))


@bp.get("/red-flags")
@roles_required(*ACTION_VIEWERS)
@records_read("need")
def red_flags():
    return _signal_page(
        "planner/red_flags.html", "flags", "flags", flag_list, len, indicators=INDICATOR_LABELS
    )


def _report_tables(flt, names) -> tuple:
    session = db_session()
    plan, flags, orgs = action_plan(session, flt), flag_list(session, flt), org_names()
    tables = [
        T.gaps_table(session, flt, names, "district"),
        T.needs_table(session, flt, names),
        actions_table(plan, names, orgs),
        bundles_table(plan, names),
        T.fairness_table(session, flt),
        red_flags_table(flags, names, orgs),
    ]
    return plan, flags, tables


@bp.get("/report")
@roles_required(*REPORT_VIEWERS)
@records_read("analytics")
def report():
    """One district and period on one printable page: unmet demand, the actions with what each
    closes, joint purchases, fairness and red flags."""
    flt, names = _filter()
    plan, flags, tables = _report_tables(flt, names)
    headline = totals(gap_table(db_session(), flt, "district", by_category=False))
    return render_template(
        "planner/report.html",
        **_context(flt, names, page="report"),
        plan=plan,
        flags=flags,
        tables=tables,
        headline=headline,
    )


@bp.get("/report.xlsx")
@roles_required(*REPORT_VIEWERS)
@records_read("analytics", export=True)
def report_xlsx():
    flt, names = _filter()
    _plan, _flags, tables = _report_tables(flt, names)
    resp = Response(to_xlsx(tables), mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = 'attachment; filename="planner-report.xlsx"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    current_app.logger.info("planner report.xlsx by %s", current_user.username)
    return resp


@bp.get("/need/<need_id>")
@roles_required(*ACTION_VIEWERS)
@records_read("need", id_arg="need_id")
def need(need_id: str):
    """One need as the actions and flags name it: its facts and the suggestions the viewer may
    see (catalog.visibility decides, as everywhere)."""
    session = db_session()
    item = load_need(session, need_id, current_user.actor)
    suggestions = visible_suggestions(session, item, current_user.actor)
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else None
    return render_template("planner/need.html", need=item, suggestions=suggestions, back=back)
