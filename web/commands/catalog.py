"""`flask --app web catalog import PATH` and `catalog export PATH`: thin wrappers over
catalog.exchange. A refused import prints every bad row and exits non-zero."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from catalog.actors import Actor
from catalog.errors import Conflict
from catalog.exchange import (
    ImportRefused,
    export_directory,
    export_organizations_table,
    import_path,
)
from catalog.exchange.hsds_tabular import export_hsds
from web.platform.database import get_db

catalog_cli = AppGroup("catalog", help="Import and export organizations and needs.")

TABLE_SUFFIXES = (".csv", ".xlsx")


@catalog_cli.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--actor", default="cli-import", show_default=True, help="Name in the audit log.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
def import_cmd(source: Path, actor: str, progress: bool | None) -> None:
    """Import an exchange-format directory (organizations.jsonl, needs.jsonl), one of those
    files, or a .csv/.xlsx register of organizations. All or nothing; imports take turns."""
    try:
        with get_db().session() as session:
            report = import_path(session, source, Actor.system(actor), progress=progress)
    except ImportRefused as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    except Conflict as exc:  # a concurrent writer got there first; the one line says so
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    for warning in report.warnings:
        click.echo(warning, err=True)
    click.echo(report.summary())


@catalog_cli.command("export")
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["exchange", "hsds"]),
    default="exchange",
    show_default=True,
    help="hsds: the public directory as HSDS 3.0 CSV files and datapackage.json.",
)
def export_cmd(target: Path, fmt: str) -> None:
    """Export to a directory in the exchange format, or organizations to a .csv/.xlsx file;
    with --format hsds, the public directory as HSDS 3.0 tabular data."""
    with get_db().session() as session:
        if fmt == "hsds":
            rows = export_hsds(session, target)
            click.echo(f"已导出HSDS表格数据 / exported HSDS tabular data to {target}: {rows}")
            return
        if target.suffix.lower() in TABLE_SUFFIXES:
            n = export_organizations_table(session, target)
            click.echo(f"已导出{n}个社会组织 / exported {n} organizations to {target}")
            return
        counts = export_directory(session, target)
    click.echo(
        f"已导出{counts['organizations']}个社会组织、{counts['needs']}项需求 / exported "
        f"{counts['organizations']} organizations and {counts['needs']} needs to {target}"
    )
