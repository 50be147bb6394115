"""Creating and updating accounts with a scope that fits the role: an office is scoped to a
street, a reviewer or planner to a district or the city, an organization to its own id.

Creating never touches an existing account: a username that is taken is refused, so a typo on
the admin page or in `users create` cannot silently reset someone's role, scope or password.
Changing an account is the separate, explicit `update_account`. A new password or a
deactivation ends every credential the account had (`revoke_credentials`)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import record
from catalog.errors import DomainError, FieldError
from catalog.models import Account, LoginSession, Organization, Region, Role

MAX_USERNAME = 64


class AccountError(DomainError):
    """A refusal about one field of an account (`field`: username, role or scope)."""

    code = "account_error"

    def __init__(self, zh: str, en: str, field: str = "scope") -> None:
        super().__init__(zh, en)
        self.field = field


def scope_problem(session: Session, role: str, scope: str | None) -> tuple[str, str] | None:
    if role == Role.ADMIN:
        return None
    if not scope:
        return ("该角色必须指定范围", f"role {role} needs a --scope")
    if role == Role.ORGANIZATION:
        if session.get(Organization, scope) is None:
            return (f"社会组织不存在：{scope}", f"no organization with id {scope}")
        return None
    region = session.get(Region, scope)
    if region is None:
        return (f"区划代码不存在：{scope}", f"unknown region code {scope}")
    if role == Role.OFFICE and region.level != "street":
        return (
            "街道（镇）账号的范围必须是街道或镇",
            "an office account's scope must be a street or town",
        )
    if role in (Role.REVIEWER, Role.PLANNER) and region.level not in ("district", "city"):
        return (
            "审核/规划账号的范围必须是区或市",
            "reviewer/planner scope must be a district or the city",
        )
    return None


def account_problems(
    session: Session, username: str, role: str, scope: str | None
) -> list[FieldError]:
    """Every problem of a new account, for a form to show them all at once."""
    errors: list[FieldError] = []
    if not username or len(username) > MAX_USERNAME:
        errors.append(
            FieldError("username", "用户名长度应为1–64", "username must be 1–64 characters")
        )
    elif session.scalar(select(Account.id).where(Account.username == username)) is not None:
        errors.append(FieldError("username", "该用户名已被使用", f"username {username} is taken"))
    if role not in {r.value for r in Role}:
        errors.append(FieldError("role", f"未知角色：{role}", f"unknown role {role}"))
    else:
        problem = scope_problem(session, role, scope)
        if problem:
            errors.append(FieldError("scope", *problem))
    return errors


def create_account(
    session: Session,
    actor: Actor,
    *,
    username: str,
    role: str,
    scope: str | None,
    password_hash: str,
    display_name: str | None = None,
    locale: str | None = None,
) -> Account:
    """A new account.

    :raise NotAllowed: only administrators create accounts (and a registering organization
        its own).
    :raise AccountError: a taken or malformed username, an unknown role, a scope that does not
        fit the role (the first problem, with its field)."""
    permissions.require(permissions.create_account, actor, username, role, scope)
    errors = account_problems(session, username, role, scope)
    if errors:
        raise AccountError(errors[0].zh, errors[0].en, errors[0].field)
    account = Account(
        username=username,
        role=role,
        scope=scope,
        password_hash=password_hash,
        display_name=display_name,
        locale=locale,
        active=True,
    )
    session.add(account)
    session.flush()
    record(session, actor, "account.create", "account", username, role=role, scope=scope)
    return account


def update_account(
    session: Session,
    actor: Actor,
    account: Account,
    *,
    role: str,
    scope: str | None,
    display_name: str | None,
    password_hash: str | None = None,
) -> Account:
    """Change an account's role, scope and display name, and its password when one is given.

    :raise NotAllowed: only administrators change accounts.
    :raise AccountError: an unknown role, or a scope that does not fit it."""
    permissions.require(permissions.manage_accounts, actor)
    if role not in {r.value for r in Role}:
        raise AccountError(f"未知角色：{role}", f"unknown role {role}", "role")
    problem = scope_problem(session, role, scope)
    if problem:
        raise AccountError(*problem)
    account.role, account.scope, account.display_name = role, scope, display_name
    if password_hash:
        set_password(session, account, password_hash)
    session.flush()
    record(
        session,
        actor,
        "account.update",
        "account",
        account.username,
        role=role,
        scope=scope,
        password_changed=bool(password_hash) or None,
    )
    return account


def set_password(session: Session, account: Account, password_hash: str) -> None:
    """A new password ends what the old one opened: the account's API tokens and every
    signed-in browser. Whoever changed it signs in again (the account page does so for the
    browser the change was made in). The caller audits and commits."""
    account.password_hash = password_hash
    revoke_credentials(session, account)


def revoke_credentials(session: Session, account: Account) -> None:
    """Delete the account's API tokens and login sessions (password change or reset,
    deactivation). Reactivating an account later brings none of them back."""
    account.tokens.clear()
    session.execute(delete(LoginSession).where(LoginSession.account_id == account.id))
