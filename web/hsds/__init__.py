"""The public, read-only HSDS 3.0 API under /hsds/ (Open Referral's Human Services Data
Specification, API profile in catalog/data/hsds/schema/openapi.json): the directory of the
organizations a person confirmed for listed needs, their services, where they are delivered
and the service taxonomy. The records are built by catalog.exchange.hsds; this package only
reads parameters, pages and answers JSON. Refusals are the API's JSON errors (web.api.errors),
never an HTML page."""

from __future__ import annotations

from flask import Blueprint, Response
from werkzeug.exceptions import HTTPException

from web.api.errors import error_response, http_error
from web.extensions import csrf
from web.platform.input_guard import ControlCharacters

bp = Blueprint("hsds", __name__, url_prefix="/hsds")
csrf.exempt(bp)  # read-only: no form, no session authority


class ParameterError(Exception):
    """A query parameter the API cannot use, named with what is wrong in both languages."""

    def __init__(self, name: str, zh: str, en: str) -> None:
        super().__init__(f"{name}: {en}")
        self.name, self.zh, self.en = name, zh, en


@bp.errorhandler(ParameterError)
def _bad_parameter(exc: ParameterError) -> Response:
    field = {"field": exc.name, "zh": exc.zh, "en": exc.en}
    return error_response(
        400, "bad_parameter", f"{exc.name}: {exc.en}", f"参数{exc.name}：{exc.zh}", [field]
    )


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException) -> Response:
    if isinstance(exc, ControlCharacters):  # refused app-wide before the view (input_guard)
        return _bad_parameter(
            ParameterError(exc.field, "不能包含控制字符", "must not contain control characters")
        )
    return http_error(exc)


from web.hsds import views  # noqa: E402,F401
