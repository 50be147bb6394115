"""A social organization as civil affairs sees it: the capability profile, the credit archive
and the performance history (Zhuhai Art. 24, 26–27), and the form that adds a credit entry.

The page shows non-public data (warnings, penalties, acceptance notes), so its reads are on
record. Any reviewer may open any organization: organizations serve across districts and a
reviewer meets them in suggestions for needs of their own district. Entries are never edited or
deleted; a correction is a new entry."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from catalog.credit import credit_archive, local_today, record_credit_event
from catalog.errors import DomainError
from catalog.models import Organization, Region, Role
from catalog.outcomes import performance_history
from web.authz import actor, roles_required
from web.database import db_session
from web.display import flash_error
from web.jobs import enqueue_after_commit
from web.reads import records_read
from web.reviewer import bp
from web.tasks import update_org_index


def load_org(org_id: str) -> Organization:
    org = db_session().get(Organization, org_id)
    if org is None:
        abort(404)
    return org


@bp.get("/orgs/<org_id>")
@roles_required(Role.REVIEWER, Role.ADMIN)
@records_read("organization", id_arg="org_id")
def org(org_id: str) -> str:
    organization = load_org(org_id)
    session = db_session()
    areas = [session.get(Region, code) or code for code in organization.area_codes]
    return render_template(
        "reviewer/org.html",
        org=organization,
        areas=areas,
        credit=credit_archive(session, organization.id),
        performance=performance_history(session, organization.id),
        today=local_today().isoformat(),
    )


@bp.post("/orgs/<org_id>/credit")
@roles_required(Role.REVIEWER, Role.ADMIN)
def add_credit(org_id: str) -> Response:
    organization = load_org(org_id)
    session = db_session()
    back = url_for("reviewer.org", org_id=organization.id) + "#add-credit"
    try:
        record_credit_event(
            session,
            actor(),
            organization.id,
            request.form.get("kind") or "",
            request.form.get("date") or "",
            request.form.get("source") or "",
            request.form.get("note"),
        )
        enqueue_after_commit(session, update_org_index, organization.id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(back)
    flash(_("Credit entry added."), "success")
    return redirect(url_for("reviewer.org", org_id=organization.id) + "#credit")
