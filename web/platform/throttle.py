"""`Retry-After` on every 429, with the wait the limiter will really impose.

A throttled sign-in (page or API token) must say when to try again, and say it truthfully: a
client told "60 s" while the window is 15 minutes retries into the wall fourteen more times. The
limiter knows when the breached window resets; the header says that, rounded up."""

from __future__ import annotations

import math
import time

from flask import Flask, render_template, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import TooManyRequests

from web.extensions import limiter

FALLBACK_SECONDS = 60


def retry_after_seconds(exc: TooManyRequests | None = None) -> int:
    """Seconds until the breached limit lets the caller in again (at least 1)."""
    try:
        current = limiter.current_limit
        if current is not None and current.breached:
            return max(1, math.ceil(current.reset_at - time.time()))
    except Exception:  # noqa: BLE001 - outside a limited request, or the store is gone
        pass
    if isinstance(exc, RateLimitExceeded):
        # The whole window of the limit that was hit: never shorter than the real wait.
        return max(1, int(exc.limit.limit.get_expiry()))
    return FALLBACK_SECONDS


def _too_many(exc: TooManyRequests):  # type: ignore[no-untyped-def]
    """429 for pages (the error page) and the API (its JSON error), both with Retry-After."""
    headers = {"Retry-After": str(retry_after_seconds(exc))}
    if request.path.startswith("/api/"):
        from web.api.errors import http_error

        response = http_error(exc)
        response.headers.update(headers)
        return response
    return render_template("error.html", error=exc), 429, headers


def init_app(app: Flask) -> None:
    # A handler for the status code wins over the blueprints' handlers for HTTPException.
    app.register_error_handler(429, _too_many)
