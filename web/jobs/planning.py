"""The planners' action plan, computed where matching runs: the job behind
`web.tasks.refresh_action_plan`.

The plan needs a matcher, so it is never computed by a web request; the pages read the stored
plan (`matching.planning.stored_plan`) and ask for this job when it is missing or older than
the catalog. It runs when a planner page finds the stored plan stale, when a planner presses
"recompute", after the nightly matching run, and every 10 minutes from beat (a no-op while
the catalog did not move), so a plan is usually waiting before anyone looks."""

from __future__ import annotations

import logging

from flask import current_app

from web.jobs.needs import configured_matcher
from web.platform.database import get_db

log = logging.getLogger(__name__)


def plan_build_key() -> str:
    """Which matcher the plan was computed with: a test's swapped-in factory changes the plan
    (named, not repr'd, so every process spells it alike); a deployment has none."""
    factory = current_app.config.get("MATCHER_FACTORY")
    if factory is None:
        return ""
    return f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', factory)}"


def refresh_action_plan(force: bool = False) -> bool:
    """Compute and store the plan unless the stored one is of the current catalog state
    (`force`: recompute anyway). Idempotent; returns whether a plan was computed."""
    from matching.facade import stored_plan

    with get_db().session() as session:
        done = stored_plan.refresh(session, configured_matcher, plan_build_key(), force=force)
    log.info("planner action plan %s", "computed" if done else "already current")
    return done
