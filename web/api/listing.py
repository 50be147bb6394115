"""How the API answers with a list: `{"items": [...]}` (and, for a paged list, `total`, `limit`
and `offset`), each row written by the resource's serializer, and the number of rows shown
noted for the read log (web.access.reads). Every list endpoint goes through here, so they page
the same way and none forgets to tell the read log how much it disclosed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Response, current_app
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


class RawJSON:
    """JSON text read from a JSON column, written into the answer as it is stored instead of
    being parsed into Python and serialized again (issue 14's profile: the suggestions' reasons
    were a fifth of the list's Python time). Only for text the database holds as valid JSON."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# Where a RawJSON stands in the serialized answer: a string with NUL bytes around its number,
# which no value from the database can contain (PostgreSQL text cannot hold NUL; the inputs
# refuse control characters), so nothing else in the answer is ever mistaken for one.
_SLOT = re.compile(r'"\\u0000(\d+)\\u0000"')


def json_response(obj: Any) -> Response:
    """`jsonify(obj)` (the app's JSON provider, compact) with each RawJSON written verbatim."""
    provider = current_app.json
    raws: list[str] = []

    def default(o: Any) -> Any:
        if isinstance(o, RawJSON):
            raws.append(o.text)
            return f"\x00{len(raws) - 1}\x00"
        return provider.default(o)  # type: ignore[attr-defined]

    text = provider.dumps(obj, default=default, separators=(",", ":"))
    if raws:
        text = _SLOT.sub(lambda m: raws[int(m.group(1))], text)
    return current_app.response_class(f"{text}\n", mimetype=provider.mimetype)  # type: ignore[attr-defined]


def item_list(rows: Sequence[Any], to_json: Callable[[Any], Any], **extra: Any) -> Response:
    """`{"items": [to_json(row) ...], **extra}`, the rows noted for the read log."""
    note_rows(len(rows))
    return json_response({"items": [to_json(row) for row in rows], **extra})


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
