"""`flask --app web demo load`: the demo catalog and one account per role (idempotent)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from catalog.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from web.access.auth import hash_password
from web.platform.database import get_db

demo_cli = AppGroup("demo", help="Load the demo catalog and demo accounts.")


@demo_cli.command("load")
def load() -> None:
    """Import catalog/data/demo and create the demo accounts (password in README.md)."""
    with get_db().session() as session:
        report = load_demo(session, hash_password)
    click.echo(report.catalog.summary())
    for account in DEMO_ACCOUNTS:
        state = "created" if account.username in report.accounts_created else "kept"
        scope = f" {account.scope}" if account.scope else ""
        click.echo(f"  {account.username:<20} {account.role}{scope} ({state})")
    if report.accounts_created:
        click.echo(f"演示账号密码 / demo password: {DEMO_PASSWORD}")
