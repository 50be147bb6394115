"""Registration and the organization's own profile. An organization account's scope is its
organization id; every page here acts on that id only, never on one taken from the URL."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalog.actors import Actor
from catalog.commands.accounts import account_problems, create_account
from catalog.commands.organizations import (
    register_organization,
    registration_problems,
    update_profile,
)
from catalog.credit import credit_archive
from catalog.errors import DomainError, FieldError, ValidationFailed
from catalog.models import Organization, Role
from catalog.outcomes import performance_history
from catalog.validation import ORG_TYPES
from catalog.visibility import load_org
from web.access.auth import hash_password, password_problem, sign_in
from web.access.authz import actor, public, roles_required
from web.extensions import limiter
from web.jobs import enqueue_after_commit
from web.org import bp
from web.org.forms import OPTIONAL_NUMBERS, ProfileForm, RegistrationForm
from web.pages.choices import category_groups, city, streets_by_district
from web.pages.display import ORG_TYPE_LABELS, error_text, flash_error, pick
from web.platform.database import db_session
from web.tasks import update_org_index


def own_org() -> Organization:
    """The signed-in organization's record (404 if the account points nowhere)."""
    return load_org(db_session(), actor().scope)


def _prepare(form: ProfileForm) -> dict:
    session = db_session()
    form.org_type.choices = [(t, str(ORG_TYPE_LABELS.get(t, t))) for t in ORG_TYPES]
    groups = category_groups(session)
    form.categories.choices = [c for cs in groups.values() for c in cs]
    return {
        "category_groups": groups,
        "street_groups": streets_by_district(session),
        "city": city(session),
    }


def _field_errors(errors: list[FieldError]) -> dict[str, str]:
    """The first problem of each field, in the reader's language, for the form."""
    out: dict[str, str] = {}
    for e in errors:
        out.setdefault(e.field, error_text(e))
    return out


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegistrationForm()
    extra = _prepare(form)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        session = db_session()
        org_id = f"org-{uuid.uuid4().hex[:10]}"
        data = form.record() | {
            "id": org_id,
            "credit_code": (form.credit_code.data or "").strip().upper(),
        }
        username = (form.username.data or "").strip()
        errors = _field_errors(registration_problems(session, data))
        if not username.replace("-", "").replace("_", "").isalnum():
            errors["username"] = _("Use 1–64 letters, digits, - or _.")
        else:
            for e in account_problems(session, username, Role.ORGANIZATION, None):
                if e.field == "username":
                    errors.setdefault("username", error_text(e))
        problem = password_problem(form.password.data or "", username)
        if problem:
            errors["password"] = pick(*problem)
        elif form.password.data != form.password2.data:
            errors["password2"] = _("The passwords do not match.")
        if not errors:
            try:
                who = Actor(username, Role.ORGANIZATION, org_id)
                org = register_organization(session, who, data)
                account = create_account(
                    session,
                    who,
                    username=username,
                    role=Role.ORGANIZATION,
                    scope=org_id,
                    password_hash=hash_password(form.password.data),
                    display_name=org.name,
                )
                queued = enqueue_after_commit(session, update_org_index, org_id)
                session.commit()
            except DomainError as exc:
                session.rollback()
                flash_error(exc)
            else:
                sign_in(account)
                flash(_("Welcome! Your organization is registered."), "success")
                if queued.deferred:
                    flash(_("Matching will run later."), "info")
                return redirect(url_for("org.index"))
    return render_template("org/register.html", form=form, errors=errors, **extra)


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(Role.ORGANIZATION)
def profile():
    org = own_org()
    form = ProfileForm(obj=None if request.method == "POST" else org)
    extra = _prepare(form)
    if request.method == "GET":
        form.categories.data = org.category_names
        form.service_areas.data = org.area_codes
        for name in ("capacity", "staff", "social_workers"):
            value = getattr(org, name)
            getattr(form, name).data = "" if value is None else str(value)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        # A blank optional number clears it: the form always sends every field.
        changes = dict.fromkeys(OPTIONAL_NUMBERS) | form.record()
        session = db_session()
        try:
            changed = update_profile(session, actor(), org, changes)
            queued = enqueue_after_commit(session, update_org_index, org.id) if changed else None
            session.commit()
        except ValidationFailed as exc:
            session.rollback()
            errors = _field_errors(exc.errors)
        else:
            if changed:
                flash(_("Profile saved."), "success")
                if queued is not None and queued.deferred:
                    flash(_("Matching will run later."), "info")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("org.index"))
    session = db_session()
    return render_template(
        "org/profile.html",
        form=form,
        errors=errors,
        org=org,
        # What the platform holds on the organization, shown to it read-only (transparency).
        credit=credit_archive(session, org.id),
        performance=performance_history(session, org.id),
        **extra,
    )
