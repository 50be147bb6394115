"""A catalog with a clean history of purchases, and one planted case of each red-flag indicator.

`build_clean` writes six ordinary purchases by two offices: three organizations taking turns,
two suggestions per need, reviews of two to three days, confirmations of one to a day and a
half, ten-day public notices, acceptance results for every closed need, and one need withdrawn
after a confirmation (a withdrawal is not a finished project). `plant` adds, each on its own
needs, exactly one case of each indicator; `PLANTED` says which needs should be named."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from catalog.models import AuditEvent, Need, PerformanceRecord, Suggestion

from .conftest import add_need, add_org

T0 = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)
GONGBEI, JIDA = "440402005", "440402004"
CUIXIANG, MEIHUA, QIANSHAN = "440402001", "440402002", "440402003"
XIANGWAN, SHISHAN = "440402006", "440402007"
ORGS = ("rf-o1", "rf-o2", "rf-o3")
PLANTED = {
    "repeat_award": (["rf-r1", "rf-r2", "rf-r3"], "rf-o1", CUIXIANG),
    "single_suggestion": (["rf-s1"], "rf-o2", MEIHUA),
    "short_notice": (["rf-p1"], None, QIANSHAN),
    "closed_without_acceptance": (["rf-w1"], "rf-o2", XIANGWAN),
    "fast_decision": (["rf-f1"], "rf-o3", SHISHAN),
}


def _event(session: Session, need_id: str, action: str, at: dt.datetime) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor="office",
            actor_role="office",
            action=action,
            entity_type="need",
            entity_id=need_id,
            detail={},
        )
    )


def purchase(
    session: Session,
    need_id: str,
    street: str,
    day: int,
    confirmed: str,
    status: str = "listed",
    others: tuple[str, ...] = ("rf-o3",),
    confirm_minutes: float | None = None,
    notice_days: float = 10,
    accepted: bool = True,
) -> None:
    """One need through review, suggestions, confirmation and (by `status`) publication,
    match, close or withdrawal, with the audit events the lifecycle would have written."""
    submitted = T0 + dt.timedelta(days=day)
    decided = submitted + dt.timedelta(hours=48 + day)
    listed = decided + dt.timedelta(days=1) if status != "approved" else None
    need = add_need(session, need_id, street, "居家养老", status, gap=False, submitted=submitted)
    need.decided_at, need.listed_at = decided, listed
    session.flush()
    made = decided + dt.timedelta(minutes=5)
    took = confirm_minutes if confirm_minutes is not None else (24 + day) * 60
    session.add(
        Suggestion(
            need_id=need_id,
            org_id=confirmed,
            score=0.9,
            rank=1,
            status="confirmed",
            created_at=made,
            decided_at=made + dt.timedelta(minutes=took),
        )
    )
    for rank, org in enumerate(o for o in others if o != confirmed):
        session.add(
            Suggestion(
                need_id=need_id,
                org_id=org,
                score=0.5,
                rank=rank + 2,
                status="rejected",
                created_at=made,
                decided_at=made + dt.timedelta(hours=30),
            )
        )
    _event(session, need_id, "need.submit", submitted)
    _event(session, need_id, "need.approve", decided)
    if listed is not None:
        _event(session, need_id, "need.list", listed)
    if status in ("matched", "closed"):
        _event(session, need_id, "need.match", listed + dt.timedelta(days=notice_days))
    if status == "closed":
        need.closed_at = listed + dt.timedelta(days=notice_days + 200)
        _event(session, need_id, "need.close", need.closed_at)
        if accepted:
            session.add(
                PerformanceRecord(
                    org_id=confirmed,
                    need_id=need_id,
                    project=need.title,
                    period_end=dt.date(2024, 12, 31),
                    satisfaction=90,
                    evaluation="良好",
                )
            )
    session.flush()


def build_clean(session: Session) -> None:
    for i, oid in enumerate(ORGS, start=1):
        add_org(session, oid, ["居家养老"], ["440402"], capacity=9, n=60 + i)
    session.flush()
    for i, (street, status) in enumerate(
        [(GONGBEI, "closed"), (GONGBEI, "matched"), (GONGBEI, "listed")]
        + [(JIDA, "closed"), (JIDA, "matched"), (JIDA, "listed")]
    ):
        purchase(session, f"rf-c{i}", street, i, ORGS[i % 3], status, others=ORGS)
    # Withdrawn after a confirmation: closed, no acceptance result, and rightly so.
    purchase(session, "rf-c6", JIDA, 6, "rf-o2", "listed", others=ORGS)
    _withdraw(session, "rf-c6")


def _withdraw(session: Session, need_id: str) -> None:
    need = session.get(Need, need_id)
    need.status, need.closed_at = "closed", need.listed_at + dt.timedelta(days=3)
    _event(session, need_id, "need.withdraw", need.closed_at)
    session.flush()


def plant(session: Session) -> None:
    for i, need_id in enumerate(PLANTED["repeat_award"][0]):
        purchase(session, need_id, CUIXIANG, 7 + i, "rf-o1", others=ORGS)
    purchase(session, "rf-s1", MEIHUA, 10, "rf-o2", "approved", others=())
    purchase(session, "rf-p1", QIANSHAN, 11, "rf-o1", "matched", others=ORGS, notice_days=1.5)
    purchase(session, "rf-w1", XIANGWAN, 12, "rf-o2", "closed", others=ORGS, accepted=False)
    purchase(session, "rf-f1", SHISHAN, 13, "rf-o3", "approved", others=ORGS, confirm_minutes=5)
