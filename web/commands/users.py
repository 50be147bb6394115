"""`flask --app web users create USERNAME --role ROLE [--scope CODE] --password PW`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from catalog.accounts import AccountError, create_account
from catalog.actors import Actor
from catalog.models import Role
from web.auth import hash_password, password_problem
from web.database import get_db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
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
    """Create an account (or update its role, scope and password if it exists)."""
    problem = password_problem(password, username)
    if problem and not weak_password_ok:
        raise click.ClickException(f"password: {problem[0]} / {problem[1]}")
    try:
        with get_db().session() as session:
            create_account(
                session,
                Actor.system("cli"),
                username=username,
                role=role,
                scope=scope,
                password_hash=hash_password(password),
                display_name=display_name,
            )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"account {username} ({role}{':' + scope if scope else ''}) saved")
