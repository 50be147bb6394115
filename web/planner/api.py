"""`GET /api/v1/gaps` and `GET /api/v1/gaps/needs` for planners' own tools (planner or admin
Bearer token). The row shapes are a public interface: keep their keys.

Filters: `district` (6 digits), `street` (9 digits), `category` (subcategory name); optionally
`level` (street — the default — district or city), `status`, `since`, `until` as on the pages,
except that a malformed value is refused (422 naming it) where a page ignores it. A planner's
own district or city scope always applies on top."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from catalog.analytics import LEVELS, gap_table, unmet_needs
from web.api.errors import register as register_api_errors
from web.api.planner_filters import FILTER_QUERY
from web.api.schemas import ref
from web.api.spec import doc, q
from web.api.tokens import token_required
from web.planner.params import need_filter
from web.platform.database import db_session

api_bp = Blueprint("planner_api", __name__, url_prefix="/api/v1")
register_api_errors(api_bp)

# Malformed values are refused (422 naming the parameter) by the check `doc` adds, as this
# document declares them; the pages ignore them instead (web.planner.params).


@api_bp.get("/gaps")
@token_required("planner", "admin")
@doc(
    "Unmet demand by region and category",
    tag="planner",
    query=[
        *FILTER_QUERY,
        q("level", "rows by street (default), district or city", enum=list(LEVELS)),
    ],
    response={"type": "array", "items": ref("GapRow")},
)
def gaps():
    """Region × category rows: needs, matched, unmet and the reasons of the unmet ones."""
    flt = need_filter(request.args, g.actor)
    level = request.args.get("level", "street")
    if level not in LEVELS:
        level = "street"
    return jsonify([r.as_api() for r in gap_table(db_session(), flt, level)])


@api_bp.get("/gaps/needs")
@token_required("planner", "admin")
@doc(
    "The unmet needs, each with its street, category and reason",
    tag="planner",
    query=FILTER_QUERY,
    response={"type": "array", "items": ref("UnmetNeed")},
)
def gap_needs():
    """The unmet needs themselves, each with its street, category and reason."""
    flt = need_filter(request.args, g.actor)
    return jsonify([n.as_api() for n in unmet_needs(db_session(), flt)])
