"""A social organization as civil affairs sees it: the capability profile with its contact data,
the credit archive and the performance history (Zhuhai Art. 24, 26–27), and the form that adds
a credit entry.

The page shows non-public data (warnings, penalties, acceptance notes), so its reads are on
record. Any reviewer may open any organization: organizations serve across districts and a
reviewer meets them in suggestions for needs of their own district. Entries are never edited or
deleted; a correction is a new entry."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.clock import local_today
from catalog.credit import credit_archive, record_credit_event
from catalog.models import Role
from catalog.outcomes import performance_history
from catalog.visibility import load_org
from web.access.authz import roles_required
from web.access.reads import records_read
from web.pages.org_profile import profile_context
from web.pages.record_forms import add_to_org_record
from web.platform.database import db_session
from web.reviewer import bp


@bp.get("/orgs/<org_id>")
@roles_required(Role.REVIEWER, Role.ADMIN)
@records_read("organization", id_arg="org_id")
def org(org_id: str) -> str:
    session = db_session()
    organization = load_org(session, org_id)
    return render_template(
        "reviewer/org.html",
        **profile_context(session, organization),
        credit=credit_archive(session, organization.id),
        performance=performance_history(session, organization.id),
        today=local_today().isoformat(),
    )


@bp.post("/orgs/<org_id>/credit")
@roles_required(Role.REVIEWER, Role.ADMIN)
def add_credit(org_id: str) -> Response:
    organization = load_org(db_session(), org_id)
    form = request.form
    return add_to_org_record(
        lambda session, who: record_credit_event(
            session,
            who,
            organization.id,
            form.get("kind") or "",
            form.get("date") or "",
            form.get("source") or "",
            form.get("note"),
        ),
        done=_("Credit entry added."),
        back=url_for("reviewer.org", org_id=organization.id) + "#add-credit",
        then=url_for("reviewer.org", org_id=organization.id) + "#credit",
    )
