"""How domain data is shown in the active language: bilingual domain texts (errors, reasons,
category and region names) picked by locale, dates and money in local formats. Registered as
Jinja globals and filters so every template formats the same way."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from flask import Flask, flash
from flask_babel import format_currency, format_date, get_locale, to_user_timezone

from catalog.errors import DomainError, FieldError, ValidationFailed
from catalog.prohibited import rule_name
from catalog.teams import is_team_invite
from web.pages.labels import (
    ACTION_LABELS,
    FUNDING_LABELS,
    GAP_LABELS,
    MATCH_LABELS,
    ORG_TYPE_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    SUGGESTION_LABELS,
)
from web.pages.match_display import match_level, split_suggestions


def locale_name() -> str:
    return str(get_locale() or "zh_Hans_CN")


@lru_cache(maxsize=1)
def _s2t() -> Any:
    from opencc import OpenCC

    return OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Region names and most domain texts exist in Simplified only; Traditional pages convert."""
    return _s2t().convert(text)


def pick(zh: str | None, en: str | None, zh_hant: str | None = None) -> str:
    """One of a bilingual pair for the active locale; Traditional is derived when missing."""
    loc = locale_name()
    if loc.startswith("en"):
        return en or zh or ""
    if loc.startswith("zh_Hant"):
        return zh_hant or (to_traditional(zh) if zh else en or "")
    return zh or en or ""


def error_text(exc: DomainError | FieldError) -> str:
    return pick(exc.zh, exc.en)


def flash_error(exc: DomainError) -> None:
    """Show a domain refusal as one flash message in the reader's language; a validation
    failure lists every field's problem (each message names its field in words)."""
    if isinstance(exc, ValidationFailed) and exc.errors:
        sep = "; " if locale_name().startswith("en") else "；"
        flash(sep.join(error_text(e) for e in exc.errors), "error")
        return
    flash(error_text(exc), "error")


def reason_text(reason: dict[str, Any]) -> str:
    return pick(reason.get("zh"), reason.get("en"), reason.get("zh_hant"))


def named(obj: Any) -> str:
    """Label of a Category or Region in the active locale (None → empty)."""
    if obj is None:
        return ""
    if hasattr(obj, "label"):
        return obj.label(locale_name())
    return pick(obj.name, getattr(obj, "name_en", None))


def local_date(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    """The one date format of every page: Babel's medium date of the locale (2026年12月7日,
    Dec 7, 2026), and for a moment also its local time as HH:mm. One filter, so a page never
    mixes "2026/12/7 09:53" with "2026年12月7日"; `fmt` is kept for old callers and ignored."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        local = to_user_timezone(value)
        return f"{format_date(local.date(), 'medium')} {local:%H:%M}"
    return format_date(value, "medium")


def yuan(amount: int | float | None) -> str:
    if amount is None:
        return ""
    return format_currency(amount, "CNY", format="¤#,##0", currency_digits=False)


def label(table: dict[str, Any], key: str | None) -> str:
    if key is None:
        return ""
    return str(table.get(key, key))


def rule_label(code: str | None) -> str:
    """An Art. 11 rule's short name in the active language, never its code (an unknown code,
    from a rule retired since, shows nothing rather than `full_time_staff`)."""
    names = rule_name(code)
    return pick(*names) if names else ""


def prohibited_text(need: Any) -> str:
    """The Art. 11 screening detail ("中文 / English" per flag) in the active language."""
    import re

    parts = []
    for line in (need.prohibited_detail or "").splitlines():
        halves = re.split(r"\s?/ ", line, maxsplit=1)
        zh = halves[0].strip()
        en = halves[1].strip() if len(halves) > 1 else zh
        parts.append(pick(zh, en))
    return "；".join(p for p in parts if p)


def category_label(item: Any) -> str:
    """A need's (or a category name's) category in the active language."""
    from catalog.models import Category
    from web.platform.database import db_session

    name = item if isinstance(item, str) or item is None else item.category_name
    if not name:
        return ""
    category = db_session().get(Category, name)
    return category.label(locale_name()) if category is not None else name


def lang_url(code: str) -> str:
    """The current page in another language (the choice is then remembered in the session)."""
    from flask import request, url_for

    if (
        request.endpoint is None
        or request.url_rule is None
        or "GET" not in request.url_rule.methods
    ):
        return url_for("public.index", lang=code)
    args = {**request.args.to_dict(), **(request.view_args or {}), "lang": code}
    return url_for(request.endpoint, **args)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        pick=pick,
        reason_text=reason_text,
        named=named,
        error_text=error_text,
        STATUS=STATUS_LABELS,
        SUGGESTION=SUGGESTION_LABELS,
        MATCH=MATCH_LABELS,
        GAP=GAP_LABELS,
        ACTIONS=ACTION_LABELS,
        ROLES=ROLE_LABELS,
        FUNDING=FUNDING_LABELS,
        ORG_TYPES=ORG_TYPE_LABELS,
        label=label,
        category_label=category_label,
        prohibited_text=prohibited_text,
        rule_label=rule_label,
        is_team_invite=is_team_invite,  # an invited team member has no matcher score to show
        match_level=match_level,
        split_suggestions=split_suggestions,
        locale_name=locale_name,
        lang_url=lang_url,
        url_endpoints=app.view_functions,
    )
    app.jinja_env.filters.update(local_date=local_date, yuan=yuan)
