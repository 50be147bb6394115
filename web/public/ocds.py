"""The notice board as an Open Contracting (OCDS 1.1.5) release package: one release per
listed need (the buyer is the street office, the tender is the service purchase, an award per
confirmed organization, and for a closed need a contract per published acceptance result, the
result as its implementation milestone). Validated against the official schema in tests/web/test_ocds.py.

An ocid prefix is registered with the Open Contracting Partnership per publisher: it is the
setting OCDS_OCID_PREFIX (HUB_OCDS_OCID_PREFIX), whose default says plainly that it is a
placeholder until the platform's operator has registered one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app

from catalog.models import Need, PerformanceRecord
from catalog.outcomes import FAILED_GRADE
from web.public.notice import NoticeEntry

PUBLISHER = "珠海市社区服务供需对接平台"
TENDER_STATUS = {"listed": "active", "matched": "complete", "closed": "complete"}
CATEGORY_SCHEME = "ZHUHAI-GOV-PURCHASE-ART8"  # the taxonomy of the 2021 Zhuhai measures, Art. 8


def _iso(value: dt.datetime | None) -> str:
    value = value or dt.datetime.now(dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _buyer(need: Need) -> dict[str, Any]:
    return {"id": f"CN-STREET-{need.street_code}", "name": need.posted_by}


def release(entry: NoticeEntry, base_url: str) -> dict[str, Any]:
    need = entry.need
    street = need.street
    district = street.parent if street is not None else None
    buyer = _buyer(need)
    parties: list[dict[str, Any]] = [
        {
            **buyer,
            "roles": ["buyer", "procuringEntity"],
            "address": {
                "locality": street.name if street is not None else need.street_code,
                "region": district.name if district is not None else "",
                "countryName": "中国",
            },
        }
    ]
    awards = []
    contracts = []
    for s in entry.confirmed:
        org = s.organization
        party_id = f"CN-USCC-{org.credit_code}"
        parties.append(
            {
                "id": party_id,
                "name": org.name,
                "identifier": {"scheme": "CN-USCC", "id": org.credit_code, "legalName": org.name},
                "roles": ["supplier"],
            }
        )
        awards.append(
            {
                "id": f"{need.id}-{s.id}",
                "title": need.title,
                "status": "active" if need.status in ("matched", "closed") else "pending",
                "date": _iso(s.decided_at),
                "suppliers": [{"id": party_id, "name": org.name}],
            }
        )
        result = entry.outcomes.get(s.org_id)
        if result is not None:
            contracts.append(_contract(need, awards[-1]["id"], result))
    tender: dict[str, Any] = {
        "id": need.id,
        "title": need.title,
        "description": need.description,
        "status": TENDER_STATUS.get(need.status, "active"),
        "procuringEntity": buyer,
        "mainProcurementCategory": "services",
        "value": {"amount": need.budget_yuan, "currency": "CNY"},
        "datePublished": _iso(need.listed_at),
        "contractPeriod": {"durationInDays": need.months * 30},
        "items": [
            {
                "id": "1",
                "description": need.beneficiaries,
                "quantity": need.beneficiary_count,
                **(
                    {
                        "classification": {
                            "scheme": CATEGORY_SCHEME,
                            "id": need.category_name,
                            "description": need.category_name,
                        }
                    }
                    if need.category_name
                    else {}
                ),
            }
        ],
        "documents": [
            {
                "id": "notice",
                "documentType": "tenderNotice",
                "title": need.title,
                "url": f"{base_url.rstrip('/')}/notice/{need.id}",
                "language": "zh",
            }
        ],
    }
    stamp = need.closed_at or max(
        [need.listed_at or need.updated_at]
        + [s.decided_at for s in entry.confirmed if s.decided_at],
        key=lambda d: d.replace(tzinfo=d.tzinfo or dt.UTC),
    )
    tags = (
        ["tender"]
        + (["award"] if awards else [])
        + (["contract", "implementation"] if contracts else [])
    )
    out: dict[str, Any] = {
        "ocid": f"{current_app.config['OCDS_OCID_PREFIX']}-{need.id}",
        "id": f"{need.id}-{_iso(stamp)}",
        "date": _iso(stamp),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "parties": parties,
        "buyer": buyer,
        "tender": tender,
    }
    if awards:
        out["awards"] = awards
    if contracts:
        out["contracts"] = contracts
    return out


def _contract(need: Need, award_id: str, result: PerformanceRecord) -> dict[str, Any]:
    """A closed need's published acceptance result (Art. 27) as the contract's implementation
    milestone: grade and satisfaction in the description, no note (it may name people)."""
    accepted = f"{result.period_end.isoformat()}T00:00:00+08:00"
    passed = result.evaluation != FAILED_GRADE
    return {
        "id": f"{award_id}-contract",
        "awardID": award_id,
        "title": need.title,
        "status": "terminated",
        "implementation": {
            "milestones": [
                {
                    "id": "acceptance",
                    "title": "验收评价",
                    "type": "delivery",
                    "status": "met" if passed else "notMet",
                    **({"dateMet": accepted} if passed else {"dateModified": accepted}),
                    "description": f"验收评价：{result.evaluation}；服务对象满意度：{result.satisfaction:g}/100",
                }
            ]
        },
    }


def release_package(entries: list[NoticeEntry], uri: str, base_url: str) -> dict[str, Any]:
    releases = [release(e, base_url) for e in entries]
    published = max((r["date"] for r in releases), default=_iso(None))
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": PUBLISHER},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "publicationPolicy": f"{base_url.rstrip('/')}/",
        "releases": releases,
    }
