"""Login throttling as deployed: several web processes share one Redis store, so failures
counted by one process block the next attempt in another; behind a reverse proxy the client's
own address (not the proxy's) is what gets throttled."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from catalog import schema
from tests.web.api_world import PASSWORD, assert_json_error, build_world
from tests.web.test_api_tokens import basic
from web import create_app

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _app(database_url: str, tmp_path, **config):  # noqa: ANN001, ANN003
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "RATELIMIT_ENABLED": True,
            "API_LOGIN_LIMIT_USER": "3 per 15 minutes",
            "API_LOGIN_LIMIT_ADDR": "5 per 15 minutes",
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
            **config,
        }
    )
    return app


# One web process: a fresh interpreter with its own app, its own memory and the deployment's
# environment; it sends the given logins and prints the status codes it got.
WORKER = """
import json, sys
from tests.web.test_api_tokens import basic
from web import create_app

client = create_app().test_client()
codes = [
    client.post("/api/v1/tokens", headers=basic(user, password)).status_code
    for user, password in json.loads(sys.argv[1])
]
print(json.dumps(codes))
"""


def _web_process(env: dict[str, str], logins: list[tuple[str, str]]) -> list[int]:
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(logins)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not _redis_up(), reason="needs the local Redis server")
def test_failures_counted_by_one_process_block_the_next(database_url, tmp_path):
    """Two separate processes, as two gunicorn workers are, configured only by environment."""
    app = _app(database_url, tmp_path)
    schema.upgrade(app.extensions["db"])
    build_world(app)
    app.extensions["db"].dispose()
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "MATCHING_INDEX_DIR": str(tmp_path / "index"),
        "HUB_RATELIMIT_STORAGE_URI": REDIS,
        "HUB_RATELIMIT_KEY_PREFIX": f"t{uuid.uuid4().hex}",
        "HUB_API_LOGIN_LIMIT_USER": "3 per 15 minutes",
    }
    wrong = ("office_gb", "wrong-guess-123")
    assert _web_process(env, [wrong, wrong]) == [401, 401]
    # The second process has seen one failure itself; the shared count is what blocks it.
    assert _web_process(env, [wrong, ("office_gb", PASSWORD)]) == [401, 429]
    # The same two processes with per-process memory: nothing is shared, the attempt passes.
    env["HUB_RATELIMIT_STORAGE_URI"] = "memory://"
    assert _web_process(env, [wrong, wrong]) == [401, 401]
    assert _web_process(env, [wrong, ("office_gb", PASSWORD)]) == [401, 201]


@pytest.fixture
def proxied(database_url, tmp_path):
    app = _app(database_url, tmp_path, RATELIMIT_STORAGE_URI="memory://", PROXY_FIX_X_FOR=1)
    schema.upgrade(app.extensions["db"])
    build_world(app)
    yield app
    app.extensions["db"].dispose()


def test_behind_a_proxy_each_client_address_is_throttled_apart(proxied):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy
    client = proxied.test_client()
    for i in range(5):
        r = client.post(
            "/api/v1/tokens",
            headers={**basic(f"guess{i}", "wrong-guess-123"), "X-Forwarded-For": "203.0.113.9"},
            environ_base=proxy,
        )
        assert r.status_code == 401
    attacker = {**basic("planner_city", PASSWORD), "X-Forwarded-For": "203.0.113.9"}
    assert_json_error(client.post("/api/v1/tokens", headers=attacker, environ_base=proxy), 429)
    # Another citizen behind the same proxy is not locked out by the attacker.
    citizen = {**basic("planner_city", PASSWORD), "X-Forwarded-For": "198.51.100.20"}
    assert client.post("/api/v1/tokens", headers=citizen, environ_base=proxy).status_code == 201


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(database_url, tmp_path):
    """With no proxy configured a client cannot dodge the throttle by inventing addresses."""
    app = _app(database_url, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    schema.upgrade(app.extensions["db"])
    build_world(app)
    try:
        client = app.test_client()
        for i in range(5):
            forged = {**basic(f"guess{i}", "x-wrong-123"), "X-Forwarded-For": f"192.0.2.{i}"}
            assert client.post("/api/v1/tokens", headers=forged).status_code == 401
        forged = {**basic("planner_city", PASSWORD), "X-Forwarded-For": "192.0.2.99"}
        assert_json_error(client.post("/api/v1/tokens", headers=forged), 429)
    finally:
        app.extensions["db"].dispose()


def test_broker_with_memory_rate_store_warns(database_url, tmp_path, caplog):
    celery = {"broker_url": "redis://127.0.0.1:6379/0", "task_always_eager": False}
    with caplog.at_level(logging.WARNING, logger="web.platform.security"):
        app = _app(database_url, tmp_path, RATELIMIT_STORAGE_URI="memory://", CELERY=celery)
    app.extensions["db"].dispose()
    assert any("HUB_RATELIMIT_STORAGE_URI" in r.getMessage() for r in caplog.records)
