"""One way to search, filter and sort the lists people work through: the office's needs, the
review queue and the organization's opportunities read the same arguments (`q`, `status`,
`street`, `category`, `from`, `to`, `sort`, `dir`) and apply them the same way. Words go
through `word_search` (jieba, Simplified or Traditional), as on the public board.

Anything that does not parse (an unknown status, a date like 2024-13-40, a sort key of another
page) is ignored rather than refused: a link from an old bookmark still opens the list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from catalog.models import Need
from web.pages.word_search import words_clause

# Columns a list may be sorted by; each page offers the ones it shows.
SORTS: dict[str, InstrumentedAttribute[Any]] = {
    "title": Need.title,
    "status": Need.status,
    "street": Need.street_code,
    "category": Need.category_name,
    "updated": Need.updated_at,
    "submitted": Need.submitted_at,
    "listed": Need.listed_at,
    "budget": Need.budget_yuan,
}
MAX_WORDS_TEXT = 100


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    status: str = ""
    street: str = ""
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = ""
    descending: bool = False

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], statuses: Iterable[str] = (), sorts: Iterable[str] = ()
    ) -> ListQuery:
        """The list's arguments; a status or sort key the page does not offer is dropped."""

        def clean(key: str, size: int) -> str:
            return (args.get(key) or "").strip()[:size]

        status, sort = clean("status", 20), clean("sort", 20)
        return cls(
            q=clean("q", MAX_WORDS_TEXT),
            status=status if status in set(statuses) else "",
            street=clean("street", 12),
            category=clean("category", 40),
            date_from=_date(args.get("from")),
            date_to=_date(args.get("to")),
            sort=sort if sort in set(sorts) & set(SORTS) else "",
            descending=args.get("dir") == "desc",
        )

    def where(self, session: Session, query: Select[Any], dated: Any) -> Select[Any]:
        """The filters as SQL on a query of needs; `dated` is the column `from`/`to` bound."""
        if self.status:
            query = query.where(Need.status == self.status)
        if self.street:
            query = query.where(Need.street_code == self.street)
        if self.category:
            query = query.where(Need.category_name == self.category)
        if self.date_from:
            query = query.where(dated >= dt.datetime.combine(self.date_from, dt.time()))
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time())
            query = query.where(dated < end)
        clause = words_clause(session, self.q)
        return query if clause is None else query.where(clause)

    def order(self, default: tuple[ColumnElement[Any], ...]) -> tuple[ColumnElement[Any], ...]:
        """The chosen column (then the page's own order, so ties stay stable), or the default."""
        if not self.sort:
            return default
        column = SORTS[self.sort]
        chosen = column.desc().nulls_last() if self.descending else column.asc().nulls_last()
        return (chosen, *default)

    def keep(self, ids: Iterable[str], session: Session, dated: Any) -> set[str]:
        """Which of these needs pass the filters (for lists built outside SQL, such as an
        organization's ranked opportunities)."""
        wanted = list(ids)
        if not wanted:
            return set()
        query = self.where(session, select(Need.id).where(Need.id.in_(wanted)), dated)
        return set(session.scalars(query))

    def sort_key(self, need: Need) -> tuple[bool, Any]:
        """A Python sort key for the chosen column (None last, like the SQL order)."""
        value = getattr(need, SORTS[self.sort].key)
        return (value is None, value if value is not None else 0)

    def args(self, **changes: Any) -> dict[str, str]:
        """This query as URL arguments (with `changes`), for sort links and the pager."""
        lq = replace(self, **changes)
        out = {
            "q": lq.q,
            "status": lq.status,
            "street": lq.street,
            "category": lq.category,
            "from": lq.date_from.isoformat() if lq.date_from else "",
            "to": lq.date_to.isoformat() if lq.date_to else "",
            "sort": lq.sort,
            "dir": "desc" if lq.sort and lq.descending else "",
        }
        return {k: v for k, v in out.items() if v}

    def sort_link(self, key: str) -> dict[str, str]:
        """Arguments of a column header's link: sort by it, or flip the direction when it is
        already the sort column."""
        return self.args(sort=key, descending=self.sort == key and not self.descending)

    def sorted_as(self, key: str) -> str:
        """`aria-sort` of a column header."""
        if self.sort != key:
            return "none"
        return "descending" if self.descending else "ascending"
