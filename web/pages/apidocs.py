"""The API reference page at /api/v1/docs: Swagger UI rendering the live OpenAPI document
(/api/v1/openapi.json). Swagger UI's files come from the `swagger-ui-bundle` package (Swagger UI
4.15.5, Apache-2.0) and are served by the platform itself, so the page works on an intranet and
fits the content security policy (scripts from our own origin only; the page's initializer is a
static file, not an inline script). Not an API operation: hidden from the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.wrappers import Response

from web.access.authz import public
from web.api.spec import hidden_from_openapi

bp = Blueprint("apidocs", __name__, url_prefix="/api/v1/docs")

# The Swagger UI files the page loads; nothing else of the package is served.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})
ASSET_MAX_AGE = 24 * 3600


@bp.get("")
@public
@hidden_from_openapi
def page() -> str:
    return render_template("api/docs.html")


@bp.get("/assets/<filename>")
@public
@hidden_from_openapi
def asset(filename: str) -> Response:
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=ASSET_MAX_AGE)
