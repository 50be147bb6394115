"""Office pages: the street's needs, posting and editing a need, and a need's page."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalog import permissions
from catalog.commands import needs as need_commands
from catalog.errors import DomainError, FieldError, NotAllowed, ValidationFailed
from catalog.lifecycle import TRANSITIONS, transition
from catalog.models import Need, Region, Role, SuggestionStatus
from catalog.outcomes import GRADES, outcomes_for_need
from catalog.permissions import allowed
from catalog.visibility import worklist_clause
from matching import facade
from web.access.authz import actor, need_in_scope, roles_required
from web.access.reads import note_rows, records_read
from web.office import bp, screening
from web.office.forms import NeedForm, funding_choices
from web.office.outcomes import outcome_draft
from web.pages.choices import category_groups, street_choices
from web.pages.display import error_text, flash_error
from web.pages.list_query import ListQuery
from web.pages.need_history import staff_need_context
from web.pages.need_view import need_page
from web.pages.paging import page_number, page_of
from web.pages.worklist_counts import office_counts
from web.platform.database import db_session

OFFICE_ACTIONS = ("submit", "list", "match", "close", "withdraw")


OFFICE_TABS = ("draft", "submitted", "returned", "approved", "listed", "matched", "closed")
OFFICE_SORTS = ("title", "status", "category", "updated")


@bp.get("/")
@roles_required(Role.OFFICE, Role.ADMIN)
@records_read("need")
def index():
    """The street's needs: tabs by status, word search, filters, sortable columns, and the
    counts of what waits for the office."""
    session = db_session()
    lq = ListQuery.from_args(request.args, OFFICE_TABS, OFFICE_SORTS)
    q = lq.where(session, select(Need).where(worklist_clause(actor())), Need.updated_at)
    page = page_number(request.args)
    order = lq.order((Need.updated_at.desc(), Need.id))
    needs, total, pages = page_of(session, q, order, page)
    note_rows(len(needs))
    street = session.get(Region, actor().scope) if actor().scope else None
    return render_template(
        "office/index.html",
        needs=needs,
        status=lq.status or None,
        lq=lq,
        tabs=OFFICE_TABS,
        categories=category_groups(session),
        counts=office_counts(session, actor()),
        street=street,
        page=page,
        pages=pages,
        total=total,
    )


def _prepare(form: NeedForm) -> None:
    session = db_session()
    form.funding.choices = funding_choices()
    form.category.choices = {"": [("", _("Let the system suggest"))], **category_groups(session)}
    form.street.choices = street_choices(session)
    if actor().role == Role.OFFICE:
        form.street.data = actor().scope


def _save(form: NeedForm, need: Need | None) -> tuple[Need | None, dict[str, str]]:
    """Post or edit through the catalog's command (not committed); field errors for the form."""
    session = db_session()
    data = form.record()
    suggest = screening.suggest_category
    if actor().role == Role.OFFICE:
        data.pop("street", None)  # an office posts for its own street, whatever was sent
    try:
        if need is None:
            need = need_commands.post_need(session, actor(), data, suggest_category=suggest)
        else:
            need_commands.edit_need(session, actor(), need, data, suggest_category=suggest)
    except ValidationFailed as exc:
        session.rollback()
        return None, _field_errors(exc.errors)
    except NotAllowed as exc:
        session.rollback()
        return None, {"street": error_text(exc)}
    return need, {}


def _field_errors(errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, error_text(e))
    return out


def _form_page(form: NeedForm, need: Need | None):
    """Handle GET/POST of the need form (new or edit)."""
    _prepare(form)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        saved, errors = _save(form, need)
        if saved is not None:
            session = db_session()
            try:
                if request.form.get("submit_for_review"):
                    transition(session, saved, "submit", actor())
                session.commit()
            except DomainError as exc:
                session.rollback()
                flash_error(exc)
                return redirect(url_for("office.need", need_id=saved.id))
            if request.form.get("submit_for_review"):
                return redirect(url_for("office.need", need_id=saved.id, submitted=1))
            return redirect(url_for("office.need", need_id=saved.id, posted=1))
    return render_template("office/need_form.html", form=form, errors=errors, need=need)


@bp.route("/needs/new", methods=["GET", "POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
def new_need():
    return _form_page(NeedForm(), None)


@bp.route("/needs/<need_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICE, Role.ADMIN)
@records_read("need", id_arg="need_id")
def edit_need(need_id: str):
    need = need_in_scope(need_id)
    if not allowed(permissions.edit_need, actor(), need):
        abort(409)
    form = NeedForm(obj=None if request.method == "POST" else need)
    if request.method == "GET":
        form.category.data = need.category_name if need.category_source == "office" else ""
        for name in ("beneficiary_count", "budget_yuan", "months"):
            getattr(form, name).data = str(getattr(need, name))
    return _form_page(form, need)


@need_page(bp, Role.OFFICE, Role.ADMIN)
def need(need: Need):
    session = db_session()
    shown = staff_need_context(session, need, actor())
    evaluable = allowed(permissions.record_outcome, actor(), need)
    return render_template(
        "office/need.html",
        **shown,
        evaluable=evaluable,
        confirmed=[s for s in shown["suggestions"] if s.status == SuggestionStatus.CONFIRMED],
        outcomes=outcomes_for_need(session, need.id) if evaluable else {},
        grades=GRADES,
        editable=allowed(permissions.edit_need, actor(), need),
        can_decide=allowed(permissions.decide_suggestions, actor(), need),
        posted=bool(request.args.get("posted")),
        submitted=bool(request.args.get("submitted")),
        outcome_draft=outcome_draft(need.id),
        text_prompt=facade.draft_prompt(need),
        actions=[
            (a, TRANSITIONS[a].needs_reason)
            for a in permissions.need_actions(need, actor())
            if a in OFFICE_ACTIONS
        ],
    )
