"""The HSDS 3.0 schemas (shipped in catalog/data/hsds/schema) as validators for the tests.

Objects refer to each other by relative `$ref` ("organization.json"), so every schema file is
registered under its file name. Each is closed first (`additionalProperties: false` wherever
properties are listed), so a field outside HSDS fails as surely as a wrong type or a missing
required field; formats (uuid, email, uri, date-time) are checked."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parents[2] / "catalog" / "data" / "hsds" / "schema"


def closed(node: Any) -> Any:
    if isinstance(node, list):
        return [closed(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: closed(v) for k, v in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


@cache
def load(name: str) -> dict[str, Any]:
    """A schema file by its path under schema/ (e.g. "service.json", "compiled/...")."""
    return closed(json.loads((SCHEMAS / name).read_text("utf-8")))


@cache
def registry() -> Registry:
    resources = [
        (path.name, Resource.from_contents(load(path.name), default_specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json")
        if path.name != "openapi.json"
    ]
    return Registry().with_resources(resources)


def errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())
    found = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{list(e.absolute_path)}: {e.message}" for e in found[:5]]


def openapi() -> dict[str, Any]:
    return json.loads((SCHEMAS / "openapi.json").read_text("utf-8"))


def page_schema(items: dict[str, Any]) -> dict[str, Any]:
    """The profile's Page (components.schemas.Page) with `contents` of the given items."""
    page = closed(openapi()["components"]["schemas"]["Page"])
    page["properties"]["contents"] = {"type": "array", "items": items}
    page["required"] = [*page["properties"]]
    return page


def meta_schema() -> dict[str, Any]:
    get = openapi()["paths"]["/"]["get"]
    return closed(get["responses"]["200"]["content"]["application/json"]["schema"])


def organization_detail_schema() -> dict[str, Any]:
    """organization.json with the profile's `services` array (one-to-one service fields)."""
    schema = json.loads(json.dumps(load("organization.json")))
    schema["properties"]["services"] = {
        "type": "array",
        "items": load("compiled/service_list.json"),
    }
    return schema
