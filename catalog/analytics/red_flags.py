"""Integrity red flags for reviewers and planners, after the Open Contracting Partnership's
red-flag indicators, over the facts the platform publishes as OCDS (web/public/ocds.py: the
buyer is the street office, an award is a confirmed organization, the tender is published when
the need is listed, a contract's milestone is the acceptance result) and the decisions behind
them (suggestions, audit events).

Five indicators apply to this kind of purchase (no bids, no prices: see README, "Integrity red
flags", for why the `ocdscardinal` package does not serve here):

- `repeat_award`: one office confirmed the same organization again and again (supplier
  concentration per buyer);
- `single_suggestion`: a need confirmed with a single suggestion, no alternative ever in view
  (OCP R018, single bid);
- `short_notice`: the public notice (公示) lasted less than `notice_min_days` before the need was
  marked matched (OCP R003, short submission period);
- `closed_without_acceptance`: a need closed while a confirmed organization has no acceptance
  result (Art. 26–27; a contract closed without its implementation milestone);
- `fast_decision`: a review or a confirmation took less than a tenth of the platform's median
  for that kind of decision (decision made unusually fast).

A flag is a prompt to look, never a verdict and never a block: nothing here changes a record.
Each names the needs behind it and says in plain words why it was raised."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from catalog.analytics.filters import NeedFilter
from catalog.analytics.red_flag_texts import explain
from catalog.models import AuditEvent, Need, PerformanceRecord, Suggestion

INDICATORS = (
    "repeat_award",
    "single_suggestion",
    "short_notice",
    "closed_without_acceptance",
    "fast_decision",
)


@dataclass(frozen=True)
class Thresholds:
    repeat_min: int = 3  # confirmations of one organization by one office
    repeat_share: float = 0.5  # … and at least this share of the office's confirmations
    notice_min_days: float = 5.0  # 公示 shorter than this many days
    fast_factor: float = 0.1  # faster than this fraction of the median decision
    fast_min_sample: int = 5  # decisions of a kind needed before a median means anything


@dataclass
class RedFlag:
    indicator: str
    need_ids: list[str]
    value: float
    organization_id: str | None = None
    office: str | None = None  # the street office (buyer): its street code
    detail: dict = field(default_factory=dict)  # what the explanation needs (kind, median…)
    explanation: dict | None = None  # {"kind", "zh", "zh_hant", "en"}

    def as_api(self) -> dict:
        """The item of `GET /api/v1/planner/red-flags`; optional keys only when they apply."""
        out: dict = {"indicator": self.indicator, "need_ids": self.need_ids}
        if self.organization_id is not None:
            out["organization_id"] = self.organization_id
        if self.office is not None:
            out["office"] = self.office
        out["value"] = self.value
        out["explanation"] = self.explanation
        return out


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    start, end = _aware(start), _aware(end)
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 3600


def _confirmed(session: Session, flt: NeedFilter) -> list[tuple]:
    return [
        tuple(row)
        for row in session.execute(
            select(Need.id, Need.street_code, Suggestion.org_id)
            .join(Suggestion, Suggestion.need_id == Need.id)
            .where(Suggestion.status == "confirmed", *flt.conditions())
            .order_by(Need.id)
        )
    ]


def repeat_awards(session: Session, flt: NeedFilter, th: Thresholds) -> list[RedFlag]:
    per_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    per_office: dict[str, int] = defaultdict(int)
    for need_id, street, org_id in _confirmed(session, flt):
        per_pair[(street, org_id)].append(need_id)
        per_office[street] += 1
    out = []
    for (street, org_id), needs in sorted(per_pair.items()):
        share = len(needs) / per_office[street]
        if len(needs) >= th.repeat_min and share >= th.repeat_share:
            detail = {"share": share, "total": per_office[street]}
            out.append(RedFlag("repeat_award", needs, len(needs), org_id, street, detail))
    return out


def single_suggestions(session: Session, flt: NeedFilter) -> list[RedFlag]:
    confirmed = func.sum(case((Suggestion.status == "confirmed", 1), else_=0))
    rows = session.execute(
        select(Need.id, Need.street_code, func.min(Suggestion.org_id))
        .join(Suggestion, Suggestion.need_id == Need.id)
        .where(*flt.conditions())
        .group_by(Need.id, Need.street_code)
        .having(func.count(Suggestion.id) == 1, confirmed == 1)
        .order_by(Need.id)
    )
    return [RedFlag("single_suggestion", [n], 1, org, street) for n, street, org in rows]


def _first_event(session: Session, action: str) -> dict[str, dt.datetime]:
    rows = session.execute(
        select(AuditEvent.entity_id, func.min(AuditEvent.at))
        .where(AuditEvent.entity_type == "need", AuditEvent.action == action)
        .group_by(AuditEvent.entity_id)
    )
    return {need_id: at for need_id, at in rows}


def short_notices(session: Session, flt: NeedFilter, th: Thresholds) -> list[RedFlag]:
    matched = _first_event(session, "need.match")
    rows = session.execute(
        select(Need.id, Need.street_code, Need.listed_at)
        .where(Need.listed_at.is_not(None), Need.id.in_(list(matched)), *flt.conditions())
        .order_by(Need.id)
    )
    out = []
    for need_id, street, listed in rows:
        hours = _hours(listed, matched[need_id])
        if hours is not None and hours / 24 < th.notice_min_days:
            days = round(hours / 24, 2)
            out.append(RedFlag("short_notice", [need_id], days, office=street))
    return out


def closed_without_acceptance(session: Session, flt: NeedFilter) -> list[RedFlag]:
    withdrawn = select(AuditEvent.entity_id).where(
        AuditEvent.entity_type == "need", AuditEvent.action == "need.withdraw"
    )
    results = {
        (n, o)
        for n, o in session.execute(select(PerformanceRecord.need_id, PerformanceRecord.org_id))
    }
    rows = session.execute(
        select(Need.id, Need.street_code, Suggestion.org_id)
        .join(Suggestion, Suggestion.need_id == Need.id)
        .where(
            Suggestion.status == "confirmed",
            Need.status == "closed",
            Need.id.not_in(withdrawn),
            *flt.conditions(),
        )
        .order_by(Need.id, Suggestion.org_id)
    )
    missing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for need_id, street, org_id in rows:
        if (need_id, org_id) not in results:
            missing[(need_id, street)].append(org_id)
    return [
        RedFlag(
            "closed_without_acceptance",
            [need_id],
            len(orgs),
            orgs[0] if len(orgs) == 1 else None,
            street,
            {"orgs": orgs},
        )
        for (need_id, street), orgs in sorted(missing.items())
    ]


def _fast(kind: str, rows: list[tuple], flt_ids: set[str], th: Thresholds) -> list[RedFlag]:
    """rows: (need id, street, org id or None, hours) of every decision of one kind."""
    durations = [r[3] for r in rows]
    if len(durations) < th.fast_min_sample:
        return []
    median = statistics.median(durations)
    out = []
    for need_id, street, org_id, hours in rows:
        if need_id in flt_ids and hours < median * th.fast_factor:
            detail = {"kind": kind, "median": median}
            out.append(RedFlag("fast_decision", [need_id], round(hours, 2), org_id, street, detail))
    return out


def fast_decisions(session: Session, flt: NeedFilter, th: Thresholds) -> list[RedFlag]:
    """The median is the whole platform's, whatever the filter, so a district's figure is
    judged against the same yardstick as everyone's."""
    flt_ids = set(session.scalars(select(Need.id).where(*flt.conditions())))
    reviews = [
        (n, s, None, h)
        for n, s, sub, dec in session.execute(
            select(Need.id, Need.street_code, Need.submitted_at, Need.decided_at).order_by(Need.id)
        )
        if (h := _hours(sub, dec)) is not None
    ]
    confirmations = [
        (n, s, o, h)
        for n, s, o, made, dec in session.execute(
            select(
                Suggestion.need_id,
                Need.street_code,
                Suggestion.org_id,
                Suggestion.created_at,
                Suggestion.decided_at,
            )
            .join(Need, Need.id == Suggestion.need_id)
            .where(Suggestion.status == "confirmed")
            .order_by(Suggestion.need_id, Suggestion.org_id)
        )
        if (h := _hours(made, dec)) is not None
    ]
    return _fast("review", reviews, flt_ids, th) + _fast("confirmation", confirmations, flt_ids, th)


def red_flags(
    session: Session,
    flt: NeedFilter | None = None,
    thresholds: Thresholds | None = None,
    names: dict[str, str] | None = None,
) -> list[RedFlag]:
    """Every flag raised on needs matching `flt` (scope included), by indicator, each with its
    explanation. `names`: code or organization id → display name for the sentences."""
    flt, th = flt or NeedFilter(), thresholds or Thresholds()
    flags = (
        repeat_awards(session, flt, th)
        + single_suggestions(session, flt)
        + short_notices(session, flt, th)
        + closed_without_acceptance(session, flt)
        + fast_decisions(session, flt, th)
    )
    for flag in flags:
        flag.explanation = explain(flag, names or {}, th)
    return flags
