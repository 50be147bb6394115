"""Bulk import of organizations and needs: every row is validated before anything is written, so a
file with any bad row changes nothing and the refusal lists every bad row at once. Rows are
upserted by id (organizations also by credit code), which makes re-importing the same file
harmless. The import is an administrator's act and is recorded in the audit log."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from catalog.actors import Actor
from catalog.audit import now, record
from catalog.commands import needs as need_commands
from catalog.commands import organizations as org_commands
from catalog.exchange.concurrency import collision_is_a_conflict, take_turn
from catalog.exchange.errors import ImportRefused, RowError
from catalog.exchange.import_checks import check_needs, check_orgs
from catalog.exchange.import_report import ImportReport
from catalog.exchange.jsonl import Row, read_jsonl
from catalog.exchange.record_writes import apply_need
from catalog.exchange.records import differs, need_record
from catalog.models import Need, Organization, Region
from catalog.opportunities import sync_needs
from catalog.reference import Reference
from catalog.reference_data import load_defaults

ORGS_FILE = "organizations.jsonl"
NEEDS_FILE = "needs.jsonl"
TABLE_SUFFIXES = (".csv", ".xlsx")
PROGRESS_MIN_ROWS = 500  # below this a bar is noise
_IN_CHUNK = 500

M = TypeVar("M", Organization, Need)


def _file_error(name: str, zh: str, en: str) -> ImportRefused:
    return ImportRefused([RowError(name, 0, "file", zh, en)])


def import_path(
    session: Session, path: str | Path, actor: Actor | None = None, progress: bool | None = None
) -> ImportReport:
    """Import a directory in the exchange format, one of its .jsonl files, or a .csv/.xlsx table
    of organizations, deciding by what the path is."""
    path = Path(path)
    if path.is_dir():
        return import_directory(session, path, actor, progress=progress)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        from catalog.exchange.spreadsheet import import_organizations_table

        return import_organizations_table(session, path, actor, progress=progress)
    if suffix == ".jsonl" and path.stem.startswith(("organizations", "needs")):
        rows, errors = read_jsonl(path)
        is_orgs = path.stem.startswith("organizations")
        return import_rows(
            session,
            actor,
            source=str(path),
            org_rows=rows if is_orgs else [],
            need_rows=[] if is_orgs else rows,
            errors=errors,
            progress=progress,
        )
    if suffix == ".xls":
        raise _file_error(
            path.name, "不支持旧版.xls，请另存为.xlsx", "old .xls is not supported, save as .xlsx"
        )
    raise _file_error(
        path.name,
        "不支持的文件：应为目录、organizations.jsonl、needs.jsonl、.csv或.xlsx",
        "unsupported file: expected a directory, organizations.jsonl, needs.jsonl, .csv or .xlsx",
    )


def import_directory(
    session: Session, path: str | Path, actor: Actor | None = None, progress: bool | None = None
) -> ImportReport:
    """Import organizations.jsonl and needs.jsonl of an exchange-format folder as one unit:
    both files are checked before either is written. qrels.tsv / labels.jsonl are ignored."""
    path = Path(path)
    if not path.is_dir():
        raise _file_error(path.name, "目录不存在", "no such directory")
    orgs_path, needs_path = path / ORGS_FILE, path / NEEDS_FILE
    if not orgs_path.exists() and not needs_path.exists():
        raise _file_error(
            path.name,
            f"目录中没有{ORGS_FILE}或{NEEDS_FILE}",
            f"directory has no {ORGS_FILE} or {NEEDS_FILE}",
        )
    org_rows, errors = read_jsonl(orgs_path) if orgs_path.exists() else ([], [])
    need_rows, need_errors = read_jsonl(needs_path) if needs_path.exists() else ([], [])
    return import_rows(
        session,
        actor,
        source=str(path),
        org_rows=org_rows,
        need_rows=need_rows,
        errors=errors + need_errors,
        progress=progress,
    )


# The name the matcher's evaluation adapter looks for.
import_dir = import_directory


@collision_is_a_conflict
def import_rows(
    session: Session,
    actor: Actor | None,
    *,
    source: str,
    org_rows: Sequence[Row],
    need_rows: Sequence[Row],
    errors: Iterable[RowError] = (),
    warnings: Iterable[str] = (),
    progress: bool | None = None,
    derive_org_ids: bool = False,
) -> ImportReport:
    """Validate every row, then (only if all are good) upsert them inside a savepoint and record
    one audit event. `derive_org_ids` lets table imports omit 编号: the id then comes from the
    organization already holding the credit code, or is `org-<credit code>`."""
    actor = actor or Actor.system("import")
    take_turn(session)
    if not session.scalar(select(func.count()).select_from(Region)):
        load_defaults(session)  # a brand-new database: regions and taxonomy first
    ref = Reference.load(session)
    problems = list(errors)
    org_plan = check_orgs(session, ref, org_rows, problems, derive_org_ids)
    need_plan = check_needs(ref, need_rows, problems)
    if problems:
        order = {
            name: i for i, name in enumerate(dict.fromkeys(r.file for r in [*org_rows, *need_rows]))
        }
        problems.sort(key=lambda e: (order.get(e.file, -1), e.line))
        raise ImportRefused(problems)

    report = ImportReport(source=source, warnings=list(warnings))
    total = len(org_plan) + len(need_plan)
    enabled = (
        progress if progress is not None else (sys.stderr.isatty() and total >= PROGRESS_MIN_ROWS)
    )
    with (
        session.begin_nested(),
        tqdm(total=total, disable=not enabled, file=sys.stderr, unit="row", desc="import") as bar,
    ):
        _write_orgs(session, org_plan, report, bar)
        _write_needs(session, need_plan, report, bar)
        sync_needs(session, [r["id"] for r in need_plan])
        record(
            session,
            actor,
            "catalog.import",
            "import",
            Path(source).name[:64] or "import",
            source=source,
            organizations=vars(report.organizations).copy(),
            needs=vars(report.needs).copy(),
            prohibited_flagged=report.prohibited_flagged,
        )
        session.flush()
    return report


def _load(session: Session, model: type[M], ids: list[str]) -> dict[str, M]:
    found: dict[str, M] = {}
    for i in range(0, len(ids), _IN_CHUNK):
        chunk = ids[i : i + _IN_CHUNK]
        found.update((x.id, x) for x in session.scalars(select(model).where(model.id.in_(chunk))))
    return found


def _write_orgs(
    session: Session, plan: list[dict[str, Any]], report: ImportReport, bar: tqdm
) -> None:
    existing = _load(session, Organization, [r["id"] for r in plan])
    for rec in plan:
        org = existing.get(rec["id"])
        # The versioning rule of every profile write (catalog.commands.organizations).
        changed = org_commands.write_profile(session, org or Organization(id=rec["id"]), rec)
        if org is None:
            report.organizations.created += 1
        elif changed:
            report.organizations.updated += 1
        else:
            report.organizations.unchanged += 1
        bar.update()
    session.flush()


def _write_needs(
    session: Session, plan: list[dict[str, Any]], report: ImportReport, bar: tqdm
) -> None:
    existing = _load(session, Need, [r["id"] for r in plan])
    stamp = now()
    for rec in plan:
        need = existing.get(rec["id"])
        if need is None:
            need = Need(id=rec["id"])
            apply_need(need, rec, stamp)
            session.add(need)
            report.needs.created += 1
        elif differs(need_record(need), rec):
            apply_need(need, rec, stamp)
            report.needs.updated += 1
        else:
            report.needs.unchanged += 1
            bar.update()
            continue
        # The screening of every need write; no category suggestion (catalog has no matcher):
        # needs the file leaves uncategorized are classified when they are matched.
        need_commands.screen(need, set(), None)
        report.prohibited_flagged += bool(need.prohibited)
        bar.update()
    session.flush()
