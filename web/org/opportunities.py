"""The organization's dashboard: listed needs recommended for it (`catalog.opportunities`, the
same list the API gives, kept current by matching's writes), each with why, and its expressed
interests."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from catalog import opportunities as catalog_opportunities
from catalog.decisions import express_interest, withdraw_interest
from catalog.errors import DomainError
from catalog.models import Need, Role, Suggestion
from web.access.authz import actor, roles_required
from web.org import bp
from web.org.views import own_org
from web.pages.choices import category_groups, street_choices
from web.pages.display import flash_error
from web.pages.list_query import ListQuery
from web.pages.paging import page_number
from web.platform.database import db_session

PAGE = 20


OPPORTUNITY_SORTS = ("listed", "budget", "title")


def recommendations(org_id: str, page_no: int, lq: ListQuery) -> list[SimpleNamespace]:
    """One page of the organization's opportunities, best first unless a column is chosen:
    `catalog.opportunities`, the same list the API gives, narrowed by the page's filters in
    SQL. Rows, not ORM needs; each carries `street` (name, name_en) for the region label."""
    session = db_session()
    rows = catalog_opportunities.page(
        session,
        org_id,
        PAGE,
        (page_no - 1) * PAGE,
        narrow=lambda query: lq.where(session, query, Need.listed_at),
        order=lq.order,
    )
    return [
        SimpleNamespace(
            **row._asdict(),
            street=SimpleNamespace(name=row.street_name, name_en=row.street_name_en),
        )
        for row in rows
    ]


@bp.get("/")
@roles_required(Role.ORGANIZATION)
def index():
    org = own_org()
    session = db_session()
    page_no = page_number(request.args)
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
    lq = ListQuery.from_args(request.args, (), OPPORTUNITY_SORTS)
    recs = recommendations(org.id, page_no, lq)
    return render_template(
        "org/index.html",
        org=org,
        recs=recs,
        lq=lq,
        categories=category_groups(session),
        streets=street_choices(session),
        new_count=catalog_opportunities.unanswered(session, org.id),
        confirmed=confirmed,
        page_no=page_no,
        more=len(recs) == PAGE,
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
    return _apply(
        need_id,
        lambda: express_interest(session, need_id, actor(), note=note),
        _("Interest sent to the street office."),
    )


@bp.post("/needs/<need_id>/withdraw")
@roles_required(Role.ORGANIZATION)
def withdraw(need_id: str):
    own_org()
    session = db_session()
    if session.get(Need, need_id) is None:
        abort(404)
    return _apply(
        need_id, lambda: withdraw_interest(session, need_id, actor()), _("Interest withdrawn.")
    )


def _apply(need_id: str, command: Callable[[], object], done: str) -> Response:
    """Run an interest command in the request's transaction: committed with `done` shown, or
    rolled back with the refusal; back to the need's card either way."""
    session = db_session()
    try:
        command()
        session.commit()
        flash(done, "success")
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
    return redirect(url_for("org.index") + f"#need-{need_id}")
