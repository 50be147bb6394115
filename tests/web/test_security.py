"""Security headers on every response (pages, JSON, errors), and the page for a database that
went away."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/login",
        "/api/v1/openapi.json",
        "/api/v1/nowhere",
        "/no-such-page",
        "/health",
        "/api/v1/needs",
    ],
)
def test_headers_on_every_response(client, url):
    r = client.get(url)
    for key, value in EXPECTED.items():
        assert r.headers.get(key) == value, (url, key)
    assert "camera=()" in r.headers["Permissions-Policy"]
    csp = r.headers["Content-Security-Policy"]
    if r.mimetype == "text/html":
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script and "'nonce-" in script
        assert "http:" not in csp and "https:" not in csp
    else:
        assert csp.startswith("default-src 'none'")


def test_nonce_changes_per_request(client):
    a = client.get("/").headers["Content-Security-Policy"]
    b = client.get("/").headers["Content-Security-Policy"]
    assert a != b


def test_authenticated_api_answers_are_not_cached(client):
    r = client.get("/api/v1/needs", headers={"Authorization": "Bearer nope"})
    assert r.headers["Cache-Control"] == "no-store"


def test_a_view_s_own_headers_are_kept(app, client):
    @app.get("/own-headers")
    def _own():  # type: ignore[no-untyped-def]
        return "x", 200, {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "mine"}

    r = client.get("/own-headers")
    assert r.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert r.headers.getlist("Content-Security-Policy") == ["mine"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_token_api_neither_reads_nor_sets_the_session_cookie(client):
    with client.session_transaction() as session:
        session["_user_id"] = "someone"
    r = client.get("/api/v1/needs")
    assert r.status_code == 401
    assert "Set-Cookie" not in r.headers and "Cookie" not in r.headers.get("Vary", "")
    with client.session_transaction() as session:  # the browser's session is left as it was
        assert session["_user_id"] == "someone"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.get("/", base_url="https://hub.example").headers["Strict-Transport-Security"]


def test_session_cookie_is_hardened(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert app.config["MAX_CONTENT_LENGTH"]


def test_database_gone_on_a_page_is_503(app, client):
    dead = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    app.extensions["db"].Session = sessionmaker(bind=dead)
    try:
        r = client.get("/")
        assert r.status_code == 503
        assert r.headers["Retry-After"]
        assert "Traceback" not in r.get_data(as_text=True)
    finally:
        dead.dispose()
