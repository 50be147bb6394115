"""A need's timeline: who did what and when, in plain words, built from the audit log.

One function for every page that shows it (the office's and the reviewer's need pages, and the
public page). The entries come from the need's own audit events, the decisions on its
suggestions and its acceptance results. Texts are (Simplified Chinese, English); the web layer
derives Traditional Chinese from the Simplified text, as for notifications.

The public timeline keeps only the steps the public notice already shows (listed, an
organization confirmed, the result notice, closed) and names the institution that acted
(the posting office or civil affairs), never an account, a reason or any other detail
of the audit entry: reasons and payloads stay on the signed-in pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from catalog.models import Account, AuditEvent, Need, Organization, PerformanceRecord, Suggestion

#: audit action → (zh-Hans, English) of what happened; {org} and {reason} from the detail.
TEXTS: dict[str, tuple[str, str]] = {
    "need.create": ("起草了需求", "drafted the need"),
    "need.update": ("修改了需求", "edited the need"),
    "need.submit": ("提交审核", "submitted the need for review"),
    "need.approve": ("审核通过", "approved the need"),
    "need.return": ("退回修改，理由：{reason}", "returned the need for changes: {reason}"),
    "need.categorize": ("确定服务类别为“{category}”", "set the category to “{category}”"),
    "need.list": ("发布征集，公开征集承接组织", "published the call for interest"),
    "need.match": ("标记为已对接，开始结果公示", "marked the need matched; result notice opened"),
    "need.close": ("结束了需求，理由：{reason}", "closed the need: {reason}"),
    "need.withdraw": ("撤回了需求，理由：{reason}", "withdrew the need: {reason}"),
    "need.invite_team": ("邀请了组团建议", "invited a proposed team"),
    "suggestion.confirm": ("确认由{org}承接", "confirmed {org}"),
    "suggestion.reject": ("否决了{org}，理由：{reason}", "rejected {org}: {reason}"),
    "interest.express": ("{org}表达了承接意向", "{org} expressed interest"),
    "interest.withdraw": ("{org}撤回了承接意向", "{org} withdrew its interest"),
    "outcome.record": ("登记了{org}的验收结果", "recorded the acceptance result of {org}"),
    "objection.raise": ("公众在公示期内提出异议", "someone objected during the notice period"),
    "objection.answer": ("答复了一项异议", "answered an objection"),
}
#: The public's words for the same steps (no reasons, nothing private).
PUBLIC_TEXTS: dict[str, tuple[str, str]] = {
    "need.list": ("发布征集，公开征集承接组织", "published the call for interest"),
    "suggestion.confirm": ("确认由{org}承接", "confirmed {org}"),
    "need.match": ("发布结果公示", "published the result notice"),
    "need.close": ("需求结束", "closed the need"),
}
ROLE_NAMES = {
    "office": ("街道（镇）", "Street office"),
    "reviewer": ("民政审核人员", "Civil affairs reviewer"),
    "organization": ("社会组织", "Organization"),
    "admin": ("管理员", "Administrator"),
    "public": ("公众", "The public"),
}
CIVIL_AFFAIRS = ("民政部门", "Civil affairs")


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    who_zh: str
    who_en: str
    zh: str
    en: str
    action: str


def _events(session: Session, need: Need) -> list[AuditEvent]:
    """The need's audit events and those of its suggestions and acceptance results."""
    suggestions = select(Suggestion.id).where(Suggestion.need_id == need.id)
    results = select(PerformanceRecord.id).where(PerformanceRecord.need_id == need.id)
    as_text = [str(i) for i in session.scalars(suggestions)]
    result_ids = [str(i) for i in session.scalars(results)]
    q = select(AuditEvent).where(
        or_(
            and_(AuditEvent.entity_type == "need", AuditEvent.entity_id == need.id),
            and_(AuditEvent.entity_type == "suggestion", AuditEvent.entity_id.in_(as_text)),
            and_(
                AuditEvent.entity_type == "performance_record",
                AuditEvent.entity_id.in_(result_ids),
            ),
        )
    )
    return list(session.scalars(q.order_by(AuditEvent.at, AuditEvent.id)))


def _org_names(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    ids = {e.detail.get("organization") for e in events} - {None}
    rows = session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids))
    )
    return {r.id: r.name for r in rows}


def _who(event: AuditEvent, need: Need, names: dict[str, str], public: bool) -> tuple[str, str]:
    role = event.actor_role or ""
    if public:
        if role == "office":
            return need.posted_by, need.posted_by
        return CIVIL_AFFAIRS if role in ("reviewer", "admin") else ("", "")
    zh, en = ROLE_NAMES.get(role, (role, role))
    person = names.get(event.actor, event.actor)
    return f"{zh} {person}", f"{en} {person}"


def need_timeline(session: Session, need: Need, *, public: bool = False) -> list[TimelineEntry]:
    """The need's history, oldest first; `public` keeps only the public steps and words."""
    events = _events(session, need)
    texts = PUBLIC_TEXTS if public else TEXTS
    events = [e for e in events if e.action in texts]
    orgs = _org_names(session, events)
    accounts = {e.actor for e in events}
    names = {
        r.username: r.display_name or r.username
        for r in session.execute(
            select(Account.username, Account.display_name).where(Account.username.in_(accounts))
        )
    }
    out = []
    for e in events:
        zh, en = texts[e.action]
        fields: dict[str, Any] = {
            "org": orgs.get(e.detail.get("organization", ""), e.detail.get("organization", "")),
            "reason": e.detail.get("reason", ""),
            "category": e.detail.get("category", ""),
        }
        who_zh, who_en = _who(e, need, names, public)
        out.append(
            TimelineEntry(e.at, who_zh, who_en, zh.format(**fields), en.format(**fields), e.action)
        )
    return out
