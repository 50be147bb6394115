"""Reading the API's path ids and query strings: an id that cannot exist is a 404, a query
argument off what the operation's document declares is a 422 naming it (the same parameter list
the document shows, see web.api.spec)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import request

from web.api.fields import BAD_ID, MAX_ID
from web.api.inputs import field_error, invalid
from web.platform.input_guard import MAX_INT32, parse_day, parse_int


def clean_id(value: str) -> str | None:
    """A path or query id that could exist, or None (then the caller answers 404)."""
    if not value or len(value) > MAX_ID or BAD_ID.search(value):
        return None
    return value


def int_id(value: int) -> int | None:
    return value if 0 < value <= MAX_INT32 else None


def query_text(name: str, max_length: int = MAX_ID) -> str | None:
    """A short query-string filter; 422 when too long or carrying control characters."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if len(value) > max_length or BAD_ID.search(value):
        raise invalid(
            [field_error(name, "参数无效", f"invalid value (at most {max_length} characters)")]
        )
    return value


def query_int(name: str, default: int, lo: int, hi: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or not lo <= int(value) <= hi:
        raise invalid(
            [field_error(name, f"须为{lo}到{hi}之间的整数", f"must be an integer {lo}–{hi}")]
        )
    return int(value)


def check_query(parameters: list[dict[str, Any]]) -> None:
    """Refuse (422, naming each) query arguments that break what the operation's document
    declares for them: given twice, empty where a value is required, not an integer in range,
    not a day, not one of the enum, too long, or off the pattern. The same parameter list is
    the document's, so the document and this check cannot disagree; undeclared arguments are
    ignored."""
    errors: list[dict[str, str]] = []
    for param in parameters:
        if param.get("in") != "query":
            continue
        name = param["name"]
        values = request.args.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            errors.append(field_error(name, "只能给出一次", "must be given at most once"))
            continue
        problem = _query_problem(param["schema"], values[0])
        if problem:
            errors.append(field_error(name, *problem))
    if errors:
        raise invalid(errors)


def _query_problem(schema: Mapping[str, Any], value: str) -> tuple[str, str] | None:
    if schema.get("type") == "integer":
        lo, hi = schema.get("minimum", -MAX_INT32), schema.get("maximum", MAX_INT32)
        if parse_int(value, lo, hi) is None:
            return f"须为{lo}到{hi}之间的整数", f"must be an integer {lo}–{hi}"
        return None
    if "enum" in schema:
        if value not in schema["enum"]:
            shown = " | ".join(schema["enum"])
            return f"取值无效，应为：{shown}", f"must be one of: {shown}"
        return None
    if len(value) < schema.get("minLength", 0):
        return "不能为空", "must not be empty"
    if len(value) > schema.get("maxLength", MAX_ID):
        n = schema.get("maxLength", MAX_ID)
        return f"不能超过{n}个字", f"must be at most {n} characters"
    if schema.get("format") == "date" and parse_day(value) is None:
        return "须为1900至2999年间的日期（yyyy-mm-dd）", "must be a day yyyy-mm-dd (1900–2999)"
    pattern = schema.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        if BAD_ID.search(value):
            return "不能包含控制字符", "must not contain control characters"
        return "格式无效", f"must match {pattern}"
    return None
