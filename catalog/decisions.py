"""Human decisions on suggestions, and organizations' interest in listed needs. A suggestion is
confirmed or rejected by a person in scope; the decision is audited and optimistically locked."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import now, record
from catalog.errors import Conflict, IllegalTransition, NotAllowed, NotFound
from catalog.models import Interest, Need, NeedStatus, Role, Suggestion, SuggestionStatus
from catalog.notifications import Kind, notify
from catalog.opportunities import sync_needs
from catalog.validation import check_reason


def decide(
    session: Session,
    suggestion_id: int,
    decision: str,
    actor: Actor,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Suggestion:
    """Confirm or reject one suggestion. `expected_version` guards against two people
    deciding at once: the second gets a Conflict instead of silently overwriting."""
    if decision not in ("confirm", "reject"):
        raise IllegalTransition(f"未知决定：{decision}", f"unknown decision: {decision}")
    s = session.get(Suggestion, suggestion_id)
    if s is None:
        raise NotFound("推荐不存在", f"suggestion {suggestion_id} does not exist")
    permissions.require(permissions.decide_suggestions, actor, s.need)
    if expected_version is not None and s.version != expected_version:
        raise Conflict(
            "该推荐已被他人处理，请刷新后再试",
            f"suggestion was changed by someone else (version {s.version}, you had {expected_version})",
        )
    if s.status != SuggestionStatus.SUGGESTED:
        raise Conflict(f"该推荐已被{s.decided_by}处理", f"already {s.status} by {s.decided_by}")
    if decision == "reject" and not (reason and reason.strip()):
        raise IllegalTransition("否决时必须填写理由", "a reason is required to reject")
    check_reason(reason)
    _stamp(s, decision, actor, reason)
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict(
            "该推荐已被他人处理，请刷新后再试", "suggestion was decided concurrently"
        ) from exc
    _audit(session, s, decision, actor)
    if s.status == SuggestionStatus.CONFIRMED:
        notify(session, Kind.SUGGESTION_CONFIRMED, s.need, actor, org_id=s.org_id)
    sync_needs(session, [s.need_id])  # a rejected organization no longer sees the need
    return s


def reject_open(session: Session, need: Need, actor: Actor, reason: str) -> None:
    """Reject every suggestion of `need` nobody decided (its step ended it: closed or
    withdrawn), each stamped and audited like a person's rejection."""
    open_rows = session.scalars(
        select(Suggestion).where(
            Suggestion.need_id == need.id, Suggestion.status == SuggestionStatus.SUGGESTED
        )
    )
    for s in open_rows:
        _stamp(s, "reject", actor, reason)
        _audit(session, s, "reject", actor)


def _stamp(s: Suggestion, decision: str, actor: Actor, reason: str | None) -> None:
    s.status = SuggestionStatus.CONFIRMED if decision == "confirm" else SuggestionStatus.REJECTED
    s.decided_by, s.decided_at, s.decision_reason = actor.username, now(), reason


def _audit(session: Session, s: Suggestion, decision: str, actor: Actor) -> None:
    record(
        session,
        actor,
        f"suggestion.{decision}",
        "suggestion",
        str(s.id),
        need=s.need_id,
        organization=s.org_id,
        reason=s.decision_reason,
    )


def express_interest(
    session: Session, need_id: str, actor: Actor, note: str | None = None
) -> Interest:
    if actor.role != Role.ORGANIZATION or not actor.scope:
        raise NotAllowed("只有社会组织可以表达承接意向", "only organizations can express interest")
    need = session.get(Need, need_id)
    if need is None or need.status != NeedStatus.LISTED:
        raise NotFound("该需求未在征集中", "this need is not listed")
    interest = session.scalar(
        select(Interest).where(Interest.need_id == need_id, Interest.org_id == actor.scope)
    )
    if interest is None:
        interest = Interest(need_id=need_id, org_id=actor.scope, note=note, active=True)
        session.add(interest)
    elif interest.active:
        return interest
    else:
        interest.active, interest.withdrawn_at, interest.note = True, None, note
    record(session, actor, "interest.express", "need", need_id, organization=actor.scope)
    session.flush()
    notify(session, Kind.INTEREST_EXPRESSED, need, actor, org=interest.organization.name)
    return interest


def withdraw_interest(session: Session, need_id: str, actor: Actor) -> None:
    interest = session.scalar(
        select(Interest).where(Interest.need_id == need_id, Interest.org_id == actor.scope)
    )
    if interest is None or not interest.active or actor.role != Role.ORGANIZATION:
        raise NotFound("没有可撤回的意向", "no active interest to withdraw")
    interest.active = False
    interest.withdrawn_at = now()
    record(session, actor, "interest.withdraw", "need", need_id, organization=actor.scope)
    session.flush()


def active_interests(session: Session, need_id: str) -> list[Interest]:
    """The organizations still interested in a need, first come first: what the office and the
    reviewer weigh before confirming."""
    return list(
        session.scalars(
            select(Interest)
            .where(Interest.need_id == need_id, Interest.active.is_(True))
            .order_by(Interest.created_at)
        )
    )
