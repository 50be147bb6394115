"""`flask --app web db upgrade|revision|load-reference`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

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


def _file_loader(
    name: str, argument: str, load: Callable[[Session, Path], int], unit: str, help_text: str
) -> None:
    """Register `db <name> FILE`: the reference loaders all read one file in one transaction
    and say how many rows they loaded."""

    @db_cli.command(name, help=help_text)
    @click.argument(argument, type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def command(**arguments: Path) -> None:
        with get_db().session() as session:
            n = load(session, arguments[argument])
        click.echo(f"loaded {n} {unit}")


_file_loader(
    "load-gazetteer",
    "csv_path",
    load_gazetteer,
    "streets/towns",
    "Load another city's gazetteer (columns code,name,areaCode,cityCode).",
)
_file_loader(
    "load-taxonomy",
    "json_path",
    load_taxonomy,
    "subcategories",
    "Replace or extend the service taxonomy from a JSON file of the default's shape.",
)
