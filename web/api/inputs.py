"""Reading API request bodies defensively: the body must be a JSON object of known fields with
the right types and bounds (the field table is web.api.fields), and anything else is a 4xx naming
the field in Chinese and English. Query strings and path ids are read in web.api.query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask import request

from catalog.validation import text_problem
from web.api.errors import ApiError
from web.api.fields import BAD_ID, MAX_ID, Field
from web.platform.input_guard import MAX_INT32

_NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
}


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _JSON_TYPES[kind])


def field_error(field: str, zh: str, en: str) -> dict[str, str]:
    return {"field": field, "zh": zh, "en": en}


def invalid(fields: list[dict[str, str]]) -> ApiError:
    zh = "；".join(f"{f['field']}: {f['zh']}" for f in fields)
    en = "; ".join(f"{f['field']}: {f['en']}" for f in fields)
    return ApiError(422, "validation_failed", zh, en, fields)


def read_json(optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object. Empty body is {} when `optional`.

    415 for another content type, 400 for bytes that are not JSON, 422 for JSON that is not an
    object; 413 comes from Werkzeug when the body exceeds the API's content-length limit."""
    raw = request.get_data(cache=True)
    if not raw and optional:
        return {}
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "请求须为 JSON（application/json）",
            "the body must be JSON (Content-Type: application/json)",
        )
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise ApiError(
            400, "bad_json", "请求内容不是有效的 JSON", f"body is not valid JSON: {exc}"
        ) from exc
    where = _lone_surrogate(data)
    if where is not None:
        raise ApiError(
            400,
            "bad_json",
            f"{where}: 含有不成对的代理字符（不是有效的 Unicode 文本）",
            f"{where}: contains a lone surrogate (\\ud800–\\udfff), not valid Unicode text",
            [field_error(where, "含有不成对的代理字符", "contains a lone surrogate")],
        )
    if not isinstance(data, dict):
        raise ApiError(
            422,
            "validation_failed",
            "请求内容须为 JSON 对象",
            "the body must be a JSON object",
            [field_error("body", "须为对象", "must be an object")],
        )
    return data


def _lone_surrogate(value: Any, path: str = "body") -> str | None:
    """Where a JSON string (or key) holds half of a surrogate pair, e.g. "\\ud800": JSON
    escapes allow it, but it is no character and no database can store it."""
    if isinstance(value, str):
        return path if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = str(key) if path == "body" else f"{path}.{key}"
            if _SURROGATE.search(str(key)):
                return _SURROGATE.sub("?", name)[:64]
            found = _lone_surrogate(item, name)
            if found:
                return found
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate(item, f"{path}[{i}]")
            if found:
                return found
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def check(data: Mapping[str, Any], fields: Mapping[str, Field]) -> dict[str, Any]:
    """Check types and bounds of the known fields; unknown fields are refused so a typo does
    not silently do nothing. Returns the accepted fields. Domain rules come after, in catalog."""
    errors: list[dict[str, str]] = []
    for name in data:
        if name not in fields:
            errors.append(field_error(str(name)[:64], "不支持的字段", "unknown field"))
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in data:
            if spec.required:
                errors.append(field_error(name, "必填项缺失", "is required"))
            continue
        value = data[name]
        if value is None:
            if spec.nullable:
                out[name] = None
            else:
                errors.append(field_error(name, "不能为空", "must not be null"))
            continue
        problem = _problem(spec, value)
        if problem:
            errors.append(field_error(name, *problem))
        else:
            out[name] = value
    if errors:
        raise invalid(errors)
    return out


def _problem(spec: Field, value: Any) -> tuple[str, str] | None:
    if not _type_ok(spec.kind, value):
        zh = {
            "string": "必须是文本",
            "integer": "必须是整数",
            "boolean": "必须是布尔值",
            "array": "必须是数组",
        }[spec.kind]
        return zh, f"must be of type {spec.kind}"
    if spec.kind == "string":
        return _string_problem(spec, value)
    if spec.kind == "integer":
        lo = spec.minimum if spec.minimum is not None else -MAX_INT32
        hi = spec.maximum if spec.maximum is not None else MAX_INT32
        if not lo <= value <= hi:
            return f"须在{lo}到{hi}之间", f"must be between {lo} and {hi}"
    if spec.kind == "array":
        return _array_problem(spec, value)
    return None


def _string_problem(spec: Field, value: str) -> tuple[str, str] | None:
    if _NUL in value:
        return "不能包含空字符", "must not contain NUL characters"
    if spec.max_length is not None and len(value) > spec.max_length:
        return (
            f"不能超过{spec.max_length}个字（现有{len(value)}个）",
            f"must be at most {spec.max_length} characters (got {len(value)})",
        )
    if spec.enum is not None and value not in spec.enum:
        shown = " | ".join(spec.enum)
        return f"取值无效，应为：{shown}", f"must be one of: {shown}"
    if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
        return text_problem(value) or spec.mismatch or _too_short(spec.min_length or 1)
    return None


def _too_short(lo: int) -> tuple[str, str]:
    if lo <= 1:
        return "不能为空白", "must not be blank"
    return f"至少{lo}个字（不计首尾空白）", f"must be at least {lo} characters (blanks aside)"


def _array_problem(spec: Field, value: list[Any]) -> tuple[str, str] | None:
    if spec.max_items is not None and len(value) > spec.max_items:
        return f"最多{spec.max_items}项", f"must have at most {spec.max_items} items"
    if spec.min_items is not None and len(value) < spec.min_items:
        return f"至少{spec.min_items}项", f"must have at least {spec.min_items} items"
    if spec.items == "string" and not all(
        isinstance(v, str) and 0 < len(v) <= MAX_ID and not BAD_ID.search(v) for v in value
    ):
        return "每一项都必须是简短的文本", "every item must be a short string"
    if spec.unique_items and len(set(value)) != len(value):
        return "各项不能重复", "items must not repeat"
    return None
