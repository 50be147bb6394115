"""`flask --app web users create USERNAME --role ROLE [--scope CODE] --password PW` creates an
account and refuses a username that exists; `users update USERNAME …` changes one, explicitly."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from catalog.actors import Actor
from catalog.commands.accounts import AccountError, create_account, update_account
from catalog.models import Account, Role
from web.access.auth import hash_password, password_problem
from web.platform.database import get_db

users_cli = AppGroup("users", help="Manage accounts.")
ROLES = click.Choice([r.value for r in Role])


def _checked_password(password: str, username: str, weak_ok: bool = False) -> str:
    problem = password_problem(password, username)
    if problem and not weak_ok:
        raise click.ClickException(f"password: {problem[0]} / {problem[1]}")
    return hash_password(password)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=ROLES)
@click.option("--scope", default=None, help="street/district code or organization id")
@click.option("--password", required=True)
@click.option("--name", "display_name", default=None)
@click.option("--weak-password-ok", is_flag=True, hidden=True, help="demo accounts only")
def create(
    username: str,
    role: str,
    scope: str | None,
    password: str,
    display_name: str | None,
    weak_password_ok: bool,
) -> None:
    """Create an account; an existing username is refused (use `users update`)."""
    password_hash = _checked_password(password, username, weak_password_ok)
    try:
        with get_db().session() as session:
            create_account(
                session,
                Actor.system("cli"),
                username=username,
                role=role,
                scope=scope,
                password_hash=password_hash,
                display_name=display_name,
            )
    except AccountError as exc:
        raise click.ClickException(f"{exc.field}: {exc}") from exc
    click.echo(f"account {username} ({role}{':' + scope if scope else ''}) created")


@users_cli.command("update")
@click.argument("username")
@click.option("--role", default=None, type=ROLES, help="default: unchanged")
@click.option("--scope", default=None, help="default: unchanged")
@click.option("--password", default=None, help="default: unchanged")
@click.option("--name", "display_name", default=None, help="default: unchanged")
def update(
    username: str,
    role: str | None,
    scope: str | None,
    password: str | None,
    display_name: str | None,
) -> None:
    """Change an existing account's role, scope, password or display name."""
    password_hash = _checked_password(password, username) if password else None
    try:
        with get_db().session() as session:
            account = session.scalar(select(Account).where(Account.username == username))
            if account is None:
                raise click.ClickException(f"username: 账号不存在 / no account {username}")
            update_account(
                session,
                Actor.system("cli"),
                account,
                role=role or account.role,
                scope=scope if scope is not None else account.scope,
                display_name=display_name if display_name is not None else account.display_name,
                password_hash=password_hash,
            )
    except AccountError as exc:
        raise click.ClickException(f"{exc.field}: {exc}") from exc
    click.echo(f"account {username} updated")
