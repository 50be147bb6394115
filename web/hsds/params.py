"""Query parameters of the HSDS API, checked at the edge: each bad value is a 400 naming the
parameter (web.hsds.ParameterError), never a 500 or a silently ignored filter."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from flask import request

from catalog.exchange.hsds_query import Query
from web.hsds import ParameterError

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
MAX_SEARCH = 100
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def _one(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ParameterError(name, "只能出现一次", "may be given only once")
    return values[0] if values else None


def _integer(name: str, default: int, maximum: int) -> int:
    raw = _one(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ParameterError(
            name, f"须为1到{maximum}之间的整数", f"must be an integer from 1 to {maximum}"
        )
    return int(raw)


def _text(name: str) -> str | None:
    raw = _one(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_SEARCH or any(not ch.isprintable() for ch in raw):
        raise ParameterError(
            name,
            f"须为不超过{MAX_SEARCH}个可打印字符的文字",
            f"must be at most {MAX_SEARCH} printable characters",
        )
    return raw.strip()


def _uuid(name: str) -> str | None:
    raw = _one(name)
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ParameterError(name, "须为UUID", "must be a UUID") from None


def _moment(name: str) -> dt.datetime | None:
    """A date (YYYY-MM-DD, midnight UTC) or an RFC 3339 date-time with an offset."""
    raw = _one(name)
    if raw is None:
        return None
    try:
        if not raw.isascii() or len(raw) < 10:
            raise ValueError(raw)
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ParameterError(
            name,
            "须为日期（YYYY-MM-DD）或带时区的时间（RFC 3339）",
            "must be a date (YYYY-MM-DD) or an RFC 3339 date-time",
        ) from None
    if value.tzinfo is None:
        if len(raw) > 10:
            raise ParameterError(name, "时间须带时区", "a date-time needs a UTC offset")
        value = value.replace(tzinfo=dt.UTC)
    if value < EARLIEST:
        raise ParameterError(name, "不能早于1900年", "must not be before 1900")
    return value


@dataclass(frozen=True)
class Paging:
    number: int
    size: int


def paging() -> Paging:
    return Paging(
        _integer("page", 1, MAX_PAGE), _integer("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    )


def query() -> Query:
    """The filters of a list request (each endpoint reads the ones it documents)."""
    fmt = _one("format")
    if fmt is not None and fmt != "json":
        raise ParameterError("format", "只支持json", "only json is supported")
    return Query(
        search=_text("search"),
        taxonomy_term_id=_uuid("taxonomy_term_id"),
        organization_id=_uuid("organization_id"),
        modified_after=_moment("modified_after"),
    )
