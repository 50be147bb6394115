"""Filtering and paging shared by the admin's log pages (audit log, data access log), so both
read who, which record and which days the same way and count what was shown alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from catalog.clock import local_midnight
from catalog.models import Role
from web.access.authz import roles_required
from web.access.reads import note_rows, records_read
from web.admin import bp
from web.pages.labels import ENTITY_LABELS
from web.pages.paging import page_number, page_of
from web.platform.database import db_session
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


def log_page(
    model: Any,
    args: Mapping[str, str],
    size: int,
    narrow: Callable[[Select[Any], Mapping[str, str]], Select[Any]],
) -> dict[str, Any]:
    """One page of a log filtered by the shared filters (`log_query`) and the log's own
    (`narrow`), newest first, with what its filter form offers: the template arguments both
    log pages share. The rows shown are noted for the read log."""
    query = narrow(log_query(model, args), args)
    page = page_number(args)
    session = db_session()
    events, total, pages = page_of(session, query, (model.at.desc(), model.id.desc()), page, size)
    note_rows(len(events))
    entity_types = distinct_values(session, model.entity_type)
    return dict(
        events=events,
        total=total,
        page=page,
        pages=pages,
        entity_types=entity_types,
        entities=ENTITY_LABELS,
        args=args,
    )


def admin_log(rule: str, entity_type: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A log page: admins only, and opening it is itself on record (who looked at who looked)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        return bp.get(rule)(roles_required(Role.ADMIN)(records_read(entity_type)(view)))

    return decorate
