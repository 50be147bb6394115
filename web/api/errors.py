"""JSON errors for the API: every refusal is `{"error": {"code", "message", "message_zh",
"fields"}}` with a 4xx status, never an HTML page or a stack trace.

Three layers, because errors reach the client by three roads: blueprint handlers for what our
views raise (domain refusals, HTTP errors, unexpected exceptions); an app-level handler for
unmatched URLs under /api/ (no blueprint owns a 404 for an unknown path); and an after_request
rewrite for anything under /api/ that still leaves as an HTML error (another blueprint's handler,
the rate limiter), so integrators never have to parse HTML.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, jsonify, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from catalog.errors import (
    Conflict,
    DomainError,
    IllegalTransition,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from web.api.tokens import ApiAuthError

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Chinese messages for the HTTP errors an integrator meets; English comes from the code.
HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求格式错误", "the request is malformed"),
    401: ("unauthorized", "需要有效的访问令牌", "a valid Bearer token is required"),
    403: ("forbidden", "无权访问", "you may not do this"),
    404: ("not_found", "资源不存在", "no such resource"),
    405: ("method_not_allowed", "不支持该请求方法", "this method is not allowed here"),
    409: ("conflict", "与当前状态冲突", "conflicts with the current state"),
    413: ("too_large", "请求内容过大", "the request body is too large"),
    415: (
        "unsupported_media_type",
        "请求须为 JSON（application/json）",
        "the body must be JSON (Content-Type: application/json)",
    ),
    422: ("validation_failed", "输入有误", "the input is invalid"),
    429: ("too_many_requests", "尝试次数过多，请稍后再试", "too many attempts, try again later"),
    500: ("internal_error", "服务器内部错误", "internal server error"),
    503: (
        "unavailable",
        "服务暂时不可用，请稍后再试",
        "service temporarily unavailable, retry later",
    ),
}

DOMAIN_STATUS: dict[type[DomainError], int] = {
    ValidationFailed: 422,
    NotFound: 404,
    NotAllowed: 403,
    Conflict: 409,
    IllegalTransition: 409,
}


class ApiError(Exception):
    """A refusal raised by an API view with its status, code and both languages."""

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        fields: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en
        self.fields = fields or []


def error_response(
    status: int,
    code: str,
    en: str,
    zh: str,
    fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = {"error": {"code": code, "message": en, "message_zh": zh, "fields": fields or []}}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, zh, en = HTTP_MESSAGES.get(status, ("http_error", "请求失败", exc.name or "error"))
    headers = {}
    valid = getattr(exc, "valid_methods", None)
    if status == 405 and valid:
        headers["Allow"] = ", ".join(valid)
    if status == 429:
        from web.platform.throttle import retry_after_seconds

        headers["Retry-After"] = str(retry_after_seconds(exc))
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return error_response(status, code, en, zh, headers=headers)


def _domain_error(exc: DomainError) -> Response:
    status = next((s for t, s in DOMAIN_STATUS.items() if isinstance(exc, t)), 400)
    fields = [e.as_dict() for e in exc.errors] if isinstance(exc, ValidationFailed) else []
    return error_response(status, exc.code, exc.en, exc.zh, fields)


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.en, exc.zh, exc.fields)


def _auth_error(exc: ApiAuthError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if exc.status == 401 else None
    return error_response(exc.status, exc.code, exc.en, exc.zh, headers=headers)


def db_error(exc: DBAPIError) -> Response:
    """Database refusals that survived the retries: a unique clash is a conflict, a value the
    database refuses is invalid input, anything else (gone, timed out) is 503, never a 500."""
    if isinstance(exc, IntegrityError):
        return error_response(
            409,
            "conflict",
            "conflicts with an existing record; reload and retry",
            "与已有记录冲突，请刷新后再试",
        )
    if isinstance(exc, DataError):
        return error_response(
            422, "validation_failed", "a value was refused by the database", "数据库拒绝了该取值"
        )
    log.warning("database unavailable during %s %s: %s", request.method, request.path, exc.orig)
    return error_response(
        503,
        "database_unavailable",
        "the database is temporarily unavailable; retry later",
        "数据库暂时不可用，请稍后再试",
        headers={"Retry-After": "5"},
    )


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error in API request %s %s", request.method, request.path)
    code, zh, en = HTTP_MESSAGES[500]
    return error_response(500, code, en, zh)


def _db_error_anywhere(exc: DBAPIError):  # type: ignore[no-untyped-def]
    """Outside a blueprint's own handlers (token lookup, pages): JSON under /api/, a plain
    503 page elsewhere. The request's session is rolled back at teardown, so nothing half
    written survives."""
    if _is_api_request():
        return db_error(exc)
    if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
        raise exc  # a bug on a page (e.g. an unhandled unique clash) stays a logged 500
    from web.platform.security import database_unavailable_page

    return database_unavailable_page(exc)


def _is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def register(bp: Blueprint) -> None:
    """Handlers for what the API blueprint's views raise, plus the app-level safety nets."""
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(ApiAuthError, _auth_error)
    bp.register_error_handler(DomainError, _domain_error)
    bp.register_error_handler(NotFound, _domain_error)  # before the pages' 404 (web.access.authz)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(DBAPIError, db_error)
    bp.register_error_handler(Exception, _unexpected)
    bp.record_once(lambda state: _init_app(state.app))


def _init_app(app: Flask) -> None:
    """Once per app, however many blueprints (ours, the planner's) call `register`."""
    if app.extensions.get("api_errors"):
        return
    app.extensions["api_errors"] = True
    app.register_error_handler(ApiAuthError, _auth_error)
    app.register_error_handler(DBAPIError, _db_error_anywhere)

    @app.after_request
    def _json_errors_under_api(response: Response) -> Response:
        """Rewrite any HTML error under /api/ (unknown URL, 405 from routing, 429 from the
        limiter, another blueprint's handler) into the JSON error shape."""
        if not _is_api_request() or response.status_code < 400:
            return response
        if response.mimetype == "application/json":
            return response
        status = response.status_code
        code, zh, en = HTTP_MESSAGES.get(status, ("http_error", "请求失败", response.status))
        fresh = error_response(status, code, en, zh)
        for key, value in response.headers.items():
            if key.lower() not in ("content-type", "content-length"):
                fresh.headers[key] = value
        return fresh
