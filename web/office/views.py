"""Office pages: the street's needs, posting and editing a need, and a need's page."""

from __future__ import annotations

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalog.audit import record
from catalog.errors import DomainError
from catalog.lifecycle import TRANSITIONS, allowed_actions, transition
from catalog.models import Interest, Need, Region, Role, SuggestionStatus
from catalog.outcomes import EVALUABLE_STATUSES, GRADES, outcomes_for_need
from catalog.reference import Reference
from catalog.validation import validate_need
from catalog.visibility import visible_suggestions
from web.authz import actor, need_scope_clause, require_street, roles_required
from web.choices import category_groups, street_choices
from web.database import db_session
from web.display import error_text, flash_error
from web.office import bp
from web.office.forms import NeedForm, funding_choices
from web.office.screening import screen_need
from web.paging import page_number, page_of
from web.reads import note_rows, records_read
from web.team_proposals import team_cards

EDITABLE = ("draft", "returned")
OFFICE_ACTIONS = ("submit", "list", "match", "close", "withdraw")


def office_name(street: Region) -> str:
    """How an office signs its needs publicly: the institution, never a person."""
    suffix = "人民政府" if street.name.endswith("镇") else "办事处"
    return f"{street.name}{suffix}"


def load_need(need_id: str) -> Need:
    """The need if it lies in the actor's street (404 otherwise, so others' drafts stay hidden)."""
    need = db_session().get(Need, need_id)
    if need is None:
        abort(404)
    require_street(need.street_code)
    return need


@bp.get("/")
@roles_required(Role.OFFICE, Role.ADMIN)
@records_read("need")
def index():
    session = db_session()
    status = request.args.get("status") or None
    q = select(Need).where(need_scope_clause(actor()))
    if status:
        q = q.where(Need.status == status)
    page = page_number(request.args)
    needs, total, pages = page_of(session, q, (Need.updated_at.desc(), Need.id), page)
    note_rows(len(needs))
    street = session.get(Region, actor().scope) if actor().scope else None
    return render_template(
        "office/index.html",
        needs=needs,
        status=status,
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
    """Validate as the catalog does; on success create or update the need (not committed)."""
    session = db_session()
    ref = Reference.load(session)
    data = form.record()
    data["id"] = need.id if need else f"{data.get('street') or 'need'}-{uuid.uuid4().hex[:10]}"
    street = session.get(Region, data["street"]) if data.get("street") else None
    data["posted_by"] = office_name(street) if street else ""
    errors: dict[str, str] = {}
    for e in validate_need(data, ref):
        errors.setdefault(e.field, error_text(e))
    if data.get("street") and not actor().covers_street(data["street"]):
        errors["street"] = _("This street is outside your area.")
    if errors:
        return None, errors
    created = need is None
    if need is None:
        need = Need(
            id=data["id"],
            status="draft",
            lang="zh-Hans",
            posted_by_account_id=int(_current_account_id()),
        )
        session.add(need)
    for key in (
        "title",
        "description",
        "beneficiaries",
        "beneficiary_count",
        "budget_yuan",
        "months",
        "funding",
    ):
        setattr(need, key, data[key])
    need.street_code = data["street"]
    need.posted_by = data["posted_by"]
    if data.get("category"):
        need.category_name, need.category_source, need.category_confidence = (
            data["category"],
            "office",
            None,
        )
    elif need.category_source == "office":
        need.category_name = need.category_source = None
    screen_need(need, ref.categories)
    # The same audit trail as the API's: who posted or edited which draft, and where.
    action = "need.create" if created else "need.update"
    record(session, actor(), action, "need", need.id, street=need.street_code)
    session.flush()
    return need, {}


def _current_account_id() -> str:
    from flask_login import current_user

    return current_user.id


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
    need = load_need(need_id)
    if need.status not in EDITABLE:
        abort(409)
    form = NeedForm(obj=None if request.method == "POST" else need)
    if request.method == "GET":
        form.category.data = need.category_name if need.category_source == "office" else ""
        for name in ("beneficiary_count", "budget_yuan", "months"):
            getattr(form, name).data = str(getattr(need, name))
    return _form_page(form, need)


@bp.get("/needs/<need_id>")
@roles_required(Role.OFFICE, Role.ADMIN)
@records_read("need", id_arg="need_id")
def need(need_id: str):
    need = load_need(need_id)
    session = db_session()
    suggestions = visible_suggestions(session, need, actor())
    interests = list(
        session.scalars(
            select(Interest)
            .where(Interest.need_id == need.id, Interest.active.is_(True))
            .order_by(Interest.created_at)
        )
    )
    evaluable = need.status in EVALUABLE_STATUSES
    return render_template(
        "office/need.html",
        need=need,
        suggestions=suggestions,
        teams=team_cards(session, need),
        interests=interests,
        evaluable=evaluable,
        confirmed=[s for s in suggestions if s.status == SuggestionStatus.CONFIRMED],
        outcomes=outcomes_for_need(session, need.id) if evaluable else {},
        grades=GRADES,
        editable=need.status in EDITABLE,
        posted=bool(request.args.get("posted")),
        actions=[
            (a, TRANSITIONS[a].needs_reason)
            for a in allowed_actions(need, actor())
            if a in OFFICE_ACTIONS
        ],
    )
