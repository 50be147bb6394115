"""Request parameters → the aggregates' NeedFilter, with the viewer's own region as a scope
that no parameter can widen (a Doumen planner asking for Xiangzhou gets an empty table)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from catalog.actors import Actor
from catalog.analytics import ALL_STATUSES, DEFAULT_STATUSES, NeedFilter
from web.platform.input_guard import parse_day

CODE = re.compile(r"^[0-9]{6}([0-9]{3})?$")
METRIC_KEYS = ("unmet", "unmet_budget", "unmet_beneficiaries")
MAX_CATEGORY = 40


def _code(value: str | None, length: int) -> str | None:
    value = (value or "").strip()
    return value if CODE.match(value) and len(value) == length else None


def scope_of(actor: Actor | None) -> str | None:
    """Admins see the city; planners their district or the city; anyone else nothing."""
    if actor is None:
        return "-"
    if actor.is_admin:
        return None
    return actor.scope or "-"


def need_filter(args: Mapping[str, str], actor: Actor | None) -> NeedFilter:
    """Unknown or malformed values are ignored rather than refused: a planner editing a URL
    by hand gets the unfiltered view, never an error page. Days are read by the one date
    reader (web.platform.input_guard.parse_day: yyyy-mm-dd, 1900–2999). The API refuses what this
    ignores, before it gets here (its document declares each parameter)."""
    status = (args.get("status") or "").strip()
    if status == "all":
        statuses: tuple[str, ...] = ALL_STATUSES
    elif status in ALL_STATUSES:
        statuses = (status,)
    else:
        statuses = DEFAULT_STATUSES
    category = (args.get("category") or "").strip()[:MAX_CATEGORY] or None
    return NeedFilter(
        district=_code(args.get("district"), 6),
        street=_code(args.get("street"), 9),
        category=category,
        statuses=statuses,
        since=parse_day(args.get("since")),
        until=parse_day(args.get("until")),
        scope=scope_of(actor),
    )


def metric(args: Mapping[str, str]) -> str:
    value = args.get("metric", "unmet")
    return value if value in METRIC_KEYS else "unmet"


def query_args(flt: NeedFilter) -> dict[str, str]:
    """The filter back as query parameters, for links and export URLs."""
    out: dict[str, str] = {}
    if flt.district:
        out["district"] = flt.district
    if flt.street:
        out["street"] = flt.street
    if flt.category:
        out["category"] = flt.category
    if flt.statuses == ALL_STATUSES:
        out["status"] = "all"
    elif flt.statuses != DEFAULT_STATUSES and len(flt.statuses) == 1:
        out["status"] = flt.statuses[0]
    if flt.since:
        out["since"] = flt.since.isoformat()
    if flt.until:
        out["until"] = flt.until.isoformat()
    return out
