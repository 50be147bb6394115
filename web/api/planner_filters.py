"""The filters every planner endpoint takes (`/gaps`, `/gaps/needs`, `/planner/actions`,
`/planner/red-flags`), declared once. A module of its own: web.planner.params cannot import the
API package (the API's planner endpoints import it), so the declaration lives on this side."""

from __future__ import annotations

from catalog.analytics import ALL_STATUSES
from web.api.schemas import DISTRICT_CODE, STREET_CODE
from web.api.spec import q

MAX_CATEGORY = 40  # longest subcategory name accepted in a filter (web.planner.params agrees)

FILTER_QUERY = [
    q("district", "district code (6 digits)", pattern=DISTRICT_CODE),
    q("street", "street/town code (9 digits)", pattern=STREET_CODE),
    q("category", "service subcategory", maxLength=MAX_CATEGORY),
    q(
        "status",
        "a need status, or `all` (default: submitted and later)",
        enum=[*ALL_STATUSES, "all"],
    ),
    q("since", "needs posted on or after this day (yyyy-mm-dd, 1900–2999)", "date"),
    q("until", "needs posted on or before this day (yyyy-mm-dd, 1900–2999)", "date"),
]
