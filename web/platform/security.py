"""Browser-facing hardening: security headers on every response and friendly, translated error
pages outside the API.

The content security policy allows only the platform's own assets (which also proves nothing is
loaded from the internet — the platform must work on an intranet). Scripts run only from files
served by the platform; an inline script needs the per-request nonce (`csp_nonce()` in
templates). Inline *styles* stay allowed because vendored chart code sets them; they cannot run
code. JSON responses get the strictest policy (`default-src 'none'`): nothing should ever render
them as a page.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Request, Response, g, render_template, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'nonce-{nonce}'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS,
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce() -> str:
    """This request's script nonce (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _is_api() -> bool:
    """JSON APIs: the platform's own and the public HSDS directory."""
    return request.path.startswith(("/api/", "/hsds/"))


def add_headers(response: Response) -> Response:
    """The headers every response carries. A header the view set itself is kept: the names
    present are read once (werkzeug's `setdefault` scans the whole list per name, ~230 string
    lowerings per API response in issue 14's profile)."""
    headers = response.headers
    present = {key.lower() for key, _ in headers.items()}
    for key, value in STATIC_HEADERS.items():
        if key.lower() not in present:
            headers.add(key, value)
    if "content-security-policy" not in present:
        if response.mimetype == "text/html":
            policy = PAGE_CSP.format(nonce=csp_nonce())
        else:
            policy = DATA_CSP
        headers.add("Content-Security-Policy", policy)
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", "max-age=31536000")
    if "cache-control" not in present and _is_api() and "Authorization" in request.headers:
        # Anything fetched with credentials is private; proxies and browsers must not keep it.
        headers.add("Cache-Control", "no-store")
    return response


def _cookieless(path: str) -> bool:
    """The token API (not its HTML docs): it never reads the session cookie (the reason its
    blueprint is exempt from CSRF)."""
    return path.startswith("/api/v1/") and not path.startswith("/api/v1/docs")


class ApiCookielessSessions(SecureCookieSessionInterface):
    """No session cookie on the token API: an API request gets an empty session that is never
    saved, so a browser's cookie can neither lend it authority nor be refreshed by it (and the
    cookie's signature is not checked on every API call: issue 14's profile)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if _cookieless(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if _cookieless(request.path):
            return
        super().save_session(app, session, response)


def database_unavailable_page(exc: BaseException) -> tuple[str, int, dict[str, str]]:
    """The page for "the database went away": 503 with Retry-After. Rendering may itself need
    the database (the signed-in user), so a failure falls back to plain text."""
    log.warning("database unavailable during %s %s: %s", request.method, request.path, exc)
    headers = {"Retry-After": "5"}
    try:
        return render_template("error.html", error=ServiceUnavailable()), 503, headers
    except Exception:  # noqa: BLE001 - the fallback must not fail
        headers["Content-Type"] = "text/plain; charset=utf-8"
        return "503 服务暂时不可用，请稍后再试 / Service temporarily unavailable", 503, headers


def trust_proxies(app: Flask) -> None:
    """Read the client's address and scheme from the reverse proxy's headers, trusting exactly
    as many hops as configured. Without it every request seems to come from the proxy: one
    shared login-throttle bucket for the whole city, and no HSTS behind TLS termination."""
    hops = {
        k: int(app.config.get(f"PROXY_FIX_X_{k.upper()}") or 0) for k in ("for", "proto", "host")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"]
        )


def warn_about_single_process_settings(app: Flask) -> None:
    """Tasks on a broker mean a multi-process deployment; a per-process rate-limit store there
    silently multiplies the attempts an attacker gets, so say so at start-up."""
    celery = app.config.get("CELERY") or {}
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    if celery.get("broker_url") and storage.startswith("memory"):
        log.warning(
            "RATELIMIT_STORAGE_URI is %s while tasks go to a broker: with several web processes "
            "set HUB_RATELIMIT_STORAGE_URI=redis://… so the login throttle is shared",
            storage,
        )


def init_app(app: Flask) -> None:
    trust_proxies(app)
    warn_about_single_process_settings(app)
    app.session_interface = ApiCookielessSessions()
    app.after_request(add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.errorhandler(HTTPException)
    def _error_page(exc: HTTPException):  # type: ignore[no-untyped-def]
        if _is_api():
            from web.api.errors import http_error

            return http_error(exc)
        return render_template("error.html", error=exc), exc.code or 500
