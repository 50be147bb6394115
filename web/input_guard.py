"""Refusing control characters in form fields and query strings before any view sees them.

A NUL byte is refused by PostgreSQL inside text (the request would die with a database error),
and the other C0 controls have no place in a name, an address or a description: they only ever
arrive from a paste of binary data or from someone probing. Tab, newline and carriage return
stay allowed. The API is left to its own input layer (web/api/inputs.py), which checks every
field and query argument and answers 422 naming it; this guard covers the pages."""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ControlCharacters(BadRequest):
    """400 naming the field, so the page (or the API's JSON error) can say which one."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field}: must not contain control characters")
        self.field = field


def refuse_control_characters() -> None:
    if request.path.startswith("/api/"):
        # The API refuses them itself, as 422 naming the field, and sets its own body limit
        # before the body is read: reading request.form here would read it first.
        return
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if CONTROL.search(key) or CONTROL.search(value):
                raise ControlCharacters(CONTROL.sub("?", key)[:40])


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)
