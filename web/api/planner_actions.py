"""`GET /api/v1/planner/actions` and `GET /api/v1/planner/red-flags` (issue 16) for planners,
reviewers and admins, within the account's area. The item shapes are a public interface: keep
their keys (matching.planning.actions.Action.as_api, catalog.analytics.red_flags.RedFlag.as_api).

The same filters as `GET /api/v1/gaps` narrow both lists; the account's own district or city
scope always applies on top (web.planner.params.need_filter)."""

from __future__ import annotations

from flask import g, request

from catalog.models import Role
from web.access.reads import records_read
from web.api import bp
from web.api.listing import item_list
from web.api.planner_filters import FILTER_QUERY
from web.api.retry import with_db_retry
from web.api.serialize import iso
from web.api.spec import doc
from web.api.tokens import token_required
from web.planner.params import need_filter
from web.planner.planning import action_plan, flag_list
from web.platform.database import db_session

VIEWERS = (Role.PLANNER, Role.REVIEWER, Role.ADMIN)


@bp.get("/planner/actions")
@token_required(*VIEWERS)
@records_read("need")
@with_db_retry
@doc(
    "Recommended actions for the unmet demand in the caller's area, best first",
    tag="planner",
    query=FILTER_QUERY,
    response="PlannerActionList",
)
def planner_actions():
    """extend_coverage (rank order: any prefix closes what it claims), then incubate, then
    bundle; every closure checked by rerunning the matcher's gap rule. Read from the plan a
    worker stored: `computed_at` says when (null and no items while the first is computed)."""
    plan = action_plan(db_session(), need_filter(request.args, g.actor))
    return item_list(
        plan.actions, lambda a: a.as_api(), computed_at=iso(plan.computed_at), pending=plan.pending
    )


@bp.get("/planner/red-flags")
@token_required(*VIEWERS)
@records_read("need")
@with_db_retry
@doc(
    "Integrity red flags in the caller's area, each with the needs behind it",
    tag="planner",
    query=FILTER_QUERY,
    response="RedFlagList",
)
def planner_red_flags():
    """Open-contracting red flags over the platform's own records; none blocks anything."""
    flags = flag_list(db_session(), need_filter(request.args, g.actor))
    return item_list(flags, lambda f: f.as_api())
