"""The official OCDS data-review library (`libcoveocds`) run offline against OCDS 1.1.5.

libcoveocds reads the standard from a zip of the standard's repository (its `standard_zip`
setting, else it downloads one). The zip is built here, in memory, from the released 1.1.5
schemas and codelists shipped in web/schemas/ocds, laid out as the repository's `schema/`
folder. The one file of that folder not shipped, versioned-release-validation-schema.json (used
only for record packages with versioned releases), is derived from the release schema by the
same function the standard's build uses (ocdsextensionregistry), so nothing is fetched."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry.versioned_release_schema import get_versioned_release_schema

from tests.web.ocds_schema import SCHEMAS

TAG = "1__1__5"
ROOT = f"standard-{TAG}/"  # a repository zip's single top folder, as GitHub makes them


@cache
def standard_zip() -> bytes:
    """The standard repository's `schema/` folder for 1.1.5, as zip bytes."""
    files: dict[str, bytes] = {
        name: (SCHEMAS / name).read_bytes()
        for name in ("release-schema.json", "release-package-schema.json")
    }
    release = json.loads(files["release-schema.json"])
    versioned = get_versioned_release_schema(release, TAG)
    files["versioned-release-validation-schema.json"] = json.dumps(versioned).encode()
    for path in sorted((SCHEMAS / "codelists").glob("*.csv")):
        files[f"codelists/{path.name}"] = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(ROOT, b"")  # the top folder must come first (ocdsextensionregistry)
        for name, content in files.items():
            archive.writestr(f"{ROOT}schema/{name}", content)
    return buffer.getvalue()


def cove_report(package: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """libcoveocds's API-context report on a release package, checked against 1.1.5 only."""
    config = LibCoveOCDSConfig()
    config.config.update(context="api", standard_zip=standard_zip(), schema_version="1.1")
    return ocds_json_output(
        str(workdir), json_data=package, schema_version="1.1", lib_cove_ocds_config=config
    )


def cove_problems(
    report: dict[str, Any], documented: dict[str, tuple[str, ...]] | None = None
) -> list[str]:
    """What the report finds wrong: schema errors, fields outside 1.1.5, values outside closed
    codelists, open-codelist values other than the `documented` ones (codelist name → values
    the publisher documents, docs/ocds.md), and empty fields."""
    documented = documented or {}
    problems = [f"validation: {e}" for e in report.get("validation_errors", [])]
    problems += [f"additional field: {path}" for path in report.get("additional_fields", [])]
    for key in ("additional_closed_codelist_values", "additional_open_codelist_values"):
        for path, detail in (report.get(key) or {}).items():
            codelist = str(detail.get("codelist", "")).removesuffix(".csv")
            values = set(detail.get("values", []))
            if detail.get("isopen") and values <= set(documented.get(codelist, ())):
                continue
            problems.append(f"{key}: {path}: {sorted(values)}")
    for name, items in (report.get("additional_checks") or {}).items():
        problems += [f"{name}: {item}" for item in items]
    return problems
