"""Exchange records onto catalog rows (the import side of catalog.exchange.records): an
organization's profile with its categories, areas, contact data and history, and a need with
the state the file gives. Callers validate and normalize first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from catalog.commands.needs import write_fields
from catalog.contact import CONTACT_KEYS
from catalog.exchange.records import IMPORTED_NEED_STATUS, ORG_COLUMNS
from catalog.models import (
    CreditEvent,
    Need,
    NeedStatus,
    Organization,
    OrgArea,
    PerformanceRecord,
    org_categories,
)


def set_org_categories(session: Session, org: Organization, names: list[str]) -> None:
    """Write categories with their position: the ORM relationship alone would store position 0
    for all, and the order an organization lists its services in would not round-trip."""
    session.flush()
    session.execute(delete(org_categories).where(org_categories.c.org_id == org.id))
    if names:
        session.execute(
            insert(org_categories),
            [{"org_id": org.id, "category_name": n, "position": i} for i, n in enumerate(names)],
        )
    session.expire(org, ["categories"])


def apply_org(session: Session, org: Organization, rec: Mapping[str, Any]) -> None:
    """Write the record onto the organization; contact keys and history only when it has them
    (catalog.exchange.records.normalize_org leaves out what a file did not give)."""
    for key in ORG_COLUMNS:
        setattr(org, key, rec[key])
    for key in CONTACT_KEYS:
        if key in rec:
            setattr(org, key, rec[key])
    existing = {a.region_code: a for a in org.areas}
    wanted = list(rec["service_areas"])
    for position, code in enumerate(wanted):
        area = existing.get(code)
        if area is None:
            org.areas.append(OrgArea(region_code=code, position=position))
        else:
            area.position = position
    for code, area in existing.items():
        if code not in wanted:
            org.areas.remove(area)
    if "credit_events" in rec:
        org.credit_events = [
            CreditEvent(
                date=dt.date.fromisoformat(e["date"]),
                kind=e["kind"],
                source=e["source"],
                note=e.get("note"),
            )
            for e in rec["credit_events"]
        ]
    if "performance" in rec:
        org.performance = [
            PerformanceRecord(
                project=p["project"],
                period_end=dt.date.fromisoformat(p["period_end"]),
                satisfaction=float(p["satisfaction"]),
                evaluation=p.get("evaluation"),
                need_id=p.get("need_id"),
                note=p.get("note"),
            )
            for p in rec["performance"]
        ]
    set_org_categories(session, org, list(rec["categories"]))


def apply_need(need: Need, rec: Mapping[str, Any], stamp: dt.datetime) -> None:
    """An imported record onto the need: its own fields as every need write sets them (the
    record's id and signature kept), then the state the file gives and the stamps it implies."""
    need.id = rec["id"]
    write_fields(need, rec)
    if "status" in rec:
        need.status = NeedStatus(rec["status"])
    elif need.status is None:
        need.status = IMPORTED_NEED_STATUS
    if "category" in rec:
        need.category_name = rec["category"]
        need.category_source = "import"
        need.category_confidence = None
    if "return_reason" in rec:
        need.return_reason = rec["return_reason"]
    # Stamps implied by the state, so lists ordered by them (e.g. public notices) stay sane.
    status = NeedStatus(need.status)
    if status != NeedStatus.DRAFT and need.submitted_at is None:
        need.submitted_at = stamp
    if status not in (NeedStatus.DRAFT, NeedStatus.SUBMITTED) and need.decided_at is None:
        need.decided_at = stamp
    was_listed = status in (NeedStatus.LISTED, NeedStatus.MATCHED) or rec.get("listed") is True
    if was_listed and need.listed_at is None:
        need.listed_at = stamp
    if status == NeedStatus.CLOSED and need.closed_at is None:
        need.closed_at = stamp
