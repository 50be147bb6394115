"""Registration and the organization's own profile. An organization account's scope is its
organization id; every page here acts on that id only, never on one taken from the URL."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from catalog.accounts import create_account
from catalog.actors import Actor
from catalog.audit import record
from catalog.credit import credit_archive
from catalog.errors import DomainError
from catalog.models import Account, Organization, Role
from catalog.outcomes import performance_history
from catalog.reference import Reference
from catalog.validation import ORG_TYPES, validate_organization
from web.auth import hash_password, password_problem, sign_in
from web.authz import actor, public, roles_required
from web.choices import category_groups, city, streets_by_district
from web.database import db_session
from web.display import ORG_TYPE_LABELS, error_text, flash_error, pick
from web.extensions import limiter
from web.jobs import enqueue_after_commit
from web.org import bp
from web.org.forms import ProfileForm, RegistrationForm
from web.org.profile import apply_profile
from web.tasks import update_org_index


def own_org() -> Organization:
    """The signed-in organization's record (404 if the account points nowhere)."""
    org = db_session().get(Organization, actor().scope) if actor().scope else None
    if org is None:
        abort(404)
    return org


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


def _validate(form: ProfileForm, data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in validate_organization(data, Reference.load(db_session())):
        errors.setdefault(e.field, error_text(e))
    return errors


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
        errors = _validate(form, data)
        if "credit_code" not in errors and session.scalar(
            select(Organization.id).where(Organization.credit_code == data["credit_code"])
        ):
            errors["credit_code"] = _(
                "An organization with this credit code is already registered."
            )
        username = (form.username.data or "").strip()
        if (
            not username
            or len(username) > 64
            or not username.replace("-", "").replace("_", "").isalnum()
        ):
            errors["username"] = _("Use 1–64 letters, digits, - or _.")
        elif session.scalar(select(Account.id).where(Account.username == username)):
            errors["username"] = _("This username is taken.")
        problem = password_problem(form.password.data or "", username)
        if problem:
            errors["password"] = pick(*problem)
        elif form.password.data != form.password2.data:
            errors["password2"] = _("The passwords do not match.")
        if not errors:
            try:
                org = Organization(
                    id=org_id, credit_code=data["credit_code"], lang="zh-Hans", profile_version=1
                )
                session.add(org)
                who = Actor(username, Role.ORGANIZATION, org_id)
                apply_profile(session, org, data, who)
                org.profile_version = 1
                session.flush()
                record(session, who, "organization.register", "organization", org_id, name=org.name)
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
        data = form.record() | {"id": org.id, "credit_code": org.credit_code}
        errors = _validate(form, data)
        if not errors:
            session = db_session()
            changed = apply_profile(session, org, data, actor())
            queued = enqueue_after_commit(session, update_org_index, org.id) if changed else None
            session.commit()
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
