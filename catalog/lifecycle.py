"""The need lifecycle: draft → submitted → approved | returned → listed → matched → closed.
Every transition is checked here (state, role, scope) and writes an audit event, so no view,
API call or task can skip a step.

Two people acting on one need at once (two reviewers, one approving and one returning) must not
both succeed: each transition locks the need's row and re-reads it before checking, so the
second waits for the first and then finds the need changed (`Conflict`, "refresh"). A row lock
rather than a version column on the need: the matcher writes its findings on the need while
people act on it, and a version check would fail those writes for no lifecycle reason."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.audit import now, record
from catalog.decisions import reject_open
from catalog.errors import Conflict, IllegalTransition, NotAllowed, NotFound
from catalog.models import Need, NeedStatus, Suggestion, SuggestionStatus
from catalog.notices import open_result_notice
from catalog.notifications import on_transition
from catalog.opportunities import sync_needs
from catalog.prohibited import screen
from catalog.transitions import (  # noqa: F401  (re-exported: the lifecycle's public names)
    STATUS_LABELS,
    TRANSITIONS,
    Transition,
    allowed_actions,
)
from catalog.validation import check_reason

S = NeedStatus


def transition(
    session: Session, need: Need, action: str, actor: Actor, reason: str | None = None
) -> Need:
    """Apply one lifecycle action or refuse with a clear error; never a partial change."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise IllegalTransition(f"未知操作：{action}", f"unknown action: {action}")
    lock_need(session, need)
    _check_actor(t, need, actor)
    _check_step(session, t, need, reason)
    previous = need.status
    _apply(t, need, reason)
    _consequences(session, t, need, actor)
    record(
        session,
        actor,
        f"need.{action}",
        "need",
        need.id,
        from_status=str(previous),
        to_status=str(t.target),
        reason=reason,
    )
    on_transition(session, need, action, actor, reason)
    # Entering or leaving the listed state adds or removes the need's opportunity rows.
    sync_needs(session, [need.id])
    return need


def _check_actor(t: Transition, need: Need, actor: Actor) -> None:
    """Role, then scope: the same test as `allowed_actions`, so a refusal here is never a
    button the page offered (unless the need changed meanwhile, which `lock_need` reports)."""
    if actor.role not in t.roles:
        raise NotAllowed(
            f"角色 {actor.role} 不能执行“{t.action}”",
            f"role {actor.role} may not {t.action} a need",
        )
    if not actor.covers_street(need.street_code):
        raise NotAllowed("该需求不在您的管辖范围内", "this need is outside your scope")


def _check_step(session: Session, t: Transition, need: Need, reason: str | None) -> None:
    """Whether the need may take this step now: its status, the reason some steps require,
    and for "match" a confirmed organization (a need is matched to someone)."""
    if need.status not in t.source:
        zh_from = STATUS_LABELS[S(need.status)][0]
        allowed = "、".join(STATUS_LABELS[s][0] for s in t.source)
        raise IllegalTransition(
            f"需求当前为“{zh_from}”，不能{t.action}（只有{allowed}状态可以）",
            f"cannot {t.action} a need that is {need.status} (only from {', '.join(t.source)})",
        )
    if t.needs_reason and not (reason and reason.strip()):
        raise IllegalTransition("必须填写理由", f"a reason is required to {t.action}")
    check_reason(reason)
    if t.action == "match" and not _has_confirmed(session, need):
        raise IllegalTransition(
            "至少确认一个承接组织后才能标记为已对接",
            "confirm at least one organization before marking the need matched",
        )


#: The reason written on suggestions still open when their need is closed or withdrawn.
SETTLED_REASON = "需求已结束"


def _consequences(session: Session, t: Transition, need: Need, actor: Actor) -> None:
    """What a step settles beyond the need's own status: marking a need matched publishes its
    result notice (catalog.notices; the "match" check guarantees a confirmed organization);
    closing or withdrawing it rejects the suggestions nobody decided, so none waits forever
    for a decision that can no longer be taken. Each settled suggestion is audited."""
    if t.action == "match":
        open_result_notice(session, need)
    if t.target != S.CLOSED:
        return
    reject_open(session, need, actor, SETTLED_REASON)


def _has_confirmed(session: Session, need: Need) -> bool:
    confirmed = session.scalar(
        select(Suggestion.id).where(
            Suggestion.need_id == need.id, Suggestion.status == SuggestionStatus.CONFIRMED
        )
    )
    return confirmed is not None


def _apply(t: Transition, need: Need, reason: str | None) -> None:
    """The new status and the timestamp of the step, kept on the need so lists and the public
    notice can show when it was submitted, decided, listed or closed without the audit log.
    Submitting screens the text again (Art. 11): it may have been edited since."""
    stamp = now()
    need.status = t.target
    if t.action == "submit":
        need.submitted_at = stamp
        need.return_reason = None
        apply_screening(need)
    elif t.action in ("approve", "return"):
        need.decided_at = stamp
        if t.action == "return":
            need.return_reason = reason
    elif t.action == "list":
        need.listed_at = stamp
    elif t.target == S.CLOSED:
        need.closed_at = stamp


def lock_need(session: Session, need: Need) -> None:
    """Lock the need's row for the rest of the transaction and re-read it, so the checks
    below see the state as it is now, not as the caller read it. On PostgreSQL a second
    action waits here until the first commits; SQLite ignores FOR UPDATE but lets only one
    writer in at a time. A need that changed state since the caller read it is a conflict:
    the person acted on a page that no longer tells the truth."""
    seen = need.status
    session.flush()  # the caller's own pending edits (a reviewer's category) are kept
    # The bare row: FOR UPDATE cannot cover the eager outer join to the street.
    if session.scalar(select(Need.id).where(Need.id == need.id).with_for_update()) is None:
        raise NotFound("需求不存在", f"need {need.id} does not exist")
    session.refresh(need)
    if need.status != seen:
        zh_now, en_now = STATUS_LABELS[S(need.status)]
        raise Conflict(
            f"该需求刚被他人处理，现为“{zh_now}”，请刷新后再试",
            f"someone else changed this need meanwhile (now {en_now.lower()}); "
            "refresh and try again",
        )


def apply_screening(need: Need) -> None:
    """Art. 11 screening: flag with the rule for the reviewer, never drop."""
    flags = screen(f"{need.title}\n{need.description}\n{need.beneficiaries}")
    need.prohibited = bool(flags)
    need.prohibited_rule = flags[0].rule_id if flags else None
    need.prohibited_detail = "\n".join(f.detail for f in flags) if flags else None
