"""Who hears about what: the one place that maps domain events to recipients and words.

The domain commands call `notify` inside their own transaction, so a notification exists
exactly when the event it reports was committed (a rolled-back approval tells nobody). Each
kind names its recipients by role and scope, never by the acting person, and the actor is never
told about their own act. Delivery beyond the inbox (e-mail, SMS) happens after the commit,
through catalog.notify_delivery, so a slow or failing gateway cannot undo or hold the event.

Texts are stored in Simplified Chinese and English, filled in from the need's title at the time
of the event; web renders Traditional Chinese from the Simplified text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import Actor, enclosing_areas, region_contains
from catalog.audit import now
from catalog.models import (
    Account,
    Need,
    Notification,
    OrgArea,
    Role,
    Suggestion,
    SuggestionStatus,
    org_categories,
)
from catalog.notify_delivery import OUTBOX_KEY, Outgoing


class Kind:
    NEED_SUBMITTED = "need_submitted"
    NEED_RETURNED = "need_returned"
    NEED_APPROVED = "need_approved"
    SUGGESTIONS_READY = "suggestions_ready"
    INTEREST_EXPRESSED = "interest_expressed"
    SUGGESTION_CONFIRMED = "suggestion_confirmed"
    NEED_LISTED = "need_listed"
    OBJECTION_RECEIVED = "objection_received"


#: kind → (zh-Hans template, English template); fields come from `notify(**params)`.
TEXTS: dict[str, tuple[str, str]] = {
    Kind.NEED_SUBMITTED: ("有新需求待审核：“{title}”", "A need awaits your review: “{title}”"),
    Kind.NEED_RETURNED: (
        "需求“{title}”被退回，理由：{reason}",
        "Your need “{title}” was returned. Reason: {reason}",
    ),
    Kind.NEED_APPROVED: ("需求“{title}”已通过审核", "Your need “{title}” was approved"),
    Kind.SUGGESTIONS_READY: (
        "需求“{title}”已有 {count} 个推荐组织{likely_zh}，请逐一确认或否决",
        "{count} organizations are suggested for “{title}”{likely_en}; "
        "please confirm or reject each",
    ),
    Kind.INTEREST_EXPRESSED: (
        "{org}对需求“{title}”表达了承接意向",
        "{org} is interested in your need “{title}”",
    ),
    Kind.SUGGESTION_CONFIRMED: (
        "贵组织已被确认承接需求“{title}”",
        "Your organization was confirmed for the need “{title}”",
    ),
    Kind.NEED_LISTED: (
        "有符合贵组织服务范围的需求正在公示：“{title}”",
        "A need that fits your profile is now listed: “{title}”",
    ),
    Kind.OBJECTION_RECEIVED: (
        "需求“{title}”在公示期内收到异议",
        "An objection was raised against “{title}” during its notice period",
    ),
}


def _accounts(session: Session, *conditions: Any) -> list[Account]:
    q = select(Account).where(Account.active.is_(True), *conditions).order_by(Account.id)
    return list(session.scalars(q))


def _office(session: Session, need: Need, **_: Any) -> list[Account]:
    return _accounts(session, Account.role == Role.OFFICE, Account.scope == need.street_code)


def _reviewers(session: Session, need: Need, **_: Any) -> list[Account]:
    candidates = _accounts(session, Account.role == Role.REVIEWER)
    return [a for a in candidates if a.scope and region_contains(a.scope, need.street_code)]


def _confirmed_org(session: Session, need: Need, *, org_id: str, **_: Any) -> list[Account]:
    return _accounts(session, Account.role == Role.ORGANIZATION, Account.scope == org_id)


def _fitting_orgs(session: Session, need: Need, **_: Any) -> list[Account]:
    """Organizations whose profile fits: they offer the need's category and their service
    area covers its street (the two facts that decide relevance in the labeled sets)."""
    if not need.category_name:
        return []
    offers = select(org_categories.c.org_id).where(
        org_categories.c.category_name == need.category_name
    )
    covers = select(OrgArea.org_id).where(
        OrgArea.region_code.in_(enclosing_areas(need.street_code))
    )
    return _accounts(
        session,
        Account.role == Role.ORGANIZATION,
        Account.scope.in_(offers),
        Account.scope.in_(covers),
    )


def _reviewers_and_office(session: Session, need: Need, **_: Any) -> list[Account]:
    """An objection concerns both: the reviewer answers it, the office's decision is at stake."""
    return _reviewers(session, need) + _office(session, need)


Recipients = Callable[..., list[Account]]

RECIPIENTS: dict[str, Recipients] = {
    Kind.NEED_SUBMITTED: _reviewers,
    Kind.NEED_RETURNED: _office,
    Kind.NEED_APPROVED: _office,
    Kind.SUGGESTIONS_READY: _office,
    Kind.INTEREST_EXPRESSED: _office,
    Kind.SUGGESTION_CONFIRMED: _confirmed_org,
    Kind.NEED_LISTED: _fitting_orgs,
    Kind.OBJECTION_RECEIVED: _reviewers_and_office,
}

#: lifecycle action → the kind it announces (other actions tell nobody).
TRANSITION_KINDS = {
    "submit": Kind.NEED_SUBMITTED,
    "return": Kind.NEED_RETURNED,
    "approve": Kind.NEED_APPROVED,
    "list": Kind.NEED_LISTED,
}


def notify(
    session: Session, kind: str, need: Need, actor: Actor | None = None, **params: Any
) -> list[Notification]:
    """Create the inbox entries of one event (flushed with the caller's transaction) and queue
    them for delivery after the commit. The acting person is never among the recipients."""
    zh, en = TEXTS[kind]
    fields = {"title": need.title, **_likely(params.get("likely")), **params}
    text_zh, text_en = zh.format(**fields), en.format(**fields)
    created = []
    stamp = now()
    for account in RECIPIENTS[kind](session, need, **params):
        if actor is not None and account.username == actor.username:
            continue
        note = Notification(
            account_id=account.id,
            kind=kind,
            need_id=need.id,
            text_zh=text_zh,
            text_en=text_en,
            created_at=stamp,
        )
        session.add(note)
        created.append(note)
        outbox = session.info.setdefault(OUTBOX_KEY, [])
        outbox.append(Outgoing(account.username, kind, need.id, text_zh, text_en))
    session.flush()
    return created


def _likely(likely: int | None) -> dict[str, str]:
    if likely is None:
        return {"likely_zh": "", "likely_en": ""}
    return {"likely_zh": f"（其中 {likely} 个较可能合适）", "likely_en": f" ({likely} likely)"}


def on_transition(
    session: Session, need: Need, action: str, actor: Actor, reason: str | None
) -> None:
    """Called by catalog.lifecycle.transition after each successful action."""
    kind = TRANSITION_KINDS.get(action)
    if kind is not None:
        notify(session, kind, need, actor, reason=reason or "")


def notify_suggestions(session: Session, need: Need, count: int | None = None) -> None:
    """After a matching run: tell the office how many suggestions await its decision (none
    when the run left nothing to decide, so a re-run without news stays quiet). `count`: the
    number, when the caller that just wrote them knows it (one query less per match)."""
    if count is None:
        count = len(
            session.scalars(
                select(Suggestion.id).where(
                    Suggestion.need_id == need.id,
                    Suggestion.status == SuggestionStatus.SUGGESTED,
                )
            ).all()
        )
    if count:
        notify(session, Kind.SUGGESTIONS_READY, need, None, count=count, likely=None)
