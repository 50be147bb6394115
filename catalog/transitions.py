"""The need lifecycle's table: which action moves a need from which states to which, and who may
take it. Kept apart from `catalog.lifecycle` (which applies transitions and their consequences) so
that `catalog.permissions` can answer "which buttons show" without importing the commands that
import it."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.actors import Actor
from catalog.models import Need, NeedStatus, Role

S = NeedStatus


@dataclass(frozen=True)
class Transition:
    action: str
    source: tuple[NeedStatus, ...]
    target: NeedStatus
    roles: tuple[Role, ...]
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, (Role.OFFICE, Role.ADMIN)),
        Transition("approve", (S.SUBMITTED,), S.APPROVED, (Role.REVIEWER, Role.ADMIN)),
        Transition("return", (S.SUBMITTED,), S.RETURNED, (Role.REVIEWER, Role.ADMIN), True),
        Transition("list", (S.APPROVED,), S.LISTED, (Role.OFFICE, Role.REVIEWER, Role.ADMIN)),
        Transition("match", (S.LISTED,), S.MATCHED, (Role.OFFICE, Role.ADMIN)),
        Transition("close", (S.MATCHED,), S.CLOSED, (Role.OFFICE, Role.REVIEWER, Role.ADMIN), True),
        Transition(
            "withdraw",
            (S.DRAFT, S.RETURNED, S.APPROVED, S.LISTED),
            S.CLOSED,
            (Role.OFFICE, Role.REVIEWER, Role.ADMIN),
            True,
        ),
    )
}

STATUS_LABELS = {
    S.DRAFT: ("草稿", "Draft"),
    S.SUBMITTED: ("待审核", "Submitted"),
    S.APPROVED: ("已批准", "Approved"),
    S.RETURNED: ("已退回", "Returned"),
    S.LISTED: ("征集中", "Open for interest"),
    S.MATCHED: ("已对接", "Matched"),
    S.CLOSED: ("已结束", "Closed"),
}


def allowed_actions(need: Need, actor: Actor) -> list[str]:
    """Actions this actor may take on this need now (for showing the right buttons)."""
    out = []
    for t in TRANSITIONS.values():
        if (
            need.status in t.source
            and actor.role in t.roles
            and actor.covers_street(need.street_code)
        ):
            out.append(t.action)
    return out
