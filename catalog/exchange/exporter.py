"""Export of the catalog in the exchange format, so another platform (or this one, later) can
re-import it to identical records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from catalog.exchange.importer import NEEDS_FILE, ORGS_FILE
from catalog.exchange.jsonl import write_jsonl
from catalog.exchange.records import need_record, org_record
from catalog.models import Need, Organization


def organization_records(session: Session, history: bool = True) -> list[dict]:
    """Every organization as an exchange record, ordered by id (stable diffs between exports)."""
    q = select(Organization).order_by(Organization.id)
    if history:
        q = q.options(
            selectinload(Organization.credit_events), selectinload(Organization.performance)
        )
    return [org_record(o, history=history) for o in session.scalars(q)]


def need_records(session: Session) -> list[dict]:
    return [need_record(n) for n in session.scalars(select(Need).order_by(Need.id))]


def export_directory(session: Session, path: str | Path) -> dict[str, int]:
    """Write organizations.jsonl and needs.jsonl into `path` (created if missing). Needs carry
    their status, so a re-import restores the lifecycle state instead of resetting it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return {
        "organizations": write_jsonl(path / ORGS_FILE, organization_records(session)),
        "needs": write_jsonl(path / NEEDS_FILE, need_records(session)),
    }
