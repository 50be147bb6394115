"""This API's OpenAPI document: Open Referral's HSDS 3.0 API profile (shipped in
catalog/data/hsds/schema/openapi.json) with the paths this platform serves, its own title,
version and licence in place of the profile's placeholders, and its server prefix."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

SERVED = (
    "/",
    "/organizations",
    "/organizations/{id}",
    "/services",
    "/services/{id}",
    "/service_at_locations",
    "/service_at_locations/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
)


@cache
def _profile() -> dict[str, Any]:
    path = resources.files("catalog.data").joinpath("hsds/schema/openapi.json")
    return json.loads(path.read_text("utf-8"))


def document() -> dict[str, Any]:
    doc = copy.deepcopy(_profile())
    doc["info"] = {
        "title": "珠海市社区服务供需对接平台 HSDS API / Zhuhai community services directory (HSDS)",
        "version": "1.0.0",
        "description": (
            "公开、只读：经人工确认承接公示需求的社会组织及其公开联系方式、其服务、服务地点与"
            "服务分类。 Public and read-only: the social organizations a person confirmed for "
            "listed needs with their public contact data, their services, where they are "
            "delivered and the service taxonomy."
        ),
        "license": {"name": "CC0-1.0", "identifier": "CC0-1.0"},
    }
    doc["servers"] = [{"url": "/hsds"}]
    doc["paths"] = {p: v for p, v in doc["paths"].items() if p in SERVED}
    return doc
