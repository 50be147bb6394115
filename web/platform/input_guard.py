"""Input at the edge: one reading of numbers and dates typed into a URL or a form, and refusing
control characters in form fields, query strings and URL paths before any view sees them.

Numbers: only ASCII digits. `str.isdigit()` is true for "²" and "①", which `int()` then refuses
with an exception, and `int()` itself accepts "١٢" (Arabic-Indic) and "１２" (full width): a
number means 0–9 here, nothing else, and it has a range so it always fits the database's
integers. Dates: ISO `yyyy-mm-dd` between FIRST_DAY and LAST_DAY, so a filter such as
`until=9999-12-31` cannot overflow the day arithmetic behind it.

A NUL byte is refused by PostgreSQL inside text (the request would die with a database error),
and the other C0 controls have no place in a name, an address or a description: they only ever
arrive from a paste of binary data or from someone probing. Tab, newline and carriage return
stay allowed. The API is left to its own input layer (web/api/inputs.py), which checks every
field and query argument and answers 4xx naming it; this guard covers the pages."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from catalog.validation import CONTROL

# The largest id or count the database's INTEGER holds (PostgreSQL int4).
MAX_INT32 = 2**31 - 1
# Longest run of digits read as a number; anything longer is not a number a person meant.
MAX_DIGITS = 18
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
_INTEGER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_int(raw: str | None, lo: int = -MAX_INT32, hi: int = MAX_INT32) -> int | None:
    """The whole number written in `raw` (ASCII digits, an optional minus sign, nothing else)
    when it lies in lo..hi; None for anything else."""
    text = raw or ""
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def parse_day(raw: str | None) -> dt.date | None:
    """The calendar day written as yyyy-mm-dd between FIRST_DAY and LAST_DAY; None for
    anything else."""
    text = raw or ""
    if not _DAY.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def number_or_text(raw: str | None) -> int | str | None:
    """A form's number field for a record validator: the number when it is one, the text as
    typed otherwise (so the validator says "must be a whole number"), None when empty."""
    text = (raw or "").strip().replace(",", "")
    if not text:
        return None
    value = parse_int(text, -(10**MAX_DIGITS), 10**MAX_DIGITS)
    return text if value is None else value


class BoundedInt(IntegerConverter):
    """`<int:…>` in every route: ASCII digits only and at most MAX_INT32, so an id too large
    for the database is simply no such page (404) instead of an overflow in the query."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT32, signed=False):  # type: ignore[no-untyped-def]  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


class ControlCharacters(BadRequest):
    """400 naming the field, so the page (or the API's JSON error) can say which one."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: must not contain control characters")
        self.field = field


def refuse_control_characters() -> None:
    if request.path.startswith("/api/"):
        # The API refuses them itself, as 4xx naming the field, and sets its own body limit
        # before the body is read: reading request.form here would read it first.
        return
    if CONTROL.search(request.path):
        # An id with a NUL in the URL would reach the database (PostgreSQL refuses it).
        raise ControlCharacters("URL")
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if CONTROL.search(key) or CONTROL.search(value):
                raise ControlCharacters(CONTROL.sub("?", key)[:40])


def init_app(app: Flask) -> None:
    """Before any blueprint registers its routes, so every `<int:…>` is bounded."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(refuse_control_characters)
