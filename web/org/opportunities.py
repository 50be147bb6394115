"""The organization's dashboard: listed needs recommended for it by the matcher's reverse
direction, each with why, and its expressed interests. If the matcher is unavailable the list
falls back to every listed need in its service area, newest first, so the page still works."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalog.actors import region_contains
from catalog.decisions import express_interest, withdraw_interest
from catalog.errors import DomainError
from catalog.models import Interest, Need, Role, Suggestion
from web.authz import actor, roles_required
from web.database import db_session
from web.display import flash_error
from web.org import bp
from web.org.views import own_org

log = logging.getLogger(__name__)


def recommendations(org_id: str) -> list[tuple[Need, float | None, list[dict]]]:
    """[(need, score, reasons)] best first."""
    session = db_session()
    try:
        from matching.service import build_matcher, recommend_for_org

        matcher = build_matcher(session, factory=current_app.config.get("MATCHER_FACTORY"))
        ranked = recommend_for_org(session, org_id, matcher)
        needs = {
            n.id: n
            for n in session.scalars(select(Need).where(Need.id.in_([o.need_id for o in ranked])))
        }
        return [(needs[o.need_id], o.score, o.reasons) for o in ranked if o.need_id in needs]
    except Exception:  # noqa: BLE001 - matcher missing or broken: plain area filter instead
        log.exception("recommendations failed for %s", org_id)
        org = own_org()
        listed = session.scalars(
            select(Need).where(Need.status == "listed").order_by(Need.listed_at.desc())
        )
        return [
            (n, None, [])
            for n in listed
            if any(region_contains(a, n.street_code) for a in org.area_codes)
        ]


@bp.get("/")
@roles_required(Role.ORGANIZATION)
def index():
    org = own_org()
    session = db_session()
    interests = {
        i.need_id: i
        for i in session.scalars(
            select(Interest).where(Interest.org_id == org.id, Interest.active.is_(True))
        )
    }
    confirmed = list(
        session.scalars(
            select(Suggestion)
            .join(Need, Need.id == Suggestion.need_id)
            .where(
                Suggestion.org_id == org.id,
                Suggestion.status == "confirmed",
                Need.is_public,
            )
        )
    )
    return render_template(
        "org/index.html",
        org=org,
        recs=recommendations(org.id),
        interests=interests,
        confirmed=confirmed,
    )


# What an organization tells the office with its interest (team, start date, a question).
MAX_NOTE = 1000


@bp.post("/needs/<need_id>/interest")
@roles_required(Role.ORGANIZATION)
def interest(need_id: str):
    own_org()
    session = db_session()
    note = (request.form.get("note") or "").strip() or None
    if note and len(note) > MAX_NOTE:
        flash(_("The note may be at most %(n)s characters.", n=MAX_NOTE), "error")
        return redirect(url_for("org.index") + f"#need-{need_id}")
    try:
        express_interest(session, need_id, actor(), note=note)
        session.commit()
        flash(_("Interest sent to the street office."), "success")
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
    return redirect(url_for("org.index") + f"#need-{need_id}")


@bp.post("/needs/<need_id>/withdraw")
@roles_required(Role.ORGANIZATION)
def withdraw(need_id: str):
    own_org()
    session = db_session()
    if session.get(Need, need_id) is None:
        abort(404)
    try:
        withdraw_interest(session, need_id, actor())
        session.commit()
        flash(_("Interest withdrawn."), "success")
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
    return redirect(url_for("org.index") + f"#need-{need_id}")
