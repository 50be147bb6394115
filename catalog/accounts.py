"""Creating and updating accounts with a scope that fits the role: an office is scoped to a
street, a reviewer or planner to a district or the city, an organization to its own id. A new
password or a deactivation ends every credential the account had (`revoke_credentials`)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.audit import record
from catalog.errors import DomainError
from catalog.models import Account, LoginSession, Organization, Region, Role


class AccountError(DomainError):
    code = "account_error"


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
    if role not in {r.value for r in Role}:
        raise AccountError(f"未知角色：{role}", f"unknown role {role}")
    if not username or len(username) > 64:
        raise AccountError("用户名长度应为1–64", "username must be 1–64 characters")
    problem = scope_problem(session, role, scope)
    if problem:
        raise AccountError(*problem)
    account = session.scalar(select(Account).where(Account.username == username))
    action = "account.update" if account else "account.create"
    if account is None:
        account = Account(username=username)
        session.add(account)
    if account.id is not None and account.password_hash != password_hash:
        set_password(session, account, password_hash)  # a reset (e.g. `users create` again)
    account.role, account.scope, account.password_hash = role, scope, password_hash
    account.display_name = display_name or account.display_name
    account.locale = locale or account.locale
    account.active = True
    session.flush()
    record(session, actor, action, "account", username, role=role, scope=scope)
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
