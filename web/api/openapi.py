"""Serving the OpenAPI document (built from the live URL map, see web.api.spec)."""

from __future__ import annotations

from flask import current_app, jsonify

from web.api import bp
from web.api.schemas import COMPONENTS
from web.api.spec import build_document, doc
from web.api.tokens import public_endpoint


@bp.get("/openapi.json")
@public_endpoint
@doc("This OpenAPI document", tag="meta", response="OpenApiDocument")
def openapi_document():
    """The OpenAPI 3.0 document of every route under /api/v1."""
    document = current_app.extensions.get("api_openapi")
    if document is None:
        document = build_document(current_app, COMPONENTS)
        current_app.extensions["api_openapi"] = document
    return jsonify(document)
