"""Drawing projects for inspection and recording what the inspection found.

The Shanghai practice in the design notes: 20–30 % of projects are sampled for inspection, and
the results go into the organizations' credit archive. Here a reviewer draws from the projects
of their own area (one need × one confirmed organization, need matched or closed, not drawn
before). The draw is a seeded uniform sample of the sorted population, and the seed and the
population are stored with it, so the sample can be recomputed by anyone who doubts it was
random — an inspection that could be steered towards or away from an organization would be
worth little. Size, age and grade play no part (Art. 16).

A result is final and becomes a credit entry: "inspection passed" or a warning, with the
inspector's note, so it counts wherever the archive counts (reviewer pages, the matcher)."""

from __future__ import annotations

import math
import random
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import now, record
from catalog.clock import local_today
from catalog.credit import record_credit_event
from catalog.errors import Conflict, FieldError, NotFound, ValidationFailed
from catalog.models import (
    InspectionDraw,
    InspectionItem,
    Need,
    NeedStatus,
    Suggestion,
    SuggestionStatus,
)

DEFAULT_RATE = 0.2
MIN_RATE, MAX_RATE = 0.05, 1.0
RESULTS = ("pass", "fail")
CREDIT_KIND = {"pass": "inspection_pass", "fail": "warning"}
INSPECTED_STATUSES = (NeedStatus.MATCHED, NeedStatus.CLOSED)


