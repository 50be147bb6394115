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

from catalog.validation import TEXT_FORBIDDEN, text_problem
from web.api.errors import ApiError
from web.platform.input_guard import MAX_INT32, parse_day, parse_int

MAX_ID = 64
# Control characters break PostgreSQL (NUL) and logs; ids and query strings never contain them.
QUERY_FORBIDDEN = r"\x00-\x1f\x7f"
QUERY_TEXT = f"^[^{QUERY_FORBIDDEN}]*$"
_BAD_ID = re.compile(f"[{QUERY_FORBIDDEN}]")
_NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")
# What Python's str.strip() removes, less the controls text refuses anyway: the blanks around a
# title. Spelled out (not \s) so Python, the document's readers and JSON Schema agree.
BLANKS = r"\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A day as the API reads it (web.platform.input_guard.parse_day): yyyy-mm-dd, years 1900–2999.
DAY_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-[0-9]{2}-[0-9]{2}$"


def text_pattern(min_chars: int) -> str:
    """The rule for a person's text as a regex: none of the refused characters
    (catalog.validation.TEXT_FORBIDDEN) and at least `min_chars` once surrounding blanks are
    stripped (catalog.validation counts that way). The document states it and `check` applies
    it, so they cannot disagree."""
    any_char = f"[^{TEXT_FORBIDDEN}]"
    solid = f"[^{BLANKS}{TEXT_FORBIDDEN}]"
    if min_chars <= 1:
        return f"^{any_char}*{solid}{any_char}*$"
    return f"^[{BLANKS}]*{solid}{any_char}{{{min_chars - 2},}}{solid}[{BLANKS}]*$"


PLAIN_TEXT = f"^[^{TEXT_FORBIDDEN}]*$"


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
    min_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    unique_items: bool = False
    # Values that exist in the reference data ("streets", "categories", "service_areas"): the
    # document lists them (web.api.spec), the domain validator refuses the others by name.
    reference: str | None = None
    # What a value off `pattern` is told (Chinese, English), when the pattern is a syntax
    # (catalog.contact: phone, e-mail, URL) rather than the rule for a person's text.
    mismatch: tuple[str, str] | None = None


def text(
    lo: int, hi: int, *, required: bool = False, nullable: bool = False, description: str = ""
) -> Field:
    """A person's text of lo..hi characters (without surrounding blanks, at most hi in all)."""
    return Field(
        "string",
        required=required,
        min_length=lo,
        max_length=hi,
        pattern=text_pattern(lo),
        nullable=nullable,
        description=description,
    )


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
        isinstance(v, str) and 0 < len(v) <= MAX_ID and not _BAD_ID.search(v) for v in value
    ):
        return "每一项都必须是简短的文本", "every item must be a short string"
    if spec.unique_items and len(set(value)) != len(value):
        return "各项不能重复", "items must not repeat"
    return None


def schema_of(
    fields: Mapping[str, Field], references: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """The JSON Schema (OpenAPI flavour) of a field table, for the API document.
    `references` lists the values of each reference set a field draws from."""
    props: dict[str, Any] = {}
    for name, spec in fields.items():
        props[name] = _property(spec, (references or {}).get(spec.reference or ""))
    schema: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    required = [n for n, s in fields.items() if s.required]
    if required:
        schema["required"] = required
    return schema


def _property(spec: Field, allowed: list[str] | None) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": spec.kind}
    keywords = (
        ("minLength", spec.min_length),
        ("maxLength", spec.max_length),
        ("pattern", spec.pattern),
        ("minimum", spec.minimum),
        ("maximum", spec.maximum),
        ("minItems", spec.min_items),
        ("maxItems", spec.max_items),
    )
    prop.update({k: v for k, v in keywords if v is not None})
    enum = list(spec.enum) if spec.enum is not None else None
    if spec.items:
        item: dict[str, Any] = {"type": spec.items}
        if allowed is not None:
            item["enum"] = allowed
        else:
            item.update(minLength=1, maxLength=MAX_ID, pattern=QUERY_TEXT)
        prop["items"] = item
    elif allowed is not None:
        enum = allowed
    if spec.unique_items:
        prop["uniqueItems"] = True
    if enum is not None:
        prop["enum"] = [*enum, None] if spec.nullable else enum
    if spec.nullable:
        prop["nullable"] = True
    if spec.description:
        prop["description"] = spec.description
    return prop


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
        if _BAD_ID.search(value):
            return "不能包含控制字符", "must not contain control characters"
        return "格式无效", f"must match {pattern}"
    return None
