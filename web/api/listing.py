"""How the API answers with a list: `{"items": [...]}` (and, for a paged list, `total`, `limit`
and `offset`), each row written by the resource's serializer, and the number of rows shown
noted for the read log (web.access.reads). Every list endpoint goes through here, so they page
the same way and none forgets to tell the read log how much it disclosed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Response, jsonify
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from web.access.reads import note_rows
from web.api.query import query_int
from web.api.spec import q

MAX_PAGE = 200
MAX_OFFSET = 10_000_000
DEFAULT_PAGE = 50

# The query arguments of every paged list, as the document states them.
PAGE_QUERY = [
    q("limit", "page size", "integer", minimum=1, maximum=MAX_PAGE),
    q("offset", "items to skip", "integer", minimum=0, maximum=MAX_OFFSET),
]


def page(session: Session, query: Select[Any]) -> tuple[list[Any], int, int, int]:
    """(rows of the page the `limit` and `offset` arguments ask for, total, limit, offset)."""
    limit = query_int("limit", DEFAULT_PAGE, 1, MAX_PAGE)
    offset = query_int("offset", 0, 0, MAX_OFFSET)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.limit(limit).offset(offset)))
    return items, total, limit, offset


def item_list(rows: Sequence[Any], to_json: Callable[[Any], Any], **extra: Any) -> Response:
    """`{"items": [to_json(row) ...], **extra}`, the rows noted for the read log."""
    note_rows(len(rows))
    return jsonify(items=[to_json(row) for row in rows], **extra)


def paged_list(
    session: Session,
    query: Select[Any],
    to_json: Callable[[Any], Any],
    prepare: Callable[[list[Any]], Iterable[Any]] = list,
) -> Response:
    """One page of `query` as `{"items", "total", "limit", "offset"}`; `prepare` turns the
    page's rows into what `to_json` writes (e.g. loads what they link to in one go)."""
    rows, total, limit, offset = page(session, query)
    return item_list(list(prepare(rows)), to_json, total=total, limit=limit, offset=offset)
