"""The pieces of an OCDS 1.1.5 release for one listed need: the buyer and supplier parties,
the tender, the awards and the contracts. Each function returns only fields of the released
1.1.5 schema (web/schemas/ocds), never an empty value (the official data-review tool flags
those), and codes from the 1.1.5 codelists or documented open-list values (docs/ocds.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalog.models import Need, PerformanceRecord, Suggestion
from catalog.outcomes import FAILED_GRADE

CURRENCY = "CNY"
DAYS_PER_MONTH = 30
# The item classification scheme: the service taxonomy of the 2021 Zhuhai measures, Art. 8.
# itemClassificationScheme is an open codelist; this value is documented in docs/ocds.md.
CATEGORY_SCHEME = "ZHUHAI-GOV-PURCHASE-ART8"
DOCUMENTED_OPEN_CODES = {"itemClassificationScheme": (CATEGORY_SCHEME,)}


def iso(value: dt.datetime | None) -> str:
    """An OCDS date-time: RFC 3339 in UTC (a naive database value is taken as UTC)."""
    value = value or dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def buyer_ref(need: Need) -> dict[str, str]:
    """The street office or town government that buys the service (OrganizationReference)."""
    return {"id": f"CN-STREET-{need.street_code}", "name": need.posted_by}


def buyer_party(need: Need) -> dict[str, Any]:
    street = need.street
    district = street.parent if street is not None else None
    address = {"locality": street.name if street is not None else need.street_code}
    if district is not None:
        address["region"] = district.name
    address["countryName"] = "中国"
    return {**buyer_ref(need), "roles": ["buyer", "procuringEntity"], "address": address}


def supplier_id(suggestion: Suggestion) -> str:
    return f"CN-USCC-{suggestion.organization.credit_code}"


def supplier_party(suggestion: Suggestion) -> dict[str, Any]:
    """A confirmed organization, identified by its unified social credit code."""
    org = suggestion.organization
    return {
        "id": supplier_id(suggestion),
        "name": org.name,
        "identifier": {"scheme": "CN-USCC", "id": org.credit_code, "legalName": org.name},
        "roles": ["supplier"],
    }


def _item(need: Need) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "1",
        "description": need.beneficiaries,
        "quantity": need.beneficiary_count,
    }
    if need.category_name:
        item["classification"] = {
            "scheme": CATEGORY_SCHEME,
            "id": need.category_name,
            "description": need.category_name,
        }
    return item


def tender(need: Need, notice_url: str) -> dict[str, Any]:
    """The purchase as announced when the need was listed (公示). The announcement's date is
    the notice document's `datePublished` (1.1.5 has no tender-level publication date)."""
    return {
        "id": need.id,
        "title": need.title,
        "description": need.description,
        "status": "active",
        "procuringEntity": buyer_ref(need),
        "mainProcurementCategory": "services",
        "value": {"amount": need.budget_yuan, "currency": CURRENCY},
        "contractPeriod": {"durationInDays": need.months * DAYS_PER_MONTH},
        "items": [_item(need)],
        "documents": [
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": need.title,
                "url": notice_url,
                "datePublished": iso(need.listed_at),
                "language": "zh",
            }
        ],
    }


def award_id(need: Need, suggestion: Suggestion) -> str:
    return f"{need.id}-{suggestion.id}"


def award(need: Need, suggestion: Suggestion, status: str) -> dict[str, Any]:
    """A confirmed organization: `pending` while on public notice, `active` once taken on."""
    return {
        "id": award_id(need, suggestion),
        "title": need.title,
        "status": status,
        "date": iso(suggestion.decided_at),
        "suppliers": [{"id": supplier_id(suggestion), "name": suggestion.organization.name}],
    }


def contract(need: Need, suggestion: Suggestion, status: str) -> dict[str, Any]:
    ident = award_id(need, suggestion)
    return {"id": f"{ident}-contract", "awardID": ident, "title": need.title, "status": status}


def acceptance_milestone(result: PerformanceRecord) -> dict[str, Any]:
    """A published acceptance result (Art. 27) as the contract's delivery milestone: grade and
    satisfaction in the description, never the office's note (it may name people)."""
    accepted = f"{result.period_end.isoformat()}T00:00:00+08:00"
    passed = result.evaluation != FAILED_GRADE
    return {
        "id": "acceptance",
        "title": "验收评价",
        "type": "delivery",
        "status": "met" if passed else "notMet",
        **({"dateMet": accepted} if passed else {"dateModified": accepted}),
        "description": "；".join(
            ([f"验收评价：{result.evaluation}"] if result.evaluation else [])
            + [f"服务对象满意度：{result.satisfaction:g}/100"]
        ),
    }
