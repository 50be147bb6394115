"""Serving the OpenAPI document (built from the live URL map, see web.api.spec)."""

from __future__ import annotations

from flask import current_app, jsonify

from catalog.reference import Reference
from web.api import bp
from web.api.retry import with_db_retry
from web.api.schemas import COMPONENTS
from web.api.spec import build_document, doc
from web.api.tokens import public_endpoint
from web.platform.database import db_session


def references() -> dict[str, list[str]]:
    """The reference values request fields draw from (street codes, categories, service-area
    codes), as the domain validator reads them, so the document's enums are what it accepts."""
    ref = Reference.load(db_session())
    return {
        "streets": sorted(ref.streets),
        "categories": sorted(ref.categories),
        "service_areas": sorted(ref.service_area_codes),
    }


@bp.get("/openapi.json")
@public_endpoint
@with_db_retry
@doc("This OpenAPI document", tag="meta", response="OpenApiDocument")
def openapi_document():
    """The OpenAPI 3.0 document of every route under /api/v1."""
    refs = references()
    key = repr(sorted(refs.items()))
    cached = current_app.extensions.get("api_openapi")
    if cached is None or cached[0] != key:
        cached = (key, build_document(current_app, COMPONENTS, refs))
        current_app.extensions["api_openapi"] = cached
    return jsonify(cached[1])
