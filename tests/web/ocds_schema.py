"""The official OCDS 1.1.5 release-package schema (shipped in web/schemas/ocds) as a validator,
for every test that checks what the notice board publishes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[2] / "web" / "schemas" / "ocds"


def ocds_validator() -> Draft4Validator:
    package = json.loads((SCHEMAS / "release-package-schema.json").read_text("utf-8"))
    release = json.loads((SCHEMAS / "release-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(release["id"], Resource.from_contents(release))
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def ocds_errors(package: dict[str, Any]) -> list[str]:
    """Schema violations as "path: message", first five, in path order (empty when valid)."""
    errors = sorted(ocds_validator().iter_errors(package), key=lambda e: list(e.path))
    return [f"{list(e.path)}: {e.message}" for e in errors[:5]]
