"""Token sign-in: HTTP Basic → Bearer token (stored hashed, expiring, revocable), and brute-force
throttling per username and per address (429)."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from sqlalchemy import select

from catalog import schema
from catalog.models import ApiToken
from tests.web.api_world import PASSWORD, assert_json_error, bearer, build_world
from web.api.tokens import hash_token


def basic(username: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


@pytest.fixture
def world(app):
    return build_world(app)


def test_basic_credentials_give_a_working_token(app, client, world):
    r = client.post("/api/v1/tokens", headers=basic("office_gb", PASSWORD))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["role"] == "office" and body["scope"] == "440402005"
    assert r.headers["Cache-Control"] == "no-store"
    token = body["token"]
    assert client.get("/api/v1/needs", headers=bearer(token)).status_code == 200
    with app.extensions["db"].session() as session:
        hashes = list(session.scalars(select(ApiToken.token_hash)))
    assert hash_token(token, app) in hashes and token not in hashes


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer x"},
        {"Authorization": "Basic !!!notbase64"},
        basic("office_gb", "wrong-password-1"),
        basic("nobody", PASSWORD),
        basic("office_gb\x00", PASSWORD),
        basic("office_gb", PASSWORD + "\x00"),
    ],
)
def test_bad_credentials_are_401_json(client, world, headers):
    assert_json_error(client.post("/api/v1/tokens", headers=headers), 401)


def test_inactive_account_gets_no_token(app, client, world):
    from catalog.models import Account

    with app.extensions["db"].session() as session:
        session.scalar(select(Account).where(Account.username == "office_gb")).active = False
    assert_json_error(client.post("/api/v1/tokens", headers=basic("office_gb", PASSWORD)), 401)


def test_expired_and_revoked_tokens_stop_working(app, client, world):
    token = client.post("/api/v1/tokens", headers=basic("reviewer_xz", PASSWORD)).get_json()[
        "token"
    ]
    assert client.delete("/api/v1/tokens", headers=bearer(token)).status_code == 204
    assert_json_error(client.get("/api/v1/needs", headers=bearer(token)), 401)
    token = client.post("/api/v1/tokens", headers=basic("reviewer_xz", PASSWORD)).get_json()[
        "token"
    ]
    with app.extensions["db"].session() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token, app)))
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    assert_json_error(client.get("/api/v1/needs", headers=bearer(token)), 401)


@pytest.fixture
def limited_app(database_url, tmp_path):
    """An app with rate limiting ON (the shared fixture turns it off)."""
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "API_LOGIN_LIMIT_USER": "3 per 15 minutes",
            "API_LOGIN_LIMIT_ADDR": "6 per 15 minutes",
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    schema.upgrade(app.extensions["db"])
    build_world(app)
    yield app
    app.extensions["db"].dispose()


def test_failures_per_username_are_throttled(limited_app):
    client = limited_app.test_client()
    ok = client.post("/api/v1/tokens", headers=basic("admin", PASSWORD))
    assert ok.status_code == 201  # successes do not count
    for _ in range(3):
        assert (
            client.post("/api/v1/tokens", headers=basic("office_gb", "wrong-guess-123")).status_code
            == 401
        )
    blocked = client.post("/api/v1/tokens", headers=basic("office_gb", PASSWORD))
    error = assert_json_error(blocked, 429, "too_many_requests")
    assert "稍后" in error["message_zh"]
    # Another account from the same address is not locked by office_gb's failures.
    assert client.post("/api/v1/tokens", headers=basic("admin", PASSWORD)).status_code == 201


def test_failures_per_address_are_throttled(limited_app):
    attacker = {"REMOTE_ADDR": "10.0.0.66"}
    client = limited_app.test_client()
    for i in range(6):
        r = client.post(
            "/api/v1/tokens", headers=basic(f"guess{i}", "wrong-guess-123"), environ_base=attacker
        )
        assert r.status_code == 401
    r = client.post(
        "/api/v1/tokens", headers=basic("planner_city", PASSWORD), environ_base=attacker
    )
    assert_json_error(r, 429)
    r = client.post(
        "/api/v1/tokens",
        headers=basic("planner_city", PASSWORD),
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert r.status_code == 201


def test_tokens_are_stored_as_a_keyed_digest(app, client, world):
    """A dump of api_token cannot be checked offline without the key: the stored form is an
    HMAC under the app's token key, not sha256(token), and another key does not accept it."""
    import hashlib

    r = client.post("/api/v1/tokens", headers=basic("office_gb", PASSWORD))
    token = r.get_json()["token"]
    with app.extensions["db"].session() as session:
        hashes = list(session.scalars(select(ApiToken.token_hash)))
    assert hashlib.sha256(token.encode()).hexdigest() not in hashes
    assert client.get("/api/v1/needs", headers=bearer(token)).status_code == 200
    app.config["API_TOKEN_KEY"] = "another key"
    app.extensions.pop("api_token_key")
    assert client.get("/api/v1/needs", headers=bearer(token)).status_code == 401
