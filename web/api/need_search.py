"""Word search, date bounds and sorting for `GET /api/v1/needs`: the same `ListQuery` the
office list and the review queue use, so a client finds what the pages find. The parameters are
declared here once; `@doc` checks them (web.api.inputs.check_query) before the view runs."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import Select
from sqlalchemy.orm import Session

from catalog.models import Need
from web.api.spec import q
from web.pages.list_query import ListQuery

API_SORTS = ("title", "status", "street", "category", "updated", "submitted", "listed")
SEARCH_QUERY = [
    q(
        "q",
        "words (Simplified or Traditional) in the title, description or a category name",
        maxLength=100,
    ),
    q("from", "updated on or after this day", "date"),
    q("to", "updated on or before this day", "date"),
    q("sort", "sort column (default: newest first)", enum=list(API_SORTS)),
    q("dir", "sort direction", enum=["asc", "desc"]),
]


def search(session: Session, query: Select[Any]) -> Select[Any]:
    """The words, dates and sort of the request applied to a query of needs (status, street
    and category are the list's own filters)."""
    words_and_order = {
        k: request.args[k] for k in ("q", "from", "to", "sort", "dir") if k in request.args
    }
    lq = ListQuery.from_args(words_and_order, sorts=API_SORTS)
    return lq.where(session, query, Need.updated_at).order_by(
        *lq.order((Need.created_at.desc(), Need.id))
    )
