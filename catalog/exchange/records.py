"""Exchange-format records ⇄ catalog rows. One place decides what a record looks like, so export
and import agree key for key and an export re-imports to identical records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from catalog.commands.needs import write_fields
from catalog.errors import FieldError
from catalog.models import (
    CreditEvent,
    Need,
    NeedStatus,
    Organization,
    OrgArea,
    PerformanceRecord,
    org_categories,
)

# Key order of FORMAT.md ("hub exchange" v1); extras follow.
ORG_KEYS = (
    "id",
    "name",
    "credit_code",
    "org_type",
    "categories",
    "description",
    "service_areas",
    "capacity",
    "staff",
    "social_workers",
    "founded",
    "rating",
    "lang",
)
ORG_HISTORY_KEYS = ("credit_events", "performance")
NEED_KEYS = (
    "id",
    "title",
    "description",
    "street",
    "posted_by",
    "beneficiaries",
    "beneficiary_count",
    "budget_yuan",
    "months",
    "funding",
    "lang",
)
# `listed`: the need was publicly listed (公示) once. Implied by `listed` and `matched`; a
# `closed` need without it was withdrawn before listing and stays private.
# Statuses a need has before it can ever have been listed.
PRE_LISTING = (NeedStatus.DRAFT, NeedStatus.SUBMITTED, NeedStatus.APPROVED, NeedStatus.RETURNED)
NEED_EXTRA_KEYS = ("status", "category", "return_reason", "listed")

CREDIT_KINDS = ("commendation", "inspection_pass", "warning", "penalty", "blacklist", "other")
EVALUATIONS = ("优秀", "良好", "合格", "不合格")
DEFAULT_LANG = "zh-Hans"
IMPORTED_NEED_STATUS = NeedStatus.APPROVED


# ---------------------------------------------------------------- rows → records (export side)


def credit_event_record(e: CreditEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"date": e.date.isoformat(), "kind": e.kind, "source": e.source}
    if e.note:
        out["note"] = e.note
    return out


def performance_record(p: PerformanceRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "project": p.project,
        "period_end": p.period_end.isoformat(),
        "satisfaction": float(p.satisfaction),
    }
    for key in ("evaluation", "need_id", "note"):
        if getattr(p, key):
            out[key] = getattr(p, key)
    return out


def org_record(org: Organization, history: bool = True) -> dict[str, Any]:
    """The exchange record of an organization; credit events and performance only when present."""
    rec: dict[str, Any] = {
        "id": org.id,
        "name": org.name,
        "credit_code": org.credit_code,
        "org_type": org.org_type,
        "categories": org.category_names,
        "description": org.description,
        "service_areas": org.area_codes,
        "capacity": org.capacity,
        "staff": org.staff,
        "social_workers": org.social_workers,
        "founded": org.founded,
        "rating": org.rating,
        "lang": org.lang or DEFAULT_LANG,
    }
    if history:
        if org.credit_events:
            rec["credit_events"] = [credit_event_record(e) for e in org.credit_events]
        if org.performance:
            rec["performance"] = [performance_record(p) for p in org.performance]
    return rec


def need_record(need: Need) -> dict[str, Any]:
    """The exchange record of a need, plus its status (and category / return reason when set)."""
    rec: dict[str, Any] = {
        "id": need.id,
        "title": need.title,
        "description": need.description,
        "street": need.street_code,
        "posted_by": need.posted_by,
        "beneficiaries": need.beneficiaries,
        "beneficiary_count": need.beneficiary_count,
        "budget_yuan": need.budget_yuan,
        "months": need.months,
        "funding": need.funding,
        "lang": need.lang or DEFAULT_LANG,
        "status": str(need.status),
    }
    if need.category_name:
        rec["category"] = need.category_name
    if need.return_reason:
        rec["return_reason"] = need.return_reason
    if need.is_public:
        rec["listed"] = True
    return rec


# ---------------------------------------------------------------- validation of the extras


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def validate_history(data: Mapping[str, Any]) -> list[FieldError]:
    """Problems in the optional `credit_events` and `performance` arrays of an organization."""
    errors: list[FieldError] = []

    def err(field: str, zh: str, en: str) -> None:
        errors.append(FieldError(field, zh, en))

    def text(item: Mapping[str, Any], field: str, where: str, limit: int, required: bool) -> None:
        value = item.get(field)
        if value is None:
            if required:
                err(f"{where}.{field}", "必填项缺失", "is required")
        elif not isinstance(value, str) or not value.strip():
            err(f"{where}.{field}", "必须是非空文本", "must be a non-empty string")
        elif len(value) > limit:
            err(f"{where}.{field}", f"不能超过{limit}个字", f"must be at most {limit} characters")

    for key in ORG_HISTORY_KEYS:
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            err(key, "必须是对象列表", "must be a list of objects")
            continue
        for n, item in enumerate(items):
            where = f"{key}[{n}]"
            date_key = "date" if key == "credit_events" else "period_end"
            if _date(item.get(date_key)) is None:
                err(f"{where}.{date_key}", "日期无效，应为YYYY-MM-DD", "must be a date YYYY-MM-DD")
            if key == "credit_events":
                if item.get("kind") not in CREDIT_KINDS:
                    shown = " | ".join(CREDIT_KINDS)
                    err(f"{where}.kind", f"取值无效，应为：{shown}", f"must be one of: {shown}")
                text(item, "source", where, 120, True)
                text(item, "note", where, 2000, False)
                continue
            text(item, "project", where, 200, True)
            sat = item.get("satisfaction")
            if isinstance(sat, bool) or not isinstance(sat, int | float) or not 0 <= sat <= 100:
                err(
                    f"{where}.satisfaction", "满意度应为0–100的数", "must be a number from 0 to 100"
                )
            if item.get("evaluation") is not None and item["evaluation"] not in EVALUATIONS:
                shown = " | ".join(EVALUATIONS)
                err(f"{where}.evaluation", f"取值无效，应为：{shown}", f"must be one of: {shown}")
            text(item, "need_id", where, 64, False)
            text(item, "note", where, 2000, False)
    return errors


def validate_need_extras(data: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    reason = data.get("return_reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
        errors.append(
            FieldError(
                "return_reason", "应为不超过2000字的文本", "must be text of at most 2000 characters"
            )
        )
    listed = data.get("listed")
    if listed is not None and not isinstance(listed, bool):
        errors.append(FieldError("listed", "应为 true 或 false", "must be true or false"))
    elif listed is False and data.get("status") in (NeedStatus.LISTED, NeedStatus.MATCHED):
        errors.append(
            FieldError(
                "listed",
                "公示中或已对接的需求必然已公示",
                "a listed or matched need has been listed",
            )
        )
    elif listed and data.get("status") in PRE_LISTING:
        errors.append(
            FieldError("listed", "该状态的需求尚未公示", "a need in this status was never listed")
        )
    return errors


# ---------------------------------------------------------------- records → rows (import side)


def normalize_org(data: Mapping[str, Any]) -> dict[str, Any]:
    """A validated org row in canonical shape: every FORMAT key, history only when given."""
    rec = {key: data.get(key) for key in ORG_KEYS}
    rec["lang"] = rec["lang"] or DEFAULT_LANG
    for key in ORG_HISTORY_KEYS:
        if data.get(key) is not None:
            rec[key] = [_canonical_item(key, item) for item in data[key]]
    return rec


def _canonical_item(key: str, item: Mapping[str, Any]) -> dict[str, Any]:
    if key == "credit_events":
        out = {"date": item["date"], "kind": item["kind"], "source": item["source"]}
        if item.get("note"):
            out["note"] = item["note"]
        return out
    out = {
        "project": item["project"],
        "period_end": item["period_end"],
        "satisfaction": float(item["satisfaction"]),
    }
    for k in ("evaluation", "need_id", "note"):
        if item.get(k):
            out[k] = item[k]
    return out


def normalize_need(data: Mapping[str, Any]) -> dict[str, Any]:
    """A validated need row in canonical shape; `status`, `category`, `return_reason` only when
    the file gives them (an absent status keeps the stored one, or `approved` for a new need)."""
    rec = {key: data.get(key) for key in NEED_KEYS}
    rec["lang"] = rec["lang"] or DEFAULT_LANG
    for key in NEED_EXTRA_KEYS:
        if data.get(key) is not None:
            rec[key] = data[key]
    return rec


def differs(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> bool:
    """Whether applying `incoming` would change the stored record (keys absent from it are kept)."""
    return any(current.get(k) != v for k, v in incoming.items())


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
    for key in (
        "name",
        "credit_code",
        "org_type",
        "description",
        "capacity",
        "staff",
        "social_workers",
        "founded",
        "rating",
        "lang",
    ):
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
