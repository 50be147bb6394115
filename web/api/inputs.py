"""Reading API input defensively: the body must be a JSON object of known fields with the right
types, path ids and query strings must be sane, and anything else is a 4xx naming the field.

Why a hand-rolled checker instead of a schema library: the checks are few, the error must name
the field in Chinese and English like catalog.validation does, and the same field table feeds the
OpenAPI document (see `schema_of`), so the document and the check cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request

from web.api.errors import ApiError

MAX_ID = 64
MAX_INT32 = 2**31 - 1
# Control characters break PostgreSQL (NUL) and logs; ids never contain them.
_BAD_ID = re.compile(r"[\x00-\x1f\x7f]")
_NUL = "\x00"


@dataclass(frozen=True)
class Field:
    """One accepted body field: JSON type, bounds, whether required."""

    kind: str  # "string" | "integer" | "boolean" | "array"
    required: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    nullable: bool = False
    items: str | None = None  # element kind of an array ("string")
    max_items: int | None = None
    enum: tuple[str, ...] | None = None
    description: str = ""


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
    if not isinstance(data, dict):
        raise ApiError(
            422,
            "validation_failed",
            "请求内容须为 JSON 对象",
            "the body must be a JSON object",
            [field_error("body", "须为对象", "must be an object")],
        )
    return data


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
    if spec.kind == "integer":
        lo = spec.minimum if spec.minimum is not None else -MAX_INT32
        hi = spec.maximum if spec.maximum is not None else MAX_INT32
        if not lo <= value <= hi:
            return f"须在{lo}到{hi}之间", f"must be between {lo} and {hi}"
    if spec.kind == "array":
        if spec.max_items is not None and len(value) > spec.max_items:
            return f"最多{spec.max_items}项", f"must have at most {spec.max_items} items"
        if spec.items == "string" and not all(
            isinstance(v, str) and _NUL not in v and len(v) <= MAX_ID for v in value
        ):
            return "每一项都必须是文本", "every item must be a short string"
    return None


def schema_of(fields: Mapping[str, Field]) -> dict[str, Any]:
    """The JSON Schema (OpenAPI flavour) of a field table, for the API document."""
    props: dict[str, Any] = {}
    for name, spec in fields.items():
        prop: dict[str, Any] = {"type": spec.kind}
        if spec.max_length is not None:
            prop["maxLength"] = spec.max_length
        if spec.minimum is not None:
            prop["minimum"] = spec.minimum
        if spec.maximum is not None:
            prop["maximum"] = spec.maximum
        if spec.enum is not None:
            prop["enum"] = list(spec.enum)
        if spec.items:
            prop["items"] = {"type": spec.items, "maxLength": MAX_ID}
        if spec.max_items is not None:
            prop["maxItems"] = spec.max_items
        if spec.nullable:
            prop["nullable"] = True
        if spec.description:
            prop["description"] = spec.description
        props[name] = prop
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    required = [n for n, s in fields.items() if s.required]
    if required:
        schema["required"] = required
    return schema


def clean_id(value: str) -> str | None:
    """A path or query id that could exist, or None (then the caller answers 404)."""
    if not value or len(value) > MAX_ID or _BAD_ID.search(value):
        return None
    return value


def int_id(value: int) -> int | None:
    return value if 0 < value <= MAX_INT32 else None


def query_text(name: str, max_length: int = MAX_ID) -> str | None:
    """A short query-string filter; 422 when too long or carrying control characters."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if len(value) > max_length or _BAD_ID.search(value):
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
