"""The organization's dashboard: listed needs recommended for it (`matching.facade.opportunities`,
the same list the API gives), each with why, and its expressed interests."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalog.decisions import express_interest, withdraw_interest
from catalog.errors import DomainError
from catalog.models import Interest, Need, Role, Suggestion
from matching import facade
from web.access.authz import actor, roles_required
from web.org import bp
from web.org.views import own_org
from web.pages.choices import category_groups, street_choices
from web.pages.display import flash_error
from web.pages.list_query import ListQuery
from web.platform.database import db_session


def recommendations(org_id: str) -> list[tuple[Need, float | None, list[dict]]]:
    """[(need, score, reasons)] best first: `matching.facade.opportunities`, the same list the
    API gives (score None where the profile stood in for a matcher that could not run)."""
    found = facade.opportunities(
        db_session(), org_id, facade.Settings.from_config(current_app.config)
    )
    return [(o.need, o.score, o.reasons) for o in found.items]


OPPORTUNITY_SORTS = ("listed", "budget", "title")


def _filtered(
    lq: ListQuery, recs: list[tuple[Need, float | None, list[dict]]]
) -> list[tuple[Need, float | None, list[dict]]]:
    """The ranked list narrowed by the shared filters and, when asked, sorted by a column
    (best fit stays the order otherwise; needs without the value go last)."""
    keep = lq.keep((n.id for n, _s, _r in recs), db_session(), Need.listed_at)
    shown = [r for r in recs if r[0].id in keep]
    if lq.sort:
        known = [r for r in shown if lq.sort_key(r[0])[0] is False]
        known.sort(key=lambda r: lq.sort_key(r[0]), reverse=lq.descending)
        shown = known + [r for r in shown if r not in known]
    return shown


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
    recs = recommendations(org.id)
    lq = ListQuery.from_args(request.args, (), OPPORTUNITY_SORTS)
    settled = interests.keys() | {s.need_id for s in confirmed}
    return render_template(
        "org/index.html",
        org=org,
        recs=_filtered(lq, recs),
        lq=lq,
        categories=category_groups(session),
        streets=street_choices(session),
        new_count=sum(1 for n, _s, _r in recs if n.id not in settled),
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
