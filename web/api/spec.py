"""The OpenAPI document, assembled from the URL map and annotations that sit on each view.

Every rule under /api/v1 appears in the document even without an annotation (summary from the
docstring, parameters from the rule's converters, security from the roles the auth decorator
recorded), so a route cannot be added without being described; `@doc` adds the body schema, query
parameters and responses next to the route that owns them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from flask import Flask

from web.api.fields import DAY_PATTERN, MAX_ID, QUERY_TEXT, Field, schema_of
from web.api.query import check_query
from web.api.schemas import SCHEMA_REF, ref
from web.api.tokens import ALLOWED_ROLES_ATTR, AUTH_KIND_ATTR
from web.platform.input_guard import MAX_INT32

F = TypeVar("F", bound=Callable[..., Any])

PREFIX = "/api/v1"
OPENAPI_ATTR = "openapi"
HIDDEN_ATTR = "hidden_from_openapi"
_PARAM = re.compile(r"<(?:(?P<conv>[a-zA-Z_]\w*)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[a-zA-Z_]\w*)>")

SUCCESS_DESCRIPTIONS = {200: "OK", 201: "Created", 204: "No Content"}
ERROR_DESCRIPTIONS = {
    400: "Malformed request (e.g. body is not JSON)",
    401: "Missing, unknown or expired token",
    403: "Role or scope does not allow this",
    404: "No such resource (or not visible to the caller)",
    405: "Method not allowed",
    409: "Conflicts with the current state (illegal transition, stale version)",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Invalid field values; `fields` names each",
    429: "Too many attempts",
}
UNEXPECTED = (
    "Unexpected error (500), or the database is unavailable (503, retry after `Retry-After`)"
)


def q(name: str, description: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    """A query parameter for `@doc(query=[...])`. What it declares is what the server checks
    (web.api.query.check_query): a text is 1..64 characters without control characters unless
    it says otherwise, `kind="date"` is a day yyyy-mm-dd in 1900–2999."""
    if kind == "date":
        kind = "string"
        extra = {"format": "date", "pattern": DAY_PATTERN, **extra}
    schema: dict[str, Any] = {"type": kind, **extra}
    if kind == "string" and "enum" not in schema:
        schema.setdefault("minLength", 1)
        schema.setdefault("maxLength", MAX_ID)
        schema.setdefault("pattern", QUERY_TEXT)
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def doc(
    summary: str,
    *,
    tag: str,
    body: Mapping[str, Field] | None = None,
    body_optional: bool = False,
    query: list[dict[str, Any]] | None = None,
    ok: int = 200,
    response: str | dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
    description: str = "",
) -> Callable[[F], F]:
    """Describe one operation. `response` names a component schema or gives one inline. The
    declared query parameters are checked before the view runs (after authentication)."""

    def decorate(view: F) -> F:
        op: dict[str, Any] = {"summary": summary, "tags": [tag]}
        if description:
            op["description"] = description
        if query:
            op["parameters"] = list(query)
        if body is not None:
            op["requestBody"] = {"required": not body_optional}
            op["x-body"] = body
        schema = ref(response) if isinstance(response, str) else response
        ok_response: dict[str, Any] = {"description": SUCCESS_DESCRIPTIONS.get(ok, "OK")}
        if schema is not None:
            ok_response["content"] = {"application/json": {"schema": schema}}
        op["responses"] = {str(ok): ok_response}
        op["x-errors"] = errors

        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            check_query(op.get("parameters", []))
            return view(*args, **kwargs)

        setattr(checked, OPENAPI_ATTR, op)
        return checked  # type: ignore[return-value]

    return decorate


def hidden_from_openapi(view: F) -> F:
    """Mark a view under /api/v1 that is not an API operation (the reference page and its
    assets), so the document leaves it out."""
    setattr(view, HIDDEN_ATTR, True)
    return view


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params: list[dict[str, Any]] = []

    def repl(m: re.Match[str]) -> str:
        conv, args, name = m.group("conv") or "string", m.group("args"), m.group("name")
        schema: dict[str, Any]
        if conv == "int":
            # web.platform.input_guard.BoundedInt: larger ids match no route (404).
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_INT32}
        elif conv == "any":
            schema = {
                "type": "string",
                "enum": [a.strip().strip("'\"") for a in (args or "").split(",")],
            }
        else:
            schema = {"type": "string", "maxLength": MAX_ID}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _PARAM.sub(repl, rule), params


def _operation(
    view: Callable[..., Any],
    method: str,
    path_params: list[dict[str, Any]],
    references: Mapping[str, list[str]],
) -> dict:
    base = dict(getattr(view, OPENAPI_ATTR, None) or {})
    errors = set(base.pop("x-errors", ()))
    body = base.pop("x-body", None)
    if body is not None:
        base["requestBody"] = {
            **base["requestBody"],
            "content": {"application/json": {"schema": schema_of(body, references)}},
        }
    if not base:
        first_line = (view.__doc__ or view.__name__).strip().splitlines()[0]
        base = {"summary": first_line, "responses": {"200": {"description": "OK"}}}
    op: dict[str, Any] = {**base, "operationId": f"{view.__name__}_{method.lower()}"}
    op["parameters"] = path_params + list(base.get("parameters", []))
    if not op["parameters"]:
        del op["parameters"]
    kind = getattr(view, AUTH_KIND_ATTR, None)
    roles = sorted(getattr(view, ALLOWED_ROLES_ATTR, None) or [])
    if kind == "public":
        op["security"] = []
    elif kind == "basic":
        op["security"] = [{"basicAuth": []}]
        errors |= {401, 429}
    else:
        op["security"] = [{"bearerAuth": []}]
        op["x-roles"] = [r for r in roles if r != "*"]
        errors |= {401, 403}
    if path_params:
        errors.add(404)
    if "requestBody" in op:
        errors |= {400, 413, 415, 422}
    if op.get("parameters"):
        errors.add(422)
    responses = dict(op["responses"])
    for status in sorted(errors):
        responses.setdefault(
            str(status),
            {
                "description": ERROR_DESCRIPTIONS.get(status, "Error"),
                "content": {"application/json": {"schema": ref("Error")}},
            },
        )
    responses["default"] = {
        "description": UNEXPECTED,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    op["responses"] = responses
    return op


def build_document(
    app: Flask, components: Mapping[str, Any], references: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """The whole OpenAPI 3.0 document for every rule under /api/v1 in this app. `references`
    lists the street codes, categories and service-area codes that exist, so fields drawing
    from them are enums (the values the domain validator accepts)."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        if getattr(view, HIDDEN_ATTR, False):
            continue
        path, params = _path_and_params(rule.rule[len(PREFIX) :] or "/")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                view, method, params, references or {}
            )
    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "Zhuhai community services supply–demand hub API",
            "version": "1.0.0",
            "description": (
                "Needs posted by street offices, reviewed, matched to social organizations, "
                "confirmed by people and listed publicly. Obtain a token with HTTP Basic at "
                "POST /tokens and send `Authorization: Bearer <token>`. Errors are JSON: "
                '{"error": {"code", "message", "message_zh", "fields"}}. An account holds at '
                "most `API_MAX_TOKENS` (default 20) live tokens: signing in once more revokes "
                "its oldest token. Every 429 carries `Retry-After`, the seconds until the "
                "throttle's window reopens."
            ),
        },
        "servers": [{"url": PREFIX}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "basicAuth": {"type": "http", "scheme": "basic"},
            },
            "schemas": dict(components),
        },
    }
    dangling = sorted(set(_refs(document)) - {f"{SCHEMA_REF}{name}" for name in components})
    if dangling:
        raise ValueError(f"the OpenAPI document refers to undefined schemas: {dangling}")
    return document


def _refs(node: Any) -> Iterator[str]:
    """Every `$ref` in a document tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
