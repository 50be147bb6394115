"""Work a worker process would otherwise do on its first requests, done when it starts.

Measured (issue 14, `/org/` on a fresh process): the first page render spent about 0.6 s
compiling its three Jinja templates, about 0.4 s configuring the ORM mappers and compiling
its first statements, and 0.1 s loading a locale's number and date data (CLDR), against
about 50 ms for every later render. A person who happens to be
the first visitor of a worker should not pay that, so the deployment's entry point (web.wsgi)
pays it once per worker before the worker accepts requests. Tests and the CLI skip it."""

from __future__ import annotations

import datetime as dt

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency
from flask import Flask
from sqlalchemy.orm import configure_mappers


def warm_up(app: Flask) -> None:
    """Configure every mapper, load each interface language's CLDR data and compile every
    page template into the environment's cache (templates are not reloaded in a deployment,
    so the cache holds them for the process)."""
    configure_mappers()
    for code in app.config.get("LANGUAGES", ()):
        locale = Locale.parse(code)
        format_currency(1234.5, "CNY", locale=locale)  # number symbols and currency data
        format_date(dt.date(2026, 1, 1), format="medium", locale=locale)
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        env.get_template(name)
