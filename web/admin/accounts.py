"""Accounts: list, create, change role/scope, deactivate and reactivate. Every change is
audited; an admin cannot deactivate the account it is using (no locking oneself out)."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.audit import record
from catalog.commands.accounts import (
    account_problems,
    create_account,
    revoke_credentials,
    scope_problem,
    update_account,
)
from catalog.errors import DomainError
from catalog.models import Account, Role
from catalog.validation import text_problem
from web.access.auth import hash_password, password_problem, sign_in
from web.access.authz import actor, roles_required
from web.access.reads import note_rows, records_read
from web.admin import bp
from web.admin.forms import AccountForm
from web.pages.display import ROLE_LABELS, pick
from web.platform.database import db_session


@bp.get("/")
@roles_required(Role.ADMIN)
@records_read("account")
def accounts():
    role = request.args.get("role") or None
    q = select(Account).order_by(Account.role, Account.username)
    if role:
        q = q.where(Account.role == role)
    rows = list(db_session().scalars(q))
    note_rows(len(rows))
    return render_template("admin/accounts.html", accounts=rows, role=role)


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, str(ROLE_LABELS[r.value])) for r in Role]


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_account():
    form = AccountForm()
    form.role.choices = _role_choices()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        session = db_session()
        username = (form.username.data or "").strip()
        scope = (form.scope.data or "").strip() or None
        for e in account_problems(session, username, form.role.data, scope):
            errors.setdefault(e.field, pick(e.zh, e.en))
        _check_person(form, errors, form.password.data or "", username, required=True)
        created = not errors and _run(
            session,
            errors,
            "username",
            lambda: create_account(
                session,
                actor(),
                username=username,
                role=form.role.data,
                scope=scope,
                password_hash=hash_password(form.password.data),
                display_name=(form.display_name.data or "").strip() or None,
            ),
        )
        if created:
            flash(_("Account created."), "success")
            return redirect(url_for("admin.accounts"))
    return render_template("admin/account_form.html", form=form, errors=errors, account=None)


def _check_person(
    form: AccountForm, errors: dict[str, str], password: str, username: str, *, required: bool
) -> None:
    """The password (a new account needs one; an edit may leave it unchanged) and the display
    name, a person's text: no control or text-direction characters."""
    if password or required:
        problem = password_problem(password, username)
        if problem:
            errors["password"] = pick(*problem)
    problem = text_problem(form.display_name.data or "")
    if problem:
        errors["display_name"] = pick(*problem)


def _run(
    session: Session, errors: dict[str, str], field: str, command: Callable[[], object]
) -> bool:
    """Run an account command and commit; a refusal is the error of the field it names
    (`field` when it names none), and nothing is kept."""
    try:
        command()
        session.commit()
    except DomainError as exc:
        session.rollback()
        errors[getattr(exc, "field", field)] = pick(exc.zh, exc.en)
        return False
    return True


def _load(account_id: int) -> Account:
    account = db_session().get(Account, account_id)
    if account is None:
        abort(404)
    return account


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
@records_read("account", id_arg="account_id")
def edit_account(account_id: int):
    account = _load(account_id)
    form = AccountForm(obj=None if request.method == "POST" else account)
    form.role.choices = _role_choices()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        session = db_session()
        scope = (form.scope.data or "").strip() or None
        problem = scope_problem(session, form.role.data, scope)
        if problem:
            errors["scope"] = pick(*problem)
        new_password = form.password.data or ""
        _check_person(form, errors, new_password, account.username, required=False)
        saved = not errors and _run(
            session,
            errors,
            "scope",
            lambda: update_account(
                session,
                actor(),
                account,
                role=form.role.data,
                scope=scope,
                display_name=(form.display_name.data or "").strip() or None,
                password_hash=hash_password(new_password) if new_password else None,
            ),
        )
        if saved:
            if new_password and str(account.id) == current_user.id:
                sign_in(account)  # an admin resetting their own password stays signed in here
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.accounts"))
    return render_template("admin/account_form.html", form=form, errors=errors, account=account)


@bp.post("/accounts/<int:account_id>/active")
@roles_required(Role.ADMIN)
def set_active(account_id: int):
    account = _load(account_id)
    active = request.form.get("active") == "1"
    if not active and str(account.id) == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.accounts"))
    session = db_session()
    if account.active != active:
        account.active = active
        if not active:  # tokens and sessions end now, and reactivating brings none back
            revoke_credentials(session, account)
        record(
            session,
            actor(),
            "account.activate" if active else "account.deactivate",
            "account",
            account.username,
        )
        session.commit()
    flash(_("Account activated.") if active else _("Account deactivated."), "success")
    return redirect(url_for("admin.accounts"))
