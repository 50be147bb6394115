"""The field table of the API's request bodies: what each field accepts (type, bounds, the
rule for a person's text) and the JSON Schema the OpenAPI document states for it.

Why one table feeds both: the check (web.api.inputs.check) and the document (`schema_of`) read
the same `Field`, so what the document promises and what the API refuses cannot drift apart.
The error must still name the field in Chinese and English like catalog.validation does, which
is why the checker is hand-rolled rather than a schema library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.validation import TEXT_FORBIDDEN

MAX_ID = 64
# Control characters break PostgreSQL (NUL) and logs; ids and query strings never contain them.
QUERY_FORBIDDEN = r"\x00-\x1f\x7f"
QUERY_TEXT = f"^[^{QUERY_FORBIDDEN}]*$"
BAD_ID = re.compile(f"[{QUERY_FORBIDDEN}]")
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


def code_list(reference: str, max_items: int, description: str) -> Field:
    """A non-empty list of distinct codes, each one of the reference set `reference`
    (categories, service areas): the document lists the allowed values."""
    return Field(
        "array",
        items="string",
        min_items=1,
        max_items=max_items,
        unique_items=True,
        reference=reference,
        description=description,
    )


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
