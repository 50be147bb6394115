"""JSON API under /api/v1, token-authenticated (see web.api.tokens), one module per resource.

The blueprint is exempt from CSRF because it never reads the session cookie: a call without a
Bearer token is anonymous, so a forged cross-site request carries no authority.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from web.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# Bodies are small JSON documents; refuse anything bigger early with 413 (the app-wide limit is
# sized for file imports in the browser).
DEFAULT_MAX_BODY = 256 * 1024


@bp.before_request
def _limit_body() -> None:
    request.max_content_length = current_app.config.get("API_MAX_CONTENT_LENGTH", DEFAULT_MAX_BODY)


from web.api import errors  # noqa: E402

errors.register(bp)

from web.api import (  # noqa: E402,F401
    needs,
    notices,
    notifications,
    openapi,
    opportunities,
    organizations,
    planner_actions,
    public,
    records,
    session,
    suggestions,
)
