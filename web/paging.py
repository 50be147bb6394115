"""Paging of long lists (a street's needs, the review queue, the admin logs), so every list
reads its page number and counts its pages the same way and none is silently cut off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

PAGE_SIZE = 100


def page_number(args: Mapping[str, str]) -> int:
    """The `page` argument; anything that is not a positive number is the first page."""
    try:
        return max(1, int(args.get("page") or 1))
    except ValueError:
        return 1


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
