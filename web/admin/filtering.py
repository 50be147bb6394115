"""Filtering shared by the admin's log pages (audit log, data access log), so both read who,
which record and which days the same way (paging: web.pages.paging)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from catalog.clock import local_midnight
from web.platform.input_guard import parse_day


def within_days(query: Select[Any], column: Any, args: Mapping[str, str]) -> Select[Any]:
    """Limit to the Zhuhai calendar days `from`..`to` (both inclusive). A value that is not a
    day (web.platform.input_guard.parse_day: yyyy-mm-dd, 1900–2999) is ignored rather than an error
    page."""
    start, end = parse_day(args.get("from")), parse_day(args.get("to"))
    if start:
        query = query.where(column >= local_midnight(start))
    if end:
        next_day = local_midnight(end + dt.timedelta(days=1))
        query = query.where(column < next_day)
    return query


def log_query(model: Any, args: Mapping[str, str]) -> Select[Any]:
    """Rows of a log table (columns actor, entity_type, entity_id, at) matching the filters."""
    query = select(model)
    if args.get("actor"):
        query = query.where(model.actor == args["actor"].strip())
    if args.get("entity_type"):
        query = query.where(model.entity_type == args["entity_type"])
    if args.get("entity_id"):
        query = query.where(model.entity_id == args["entity_id"].strip())
    return within_days(query, model.at, args)


def distinct_values(session: Session, column: Any) -> list[str]:
    """The values a filter's drop-down offers, sorted."""
    return list(session.scalars(select(column).distinct().order_by(column)))
