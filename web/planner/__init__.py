"""Planners' view (民政规划): where demand is unmet and why — the district map, the gap table,
supply next to demand, emerging needs, the fairness view, exports and a printable page.

Two blueprints: `planner` (pages under /planner, signed-in planners and admins) and
`planner_api` (`GET /api/v1/gaps`, `GET /api/v1/gaps/needs`, Bearer tokens). Both read the same
`catalog.analytics` aggregates, so pages, exports, the API and the notebooks agree."""

from flask import Blueprint

bp = Blueprint(
    "planner",
    __name__,
    url_prefix="/planner",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

from web.planner import actions, views  # noqa: E402,F401  (actions: issue 16)
from web.planner.api import api_bp  # noqa: E402

__all__ = ["api_bp", "bp"]
