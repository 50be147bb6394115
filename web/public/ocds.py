"""The notice board as an Open Contracting (OCDS 1.1.5) release package. A listed need is one
contracting process (one ocid) told as the releases of its life, each tagged with its stage:

- `planning` — the reviewer approved the need: its budget and where the money comes from;
- `tender` — the need was listed (公示): the service purchase as announced;
- `award` — the organizations the office confirmed (awards `pending` while on notice);
- `contract` — the need was matched: awards in force, one contract per confirmed organization;
- `implementation` / `contractTermination` — the need was closed: contracts ended, each
  published acceptance result (Art. 27) as the contract's delivery milestone.

Only public needs (catalog.visibility.is_public, the notice query) and only the organizations
a person confirmed are published. A release id names its stage and the date its content last
changed, so a release once published never changes under the same id.

An ocid prefix is registered with the Open Contracting Partnership per publisher: it is the
setting OCDS_OCID_PREFIX (HUB_OCDS_OCID_PREFIX); the production server refuses to start with
the placeholder default (web.config.deployment_problems). Validated in tests/web/test_ocds.py
with the official data-review library (libcoveocds) against the released 1.1.5 schemas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app

from catalog.models import Need, NeedStatus
from web.public import ocds_parts as parts
from web.public.notice import NoticeEntry

PUBLISHER = "珠海市社区服务供需对接平台"
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _latest(*values: dt.datetime | None) -> dt.datetime | None:
    present = [_utc(v) for v in values if v is not None]
    return max(present) if present else None


@dataclass(frozen=True)
class Process:
    """One need's contracting process, as the stage builders below need it."""

    entry: NoticeEntry
    ocid: str
    notice_url: str

    @property
    def need(self) -> Need:
        return self.entry.need

    def release(self, tags: list[str], date: dt.datetime | None, **sections: Any) -> dict:
        stamp = parts.iso(date)
        return {
            "ocid": self.ocid,
            "id": f"{self.need.id}-{tags[-1]}-{stamp}",
            "date": stamp,
            "tag": tags,
            "initiationType": "tender",
            "language": "zh",
            "buyer": parts.buyer_ref(self.need),
            **sections,
        }


def _planning(p: Process) -> dict:
    need = p.need
    budget = {
        "description": need.funding,
        "amount": {"amount": need.budget_yuan, "currency": parts.CURRENCY},
    }
    return p.release(
        ["planning"],
        need.decided_at or need.listed_at,
        parties=[parts.buyer_party(need)],
        planning={"budget": budget},  # the rationale is the tender's description
    )


def _tender(p: Process) -> dict:
    return p.release(
        ["tender"],
        p.need.listed_at,
        parties=[parts.buyer_party(p.need)],
        tender=parts.tender(p.need, p.notice_url),
    )


def _award_date(p: Process) -> dt.datetime | None:
    """Listing or the last confirmation after it, whichever is later."""
    return _latest(p.need.listed_at, *(s.decided_at for s in p.entry.confirmed))


def _award(p: Process) -> dict:
    confirmed = p.entry.confirmed
    return p.release(
        ["award"],
        _award_date(p),
        parties=[parts.buyer_party(p.need)] + [parts.supplier_party(s) for s in confirmed],
        awards=[parts.award(p.need, s, "pending") for s in confirmed],
    )


def _contract(p: Process, date: dt.datetime | None) -> dict:
    """Matched: the tender is complete, the awards are in force and each has a contract."""
    need, confirmed = p.need, p.entry.confirmed
    return p.release(
        ["tenderUpdate", "awardUpdate", "contract"],
        date,
        tender={"id": need.id, "status": "complete"},
        awards=[parts.award(need, s, "active") for s in confirmed],
        contracts=[parts.contract(need, s, "active") for s in confirmed],
    )


def _closing(p: Process) -> dict:
    """Closed: every contract ended; published acceptance results are its milestones."""
    need = p.need
    contracts = []
    for s in p.entry.confirmed:
        item = parts.contract(need, s, "terminated")
        result = p.entry.outcomes.get(s.org_id)
        if result is not None:
            item["implementation"] = {"milestones": [parts.acceptance_milestone(result)]}
        contracts.append(item)
    tags = ["implementation"] if p.entry.outcomes else []
    return p.release(
        [*tags, "contractTermination"], need.closed_at or need.updated_at, contracts=contracts
    )


def _cancellation(p: Process) -> dict:
    """Withdrawn while on notice: the tender and any pending awards are cancelled."""
    need, confirmed = p.need, p.entry.confirmed
    sections: dict[str, Any] = {"tender": {"id": need.id, "status": "cancelled"}}
    tags = ["tenderCancellation"]
    if confirmed:
        sections["awards"] = [parts.award(need, s, "cancelled") for s in confirmed]
        tags.append("awardCancellation")
    return p.release(tags, need.closed_at or need.updated_at, **sections)


def releases(
    entry: NoticeEntry, base_url: str, prefix: str, withdrawn: bool = False
) -> list[dict[str, Any]]:
    """The releases of one listed need, oldest stage first. `withdrawn`: closed from the
    notice without being matched (catalog.lifecycle's withdraw), so nothing was contracted."""
    need = entry.need
    p = Process(entry, f"{prefix}-{need.id}", f"{base_url.rstrip('/')}/notice/{need.id}")
    out = [_planning(p), _tender(p)]
    if entry.confirmed:
        out.append(_award(p))
    if withdrawn:
        return [*out, _cancellation(p)]
    if not entry.confirmed:
        return out
    if need.status in (NeedStatus.MATCHED, NeedStatus.CLOSED):
        # No timestamp marks "matched" itself: a closed need was matched by its closing at the
        # latest; a matched one by its last change.
        taken_on = need.closed_at if need.status == NeedStatus.CLOSED else need.updated_at
        out.append(_contract(p, _latest(taken_on, _award_date(p))))
    if need.status == NeedStatus.CLOSED:
        out.append(_closing(p))
    return out


def release_package(
    entries: list[NoticeEntry], uri: str, base_url: str, withdrawn: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The package of the given notice entries; `withdrawn` holds the ids of needs withdrawn
    while listed (see `releases`)."""
    prefix = current_app.config["OCDS_OCID_PREFIX"]
    items = [r for e in entries for r in releases(e, base_url, prefix, e.need.id in withdrawn)]
    published = max((r["date"] for r in items), default=parts.iso(None))
    return {
        "uri": uri,
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": PUBLISHER},
        "license": LICENSE,
        "publicationPolicy": f"{base_url.rstrip('/')}/",
        "releases": items,
    }
