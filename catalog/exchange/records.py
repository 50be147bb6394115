"""Exchange-format records ⇄ catalog rows. One place decides what a record looks like, so export
and import agree key for key and an export re-imports to identical records: the keys, the
record of a stored row (export side) and the canonical shape of an incoming one (import side).
What an incoming record may hold beyond the validation of catalog.validation is
catalog.exchange.record_checks; writing it onto rows is catalog.exchange.record_writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.contact import CONTACT_KEYS, clean_contact
from catalog.models import CreditEvent, Need, NeedStatus, Organization, PerformanceRecord

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
# The keys stored as the organization's own columns (categories and areas are rows of their own).
ORG_COLUMNS = tuple(k for k in ORG_KEYS if k not in ("id", "categories", "service_areas"))
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
    """The exchange record of an organization: the FORMAT keys, then the contact data and the
    credit events and performance it has (a file from before they existed exports as it was)."""
    lists = {"id": org.id, "categories": org.category_names, "service_areas": org.area_codes}
    rec: dict[str, Any] = {k: lists[k] if k in lists else getattr(org, k) for k in ORG_KEYS}
    rec["lang"] = org.lang or DEFAULT_LANG
    rec.update((key, getattr(org, key)) for key in CONTACT_KEYS if getattr(org, key))
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


# ---------------------------------------------------------------- records → canonical shape


def normalize_org(data: Mapping[str, Any]) -> dict[str, Any]:
    """A validated org row in canonical shape: every FORMAT key; contact keys and history only
    when given, so a file from before they existed leaves what the platform holds alone (a
    contact key given as null clears it)."""
    rec = {key: data.get(key) for key in ORG_KEYS}
    rec["lang"] = rec["lang"] or DEFAULT_LANG
    for key in CONTACT_KEYS:
        if key in data:
            rec[key] = clean_contact(key, data[key])
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
