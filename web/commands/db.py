"""`flask --app web db upgrade|revision|load-reference`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from catalog import schema
from catalog.reference_data import load_gazetteer, load_taxonomy
from web.platform.database import get_db

db_cli = AppGroup("db", help="Create or migrate the database (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Create or migrate the database named by DATABASE_URL."""
    db = get_db()
    schema.upgrade(db, revision)
    click.echo(f"database at {db.engine.url.render_as_string(hide_password=True)} is at {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Autogenerate a migration from the models (developers)."""
    schema.revision(get_db(), message)


@db_cli.command("load-gazetteer")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_gazetteer_cmd(csv_path: Path) -> None:
    """Load another city's gazetteer (columns code,name,areaCode,cityCode)."""
    with get_db().session() as session:
        n = load_gazetteer(session, csv_path)
    click.echo(f"loaded {n} streets/towns")


@db_cli.command("load-taxonomy")
@click.argument("json_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_taxonomy_cmd(json_path: Path) -> None:
    """Replace or extend the service taxonomy from a JSON file of the default's shape."""
    with get_db().session() as session:
        n = load_taxonomy(session, json_path)
    click.echo(f"loaded {n} subcategories")