def eligible_projects(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """Projects in the actor's area that could be drawn now, sorted (the draw's population)."""
    drawn = set(session.execute(select(InspectionItem.need_id, InspectionItem.org_id)).all())
    rows = session.execute(
        select(Suggestion.need_id, Suggestion.org_id, Need.street_code)
        .join(Need, Need.id == Suggestion.need_id)
        .where(
            Suggestion.status == SuggestionStatus.CONFIRMED,
            Need.status.in_(INSPECTED_STATUSES),
        )
    ).all()
    return sorted(
        (need_id, org_id)
        for need_id, org_id, street in rows
        if actor.covers_street(street) and (need_id, org_id) not in drawn
    )


def parse_rate(value: object) -> float:
    """A share of the population, as a fraction or a percentage ("20", "20%", 0.2)."""
    text = str(value if value is not None else "").strip().rstrip("%")
    try:
        rate = float(text)
    except ValueError:
        rate = float("nan")
    if rate > 1:
        rate /= 100
    if not (MIN_RATE <= rate <= MAX_RATE):
        raise ValidationFailed(
            [
                FieldError(
                    "rate",
                    f"抽查比例须在{MIN_RATE:.0%}到{MAX_RATE:.0%}之间",
                    f"the sampling rate must be between {MIN_RATE:.0%} and {MAX_RATE:.0%}",
                )
            ]
        )
    return rate


def sample(population: list[tuple[str, str]], rate: float, seed: int) -> list[tuple[str, str]]:
    """The draw itself: ceil(rate × N) projects, uniformly, reproducible from the seed."""
    if not population:
        return []
    size = min(len(population), max(1, math.ceil(rate * len(population))))
    return sorted(random.Random(seed).sample(sorted(population), size))


def draw_inspections(
    session: Session, actor: Actor, rate: object = DEFAULT_RATE, seed: int | None = None
) -> InspectionDraw:
    """Draw projects of the actor's area for inspection (flushed, not committed)."""
    permissions.require(permissions.inspect, actor)
    share = parse_rate(rate)
    population = eligible_projects(session, actor)
    if not population:
        raise NotFound(
            "辖区内没有可抽查的项目（已对接或已结束、且未被抽查过的项目）",
            "no project in your area can be drawn (matched or closed, not drawn before)",
        )
    seed = secrets.randbits(63) if seed is None else seed
    draw = InspectionDraw(
        drawn_at=now(),
        drawn_by=actor.username,
        scope=actor.scope,
        rate=share,
        seed=seed,
        population=[list(p) for p in population],
    )
    session.add(draw)
    session.flush()
    try:
        with session.begin_nested():
            for need_id, org_id in sample(population, share, seed):
                session.add(InspectionItem(draw_id=draw.id, need_id=need_id, org_id=org_id))
            session.flush()
    except IntegrityError as exc:  # a draw by another reviewer took one of them meanwhile
        raise Conflict(
            "另一次抽取同时抽中了部分项目，请重新抽取",
            "another draw took some of these projects at the same time; draw again",
        ) from exc
    session.refresh(draw)
    record(
        session,
        actor,
        "inspection.draw",
        "inspection_draw",
        str(draw.id),
        rate=share,
        seed=seed,
        population=len(population),
        drawn=len(draw.items),
    )
    return draw


def visible_draws(session: Session, actor: Actor) -> list[InspectionDraw]:
    """Draws of the actor's area (a city reviewer sees the districts' draws too), newest first."""
    permissions.require(permissions.inspect, actor)
    draws = session.scalars(select(InspectionDraw).order_by(InspectionDraw.id.desc()))
    return [d for d in draws if _covers_draw(actor, d)]


def _covers_draw(actor: Actor, draw: InspectionDraw) -> bool:
    if actor.is_admin:
        return True
    if draw.scope is None:
        return False
    return draw.scope == actor.scope or actor.covers_street(draw.scope + "000")


def load_draw(session: Session, actor: Actor, draw_id: int) -> InspectionDraw:
    permissions.require(permissions.inspect, actor)
    draw = session.get(InspectionDraw, draw_id)
    if draw is None or not _covers_draw(actor, draw):
        raise NotFound("抽查批次不存在", f"inspection draw {draw_id} does not exist")
    return draw


def _open_item(session: Session, actor: Actor, item_id: int) -> InspectionItem:
    """The drawn project, its row locked (PostgreSQL) so two inspectors recording at once are
    serialized and the second sees the first one's result; refused once it has a result.
    Only the id is locked: the eager join to the organization cannot be."""
    locked = session.scalar(
        select(InspectionItem.id).where(InspectionItem.id == item_id).with_for_update()
    )
    item = (
        session.get(InspectionItem, locked, populate_existing=True) if locked is not None else None
    )
    if item is None or not _covers_draw(actor, item.draw):
        raise NotFound("抽查项目不存在", f"inspection item {item_id} does not exist")
    if item.result is not None:
        raise Conflict(
            "该项目的抽查结果已登记，不能重复登记或修改",
            "the result of this inspection is already recorded",
        )
    return item


def _credit_note(session: Session, item: InspectionItem, note: str | None) -> str:
    """The credit entry's note names the inspected project, so the archive entry can be read
    without the draw; the inspector's own note follows."""
    need = session.get(Need, item.need_id)
    title = need.title if need is not None else item.need_id
    detail = f"抽查项目：{title}（{item.need_id}）"
    return f"{detail}\n{note.strip()}" if note and note.strip() else detail


def record_inspection(
    session: Session,
    actor: Actor,
    item_id: int,
    result: str,
    source: str,
    note: str | None = None,
) -> InspectionItem:
    """Record what the inspection of one drawn project found (flushed, not committed). Final:
    the credit entry it creates is part of an append-only archive."""
    permissions.require(permissions.inspect, actor)
    item = _open_item(session, actor, item_id)
    outcome = str(result or "").strip()
    if outcome not in RESULTS:
        raise ValidationFailed(
            [FieldError("result", "抽查结果须为：合格、不合格", "result must be pass or fail")]
        )
    event = record_credit_event(
        session,
        actor,
        item.org_id,
        CREDIT_KIND[outcome],
        local_today(),
        source,
        _credit_note(session, item, note),
    )
    item.result, item.note = outcome, (note or "").strip() or None
    item.inspected_by, item.inspected_on = actor.username, event.date
    item.credit_event_id = event.id
    session.flush()
    record(
        session,
        actor,
        "inspection.record",
        "inspection_item",
        str(item.id),
        draw=item.draw_id,
        need=item.need_id,
        organization=item.org_id,
        result=outcome,
    )
    return item
