"""From map to action (issue 16), the web side: the recommended actions and the red flags for one
request's filter and viewer, with the labels the pages and exports show. The pages, the
report, the Excel file and the JSON API all call these two functions, so they agree.

The actions are the plan a worker computed for the whole city and stored
(`matching.planning.stored_plan`, job `web.jobs.planning`), narrowed here to the needs in the
viewer's scope and filter: a web process never builds a matcher. When the stored plan is
missing or older than the catalog, the request asks for a recompute (at most once a minute
per process and catalog state) and shows what is stored, with when it was computed, marked
`pending`. The red flags come from `catalog.analytics.red_flags` (plain SQL, cheap, computed
on every request)."""

from __future__ import annotations

import threading
import time

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.analytics import NeedFilter
from catalog.analytics.red_flags import RedFlag, red_flags
from catalog.models import Need, Organization, Region
from matching.facade import ActionPlan, action_names, narrow, stored_plan
from web.jobs import enqueue_after_commit
from web.jobs.planning import plan_build_key
from web.platform.database import get_db

ASK_AGAIN_SECONDS = 60.0  # a stale plan is asked for once a minute per process, not per view
_asked: dict[str, float] = {}  # catalog state digest → when this process last asked
_asked_lock = threading.Lock()


def visible_need_ids(session: Session, flt: NeedFilter) -> set[str]:
    """The needs a figure may name: the filter's conditions, the viewer's scope included."""
    return set(session.scalars(select(Need.id).where(*flt.conditions())))


def request_plan(force: bool = False) -> bool:
    """Ask the workers for a plan of the current state, now: the request changed nothing the
    job reads, so there is no commit to wait for (a session outside any transaction). False
    when the broker could not be reached (the beat job catches up)."""
    from web.tasks import refresh_action_plan

    with get_db().Session() as outside:
        return not enqueue_after_commit(outside, refresh_action_plan, force).deferred


def _ask_once(source: str) -> None:
    now = time.monotonic()
    with _asked_lock:
        if now - _asked.get(source, -ASK_AGAIN_SECONDS) < ASK_AGAIN_SECONDS:
            return
        _asked.clear()  # only the newest state is worth remembering
        _asked[source] = now
    request_plan()


def current_plan(session: Session) -> ActionPlan:
    """The stored whole-city plan (empty and `pending` when none is stored yet); a stale or
    missing one is asked for, and a plan the eager default just computed is read back."""
    source = stored_plan.current_source(session, plan_build_key())
    stored = stored_plan.latest(session)
    if stored is None or stored.source != source:
        eager = current_app.config["CELERY"].get("task_always_eager")
        if eager:  # no broker: the job runs inline and writes; end our read-only transaction
            session.rollback()  # first, or SQLite's reader lock would block the job's commit
        _ask_once(source)
        if eager:
            stored = stored_plan.latest(session) or stored
    if stored is None:
        return ActionPlan(actions=[], pending=True)
    stored.plan.pending = stored.source != source
    return stored.plan


def action_plan(session: Session, flt: NeedFilter) -> ActionPlan:
    """The recommended actions in the viewer's scope and filter, best first, with reasons."""
    plan = current_plan(session)
    return narrow(plan, visible_need_ids(session, flt), action_names(session))


def display_names(session: Session) -> dict[str, str]:
    """Region code or organization id → name, for the red flags' sentences."""
    names = {code: name for code, name in session.execute(select(Region.code, Region.name))}
    names.update(session.execute(select(Organization.id, Organization.name)).tuples().all())
    return names


def flag_list(session: Session, flt: NeedFilter) -> list[RedFlag]:
    return red_flags(session, flt, names=display_names(session))
