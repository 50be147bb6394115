"""Paging of long lists (a street's needs, the review queue, the admin logs), so every list
reads its page number and counts its pages the same way and none is silently cut off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from web.platform.input_guard import parse_int

PAGE_SIZE = 100
# Far past the end of any list, and small enough that the offset fits every database.
MAX_PAGE = 1_000_000


def page_number(args: Mapping[str, str]) -> int:
    """The `page` argument; anything that is not a page number (1..MAX_PAGE in ASCII digits)
    is the first page, as a link from an old bookmark should still open the list."""
    return parse_int(args.get("page"), 1, MAX_PAGE) or 1


def page_of(
    session: Session,
    query: Select[Any],
    order: tuple[ColumnElement[Any], ...],
    page: int,
    size: int = PAGE_SIZE,
) -> tuple[list[Any], int, int]:
    """(rows of this page, total, number of pages); a page past the end is simply empty."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(*order).offset((page - 1) * size).limit(size)))
    return rows, total, max(1, -(-total // size))
