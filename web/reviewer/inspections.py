"""Sampled inspections for civil-affairs reviewers: draw a share of the projects of their area
at random (the seed and the population are kept, so the draw can be recomputed), then record
what each inspection found; a result becomes a credit entry of the organization.

The pages show which organizations are being inspected and the inspectors' notes, which are
not public, so their reads are on record."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from catalog.errors import DomainError, NotFound
from catalog.inspections import (
    DEFAULT_RATE,
    draw_inspections,
    eligible_projects,
    load_draw,
    record_inspection,
    visible_draws,
)
from catalog.models import Account, InspectionDraw, Need, Region, Role
from web.access.authz import actor, roles_required
from web.access.reads import records_read
from web.pages.display import flash_error, named
from web.pages.record_forms import add_to_org_record
from web.platform.database import db_session
from web.reviewer import bp


def _authority() -> str:
    """The default "issued by" of a result: the reviewer's civil-affairs bureau."""
    scope = actor().scope
    region = db_session().get(Region, scope) if scope else None
    return _("%(region)s Civil Affairs Bureau", region=named(region)) if region else ""


def _people(usernames: set[str | None]) -> dict[str, str]:
    """Display names of the reviewers on the page: a colleague's name, not a login."""
    names = {u for u in usernames if u}
    if not names:
        return {}
    rows = db_session().execute(
        select(Account.username, Account.display_name).where(Account.username.in_(names))
    )
    return {username: display or username for username, display in rows}


def _draw_or_404(draw_id: int) -> InspectionDraw:
    """A draw of the reviewer's area; any other is "not found", as if it did not exist."""
    try:
        return load_draw(db_session(), actor(), draw_id)
    except NotFound:
        abort(404)


@bp.get("/inspections")
@roles_required(Role.REVIEWER, Role.ADMIN)
@records_read("inspection_draw")
def inspections() -> str:
    session = db_session()
    draws = visible_draws(session, actor())
    return render_template(
        "reviewer/inspections.html",
        draws=draws,
        people=_people({d.drawn_by for d in draws}),
        eligible=len(eligible_projects(session, actor())),
        default_rate=round(DEFAULT_RATE * 100),
    )


@bp.post("/inspections")
@roles_required(Role.REVIEWER, Role.ADMIN)
def draw() -> Response:
    session = db_session()
    try:
        made = draw_inspections(session, actor(), request.form.get("rate"))
        session.commit()
    except DomainError as exc:
        session.rollback()
        flash_error(exc)
        return redirect(url_for("reviewer.inspections"))
    flash(
        _(
            "%(drawn)d of %(population)d projects drawn for inspection.",
            drawn=len(made.items),
            population=len(made.population),
        ),
        "success",
    )
    return redirect(url_for("reviewer.inspection", draw_id=made.id))


@bp.get("/inspections/<int:draw_id>")
@roles_required(Role.REVIEWER, Role.ADMIN)
@records_read("inspection_draw", id_arg="draw_id")
def inspection(draw_id: int) -> str:
    found = _draw_or_404(draw_id)
    ids = [i.need_id for i in found.items]
    needs = {n.id: n for n in db_session().scalars(select(Need).where(Need.id.in_(ids)))}
    return render_template(
        "reviewer/inspection.html",
        draw=found,
        needs=needs,
        authority=_authority(),
        people=_people({found.drawn_by} | {i.inspected_by for i in found.items}),
    )


@bp.post("/inspections/<int:draw_id>/items/<int:item_id>")
@roles_required(Role.REVIEWER, Role.ADMIN)
def record_result(draw_id: int, item_id: int) -> Response:
    if item_id not in {i.id for i in _draw_or_404(draw_id).items}:
        abort(404)
    form = request.form
    return add_to_org_record(
        lambda session, who: record_inspection(
            session,
            who,
            item_id,
            form.get("result") or "",
            form.get("source") or "",
            form.get("note"),
        ),
        done=_("Inspection result recorded in the credit archive."),
        back=url_for("reviewer.inspection", draw_id=draw_id) + f"#item-{item_id}",
    )
