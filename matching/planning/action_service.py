"""Recommended actions over the live catalog: load the records, search, check, and narrow to
what one viewer may see.

The actions are a pure function of the organization profiles, the needs and what the last
matching run wrote on them, the confirmed suggestions (capacity in use) and the shipped models;
`state_key` reads a fingerprint of exactly those in one cheap query per table. Any matching run
(it stamps `matched_at`), profile edit (`profile_version`), confirmation or status change
changes the key. The plan needs a matcher, so it is computed by a worker and stored
(`matching.planning.stored_plan`); web processes read the stored plan and compare its key with
the current one. Measured on the labeled dev set (60 organizations, 150 needs): see README.md,
"From map to action".

The plan is computed for the whole city once (capacity is shared by every district's actions)
and then narrowed per viewer: an action keeps only the needs, and the streets of the needs, in
the viewer's scope and filter. Because the gap rule for a need depends only on coverage of its
own street, a narrowed `extend_coverage` action still closes exactly what it lists."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any, cast

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from catalog.clock import ZHUHAI
from catalog.models import Need, Organization, Region, Suggestion
from catalog.neighbours import district_neighbours
from matching.adapter import catalog_version, category_infos, load_orgs, need_record
from matching.planning.action_reasons import ActionNames, explain
from matching.planning.actions import (
    BUNDLE,
    EXTEND,
    Action,
    ActionPlan,
    GapRule,
    apply,
    copy_orgs,
    find_gap_needs,
)
from matching.planning.bundles import OpenNeed, find_bundles
from matching.planning.coverage_search import extend_coverage, incubate
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.records import CategoryInfo
from matching.service import CLASSIFIER_PATH, MATCHABLE, MODELS_DIR, RANKER_PATH

log = logging.getLogger(__name__)

OPEN_STATUSES = ("submitted", "approved", "listed")  # not yet bought: may still be bundled


def state_key(session: Session) -> tuple:
    """Fingerprint of everything the plan depends on (and of which database it is)."""
    needs = session.execute(
        select(
            func.count(Need.id),
            func.sum(case((Need.gap.is_(True), 1), else_=0)),
            func.max(Need.matched_at),
            func.max(Need.updated_at),
        )
    ).one()
    statuses = tuple(
        session.execute(
            select(Need.status, func.count()).group_by(Need.status).order_by(Need.status)
        )
    )
    confirmed = Suggestion.status == "confirmed"
    suggestions = session.execute(
        select(
            func.count(Suggestion.id),
            func.sum(case((confirmed, 1), else_=0)),
            func.max(Suggestion.decided_at),
        )
    ).one()
    models = tuple(_mtime(MODELS_DIR / p) for p in (CLASSIFIER_PATH, RANKER_PATH))
    bind = session.get_bind()
    return (
        str(bind.engine.url),
        catalog_version(session),
        tuple(needs),
        statuses,
        tuple(suggestions),
        models,
    )


def _mtime(path: Any) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


class _RecordedCategories:
    """Stands in for the category classifier when the shipped one cannot be loaded: uniform
    probabilities, so the category the last matching run recorded on each need (passed as a
    person's category) decides. The plan says it was made this way (`degraded`)."""

    def __init__(self, names: list[str]) -> None:
        self.classes = names
        self.meta = {"trained_at": "recorded-categories"}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        n = max(1, len(self.classes))
        return np.full((len(texts), len(self.classes)), 1.0 / n)


def matcher_or_fallback(
    session: Session, build: Callable[[Session], Matcher]
) -> tuple[Matcher, bool]:
    """The matcher `build` makes, or the recorded-categories stand-in (and True) when it fails."""
    try:
        return build(session), False
    except Exception:  # noqa: BLE001 - planners still get a plan, marked as degraded
        log.exception("planner actions: matcher unavailable, using recorded categories")
    return recorded_category_matcher(category_infos(session)), True


def recorded_category_matcher(infos: list[CategoryInfo]) -> Matcher:
    """A matcher whose category probabilities come from the needs' recorded categories (pass
    them as `NeedRecord.category`), with the default gap threshold."""
    stub = cast(Any, _RecordedCategories([c.name for c in infos]))
    return Matcher(stub, categories=infos, config=MatcherConfig())


def _open_needs(session: Session) -> list[OpenNeed]:
    bought = select(Suggestion.need_id).where(Suggestion.status == "confirmed")
    rows = session.scalars(
        select(Need)
        .where(
            Need.status.in_(OPEN_STATUSES),
            Need.category_name.is_not(None),
            Need.prohibited.is_not(True),
            Need.submitted_at.is_not(None),
            Need.id.not_in(bought),
        )
        .order_by(Need.id)
    )
    return [
        OpenNeed(
            id=n.id,
            street=n.street_code,
            category=n.category_name or "",
            text="。".join([n.title, n.description or "", n.beneficiaries or ""]),
            budget_yuan=int(n.budget_yuan or 0),
            posted=_day(n.submitted_at or n.created_at),
        )
        for n in rows
    ]


def _day(stamp: dt.datetime | None) -> dt.date:
    """The Zhuhai calendar day of a stored timestamp (SQLite hands back naive UTC)."""
    if stamp is None:
        return dt.datetime.now(ZHUHAI).date()
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(ZHUHAI).date()


def compute_plan(session: Session, matcher: Matcher, degraded: bool = False) -> ActionPlan:
    """The whole city's plan: extend_coverage (rank order), incubate, bundles; then one more
    check of every claim against the catalog's records with all actions applied."""
    # The matcher indexed these very records a moment ago (build_matcher → load_orgs).
    orgs = copy_orgs(matcher.table.orgs) if len(matcher.table) else load_orgs(session)
    rows = session.scalars(
        select(Need).where(Need.gap.is_(True), Need.status.in_(MATCHABLE)).order_by(Need.id)
    ).all()
    records = [need_record(n) for n in rows]
    if degraded:
        records = [replace(r, category=n.category_name) for r, n in zip(records, rows, strict=True)]
    needs = find_gap_needs(matcher, orgs, records)
    rule, neighbours = GapRule(matcher), district_neighbours()
    extends, working, capacity = extend_coverage(rule, orgs, needs, neighbours)
    incubates, _ = incubate(rule, working, needs, capacity, neighbours)
    by_id = {n.id: n for n in needs}
    final = list(orgs)
    for action in extends + incubates:
        final = apply(final, action)
    claimed = [by_id[i] for a in extends + incubates for i in a.closes]
    still = {n.id for n, gap in zip(claimed, rule.flags(final, claimed), strict=True) if gap}
    for action in extends + incubates:
        action.closes = [i for i in action.closes if i not in still]
    kept = [a for a in extends + incubates if a.closes]
    open_needs = _open_needs(session)
    return ActionPlan(
        actions=kept + find_bundles(open_needs, neighbours),
        gap_ids=sorted(by_id),
        claimed_ids=[n.id for n in claimed],
        verified_ids=[n.id for n in claimed if n.id not in still],
        streets_of={n.id: n.street for n in needs} | {n.id: n.street for n in open_needs},
        budgets_of={n.id: n.budget_yuan for n in open_needs},
        degraded=degraded,
    )


def _trim(action: Action, keep: Collection[str], plan: ActionPlan) -> Action | None:
    """The part of an action inside `keep`, or None when too little is left."""
    if action.kind == BUNDLE:
        needs = [i for i in action.needs if i in keep]
        streets = sorted({plan.streets_of[i] for i in needs})
        if len(needs) < 2 or len(streets) < 2:
            return None
        budget = sum(plan.budgets_of.get(i, 0) for i in needs)
        return replace(action, needs=needs, streets=streets, budget_yuan=budget)
    closes = [i for i in action.closes if i in keep]
    if not closes:
        return None
    streets = sorted({plan.streets_of[i] for i in closes})
    if action.kind == EXTEND:
        added = [s for s in action.add_streets if s in streets]
        return replace(action, closes=closes, add_streets=added)
    return replace(action, closes=closes, streets=streets)


def narrow(plan: ActionPlan, keep: Collection[str], names: ActionNames) -> ActionPlan:
    """The plan as one viewer sees it: only needs in `keep` (ids in scope and filter), with
    reasons written for what is left."""
    keep = set(keep)
    actions = [t for a in plan.actions if (t := _trim(a, keep, plan)) is not None]
    return replace(
        plan,
        actions=explain(actions, names),
        gap_ids=[i for i in plan.gap_ids if i in keep],
        claimed_ids=[i for i in plan.claimed_ids if i in keep],
        verified_ids=[i for i in plan.verified_ids if i in keep],
    )


def action_names(session: Session) -> ActionNames:
    regions = {
        c: (n, e or n)
        for c, n, e in session.execute(select(Region.code, Region.name, Region.name_en))
    }
    orgs = {i: n for i, n in session.execute(select(Organization.id, Organization.name))}
    return ActionNames(regions, orgs, {c.name: c for c in category_infos(session)})
