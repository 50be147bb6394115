"""The HSDS directory as HSDS 3.0 tabular data: one CSV per object (named by the object
schema's `path`, e.g. organizations.csv) and a Frictionless `datapackage.json` describing them,
the form directories exchange as files. The same records as the HSDS API
(catalog.exchange.hsds), flattened: every nested object becomes a row of its own file, linked
by id, and each file has every one-to-one field of its object's schema as a column (the
schemas ship in catalog/data/hsds), empty where the platform has no value."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from catalog.exchange import hsds, hsds_contact

PACKAGE_NAME = "zhuhai-community-services-hsds"
# Frictionless field types for the JSON Schema ones of HSDS.
FIELD_TYPES = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean"}
STRING_FORMATS = ("uuid", "email", "uri")


@cache
def object_schema(name: str) -> dict[str, Any]:
    """An HSDS object schema (organization, service, ...) from catalog/data/hsds/schema."""
    path = resources.files("catalog.data").joinpath(f"hsds/schema/{name}.json")
    return json.loads(path.read_text("utf-8"))


def columns(name: str) -> list[str]:
    """The one-to-one fields of an object: its CSV columns, in the schema's order."""
    props = object_schema(name)["properties"]
    return [k for k, v in props.items() if v.get("type") not in ("array", "object", None)]


def _field(name: str, prop: dict[str, Any], required: set[str]) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "description": prop.get("description", "")}
    kind, fmt = prop.get("type", "string"), prop.get("format")
    if fmt == "date-time":
        field["type"] = "datetime"
    else:
        field["type"] = FIELD_TYPES.get(kind, "string")
        if fmt in STRING_FORMATS:
            field["format"] = fmt
    constraints = {"required": True} if name in required else {}
    if prop.get("constraints", {}).get("unique"):
        constraints["unique"] = True
    if "enum" in prop:
        constraints["enum"] = prop["enum"]
    if constraints:
        field["constraints"] = constraints
    return field


def resource(name: str) -> dict[str, Any]:
    """The datapackage entry of one object's CSV file."""
    schema = object_schema(name)
    required = set(schema.get("required", []))
    props = schema["properties"]
    return {
        "name": schema["name"],
        "path": schema["path"],
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": schema.get("description", ""),
        "schema": {
            "fields": [_field(c, props[c], required) for c in columns(name)],
            "primaryKey": "id",
        },
    }


def tables(directory: hsds.Directory) -> dict[str, list[hsds.Record]]:
    """Every record of the directory by object name, flattened (no nested objects)."""
    services = directory.services()
    pairs = [(s, r) for s in services for r in directory.areas(s.org)]
    regions = {r.code: r for _s, r in pairs}
    orgs = directory.organizations
    offices = [loc for o in orgs if (loc := hsds_contact.office_location(directory, o))]
    return {
        "organization": [hsds.organization(o) for o in orgs],
        "organization_identifier": [hsds.organization_identifier(o) for o in orgs],
        "phone": [p for o in orgs for p in hsds_contact.phones(o)],
        "service": [hsds.service(s) for s in services],
        "service_area": [hsds.service_area(directory, s, r) for s, r in pairs],
        "location": [hsds.location(directory, r) for r in regions.values()] + offices,
        "address": [a for o in orgs for a in hsds_contact.addresses(directory, o)],
        "schedule": [x for o in orgs for x in hsds_contact.schedules(o)],
        "service_at_location": [hsds.service_at_location(directory, s, r) for s, r in pairs],
        "attribute": [hsds.attribute(s) for s in services],
        "taxonomy": [hsds.taxonomy()],
        "taxonomy_term": hsds.taxonomy_terms(directory.categories),
    }


def _write_csv(path: Path, fields: list[str], rows: Iterable[hsds.Record]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            count += 1
    return count


def export_hsds(session: Session, target: str | Path) -> dict[str, int]:
    """Write the CSV files and datapackage.json into `target` (created if missing); returns
    the number of rows per file."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    resources_: list[dict[str, Any]] = []
    for name, rows in tables(hsds.Directory.load(session)).items():
        entry = resource(name)
        counts[entry["path"]] = _write_csv(target / entry["path"], columns(name), rows)
        resources_.append(entry)
    package = {
        "name": PACKAGE_NAME,
        "title": "珠海市社区服务供需对接平台：社会组织与服务目录（HSDS 3.0）",
        "profile": "tabular-data-package",
        "version": hsds.HSDS_VERSION,
        "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
        "resources": resources_,
    }
    (target / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return counts
