"""The account page and its two actions. A password change needs the current password (a
browser left signed in must not be enough to take the account over), follows the same policy
as accounts an administrator creates, is audited without the password, and signs out every
other session and every API token of the account (catalog.commands.accounts.set_password); this browser
is signed in again under a new session."""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from catalog.audit import record
from catalog.commands.accounts import set_password
from catalog.models import Account, Organization, Region, Role
from catalog.validation import text_problem
from web.access.auth import User, hash_password, password_problem, sign_in, verify_password
from web.access.authz import ALL_ROLES, actor, roles_required
from web.account import bp
from web.account.forms import MAX_DISPLAY_NAME, PasswordForm, PreferencesForm
from web.extensions import limiter
from web.pages.display import named, pick
from web.platform.database import db_session


def _account() -> Account:
    account = db_session().get(Account, int(current_user.id))
    assert account is not None  # the session loader admitted this user
    return account


def _scope_name(account: Account) -> str:
    """The account's scope as people say it: the street, district or organization by name."""
    if not account.scope:
        return ""
    session = db_session()
    if account.role == Role.ORGANIZATION:
        org = session.get(Organization, account.scope)
        return org.name if org is not None else account.scope
    region = session.get(Region, account.scope)
    return named(region) if region is not None else account.scope


def _page(
    password_form: PasswordForm | None = None,
    preferences_form: PreferencesForm | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    account = _account()
    prefs = preferences_form or PreferencesForm(
        data={"display_name": account.display_name or "", "locale": account.locale or ""}
    )
    html = render_template(
        "account/index.html",
        account=account,
        scope_name=_scope_name(account),
        password_form=password_form or PasswordForm(),
        preferences_form=prefs,
        errors=errors or {},
    )
    return html, status


def _form_errors(form: PasswordForm | PreferencesForm) -> dict[str, str]:
    """The form's own refusals (a language that is not offered), one message per field."""
    return {name: _("This value is not accepted.") for name in form.errors}


@bp.get("/")
@roles_required(*ALL_ROLES)
def index() -> tuple[str, int]:
    return _page()


@bp.post("/password")
@roles_required(*ALL_ROLES)
@limiter.limit("10 per hour")
def change_password() -> Response | tuple[str, int]:
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(errors=_form_errors(form), status=400)
    account = _account()
    current = form.current_password.data or ""
    new = form.new_password.data or ""
    errors: dict[str, str] = {}
    if not verify_password(account, current):
        errors["current_password"] = _("The current password is wrong.")
    problem = password_problem(new, account.username)
    if problem:
        errors["new_password"] = pick(*problem)
    elif new == current:
        errors["new_password"] = _("The new password must differ from the current one.")
    if new != (form.repeat_password.data or ""):
        errors["repeat_password"] = _("The two new passwords differ.")
    if errors:
        return _page(password_form=PasswordForm(formdata=None), errors=errors, status=400)
    set_password(db_session(), account, hash_password(new))
    record(db_session(), actor(), "account.password_change", "account", account.username)
    db_session().commit()
    sign_in(account)  # this browser stays signed in, under a new session
    flash(
        _("Password changed. Other browsers signed in to this account are signed out."), "success"
    )
    return redirect(url_for("account.index"))


@bp.post("/preferences")
@roles_required(*ALL_ROLES)
def save_preferences() -> Response | tuple[str, int]:
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(preferences_form=form, errors=_form_errors(form), status=400)
    name = (form.display_name.data or "").strip()
    if len(name) > MAX_DISPLAY_NAME:
        errors = {
            "display_name": _("At most %(n)d characters.", n=MAX_DISPLAY_NAME),
        }
        return _page(preferences_form=form, errors=errors, status=400)
    problem = text_problem(name)  # no control or text-direction characters in a name
    if problem:
        return _page(preferences_form=form, errors={"display_name": pick(*problem)}, status=400)
    account = _account()
    account.display_name = name or None
    account.locale = form.locale.data or None
    record(
        db_session(),
        actor(),
        "account.preferences",
        "account",
        account.username,
        display_name=account.display_name,
        locale=account.locale,
    )
    db_session().commit()
    session.pop("lang", None)  # the saved language now decides, not the last ?lang= link
    login_user(User(account, current_user.sid))  # the header shows the new name at once
    flash(_("Settings saved."), "success")
    return redirect(url_for("account.index"))
