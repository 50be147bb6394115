"""`GET /health` for load balancers and operators: is the database reachable, is the Celery
broker reachable (or are tasks inline), and which vector index version would be served.

503 only when this process cannot serve: the database is down or the index file is unreadable.
A broker outage answers 200 with `"status": "degraded"`, because web processes serve without
Redis (saves commit, matching is deferred and re-queued by beat): a load balancer that took
every web process out on a broker outage would turn a delay of background work into downtime.

The checks are cheap (a pooled `SELECT 1`, a broker ping with a short timeout, one `stat` of
the index) and their answer is cached per process for `HEALTH_CACHE_SECONDS` (1.5 s), so a
load balancer or a flood of probes costs at most one round of checks per process per period;
while one thread refreshes, the others answer from the previous result instead of queueing
behind a slow broker ping.

Under load the answer must not wait behind the application's own work, so `install` puts a
WSGI layer in front of everything else: `GET /health` is answered there from the cached,
pre-serialized answer, before Flask routes it — no session, no i18n, no throttling, no read log,
no access log, no request or app context (except the one round of checks per period). The
Flask route below stays for the URL map and for an app used without that layer.

Failures are named by kind only (details go to the log): the endpoint is public, and connection
errors can carry host names an outsider has no business learning.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from web.access.authz import public
from web.platform.database import get_db
from web.platform.security import DATA_CSP, STATIC_HEADERS

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

_index_cache: dict[str, Any] = {}
_index_lock = threading.Lock()
# The clock of the answer cache; a module attribute so tests can move time without sleeping.
clock: Callable[[], float] = time.monotonic
CACHE_SECONDS = 1.5
BROKER_TIMEOUT_SECONDS = 0.5


def _error(kind: str, exc: BaseException) -> str:
    log.warning("health: %s check failed: %s", kind, exc)
    return f"error: {type(exc).__name__}"


def check_database() -> str:
    try:
        with get_db().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ok"
        return _error("database", exc)


def check_broker() -> str:
    """The broker as "ok", "eager" (tasks run inline) or "unavailable": one connection attempt
    bounded by `HEALTH_BROKER_TIMEOUT` (0.5 s), never kombu's default retries."""
    celery_app = current_app.extensions.get("celery")
    if celery_app is None or celery_app.conf.task_always_eager:
        return "eager"
    timeout = float(current_app.config.get("HEALTH_BROKER_TIMEOUT", BROKER_TIMEOUT_SECONDS))
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    try:
        with celery_app.connection_for_write(
            connect_timeout=timeout, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        _error("broker", exc)
        return "unavailable"


def index_version() -> tuple[str | None, bool]:
    """(version, healthy). No index file is healthy (small catalogs score every organization);
    an unreadable one is not. The file is read again only when it changed on disk, because
    each swap replaces it atomically (a new inode)."""
    index_dir = current_app.config.get("MATCHING_INDEX_DIR")
    if not index_dir:
        return None, True
    from matching import facade

    path = facade.index_file(index_dir)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None, True
    key = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    with _index_lock:
        if _index_cache.get("key") == key:
            return _index_cache["version"], True
        try:
            version = facade.index_version(index_dir)
        except Exception as exc:  # noqa: BLE001 - a corrupt index is unhealthy, not a crash
            return _error("index", exc), False
        _index_cache.update(key=key, version=version)
        return version, True


def run_checks() -> tuple[dict[str, Any], int]:
    """The body and status of one round of checks (uncached)."""
    database = check_database()
    broker = check_broker()
    version, index_ok = index_version()
    if database != "ok" or not index_ok:
        status, code = "unavailable", 503
    elif broker == "unavailable":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = {"status": status, "database": database, "broker": broker, "index_version": version}
    return body, code


def cached_checks() -> tuple[dict[str, Any], int]:
    """`run_checks`, at most once per `HEALTH_CACHE_SECONDS` per process (see module doc)."""
    ttl = float(current_app.config.get("HEALTH_CACHE_SECONDS", CACHE_SECONDS))
    state = current_app.extensions.setdefault("health", {"lock": threading.Lock()})
    answer = state.get("answer")
    if answer is not None and clock() - state["at"] < ttl:
        return answer
    lock: threading.Lock = state["lock"]
    # Another thread is refreshing: answer from the previous round rather than wait on it.
    if not lock.acquire(blocking=answer is None):
        assert answer is not None
        return answer
    try:
        if state.get("answer") is not answer:  # refreshed while this thread waited
            return state["answer"]
        answer = run_checks()
        state.update(answer=answer, at=clock())
        return answer
    finally:
        lock.release()


class HealthFirst:
    """WSGI middleware answering ``GET``/``HEAD /health`` ahead of the app (see module doc)."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        self._rendered: tuple[Any, bytes, str] | None = None  # (answer, body, status line)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != "/health" or environ.get("REQUEST_METHOD") not in (
            "GET",
            "HEAD",
        ):
            return self.wsgi_app(environ, start_response)
        body, status = self._render()
        start_response(status, [*_HEADERS, ("Content-Length", str(len(body)))])
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]

    def _render(self) -> tuple[bytes, str]:
        state = self.app.extensions.get("health") or {}
        answer, rendered = state.get("answer"), self._rendered
        ttl = float(self.app.config.get("HEALTH_CACHE_SECONDS", CACHE_SECONDS))
        if answer is None or clock() - state["at"] >= ttl:
            with self.app.app_context():
                answer = cached_checks()
        if rendered is None or rendered[0] is not answer:
            body = json.dumps(answer[0], separators=(",", ":")).encode() + b"\n"
            rendered = (answer, body, f"{answer[1]} {HTTPStatus(answer[1]).phrase}")
            self._rendered = rendered
        return rendered[1], rendered[2]


_HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    *STATIC_HEADERS.items(),
    ("Content-Security-Policy", DATA_CSP),
]


def install(app: Flask) -> None:
    """Answer /health in front of every other layer of `app` (call after all of them)."""
    app.wsgi_app = HealthFirst(app, app.wsgi_app)  # type: ignore[method-assign]


@bp.get("/health")
@public
def health():
    """Status, database, broker and index version; 503 only when this process cannot serve."""
    body, code = cached_checks()
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
