"""`GET /health` for load balancers and operators: is the database reachable, is the Celery
broker reachable (or are tasks inline), and which vector index version would be served.

200 when all is well, 503 otherwise, so an orchestrator can take a web process out of rotation.
Failures are named by kind only (details go to the log): the endpoint is public, and connection
errors can carry host names an outsider has no business learning.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from web.authz import public
from web.database import get_db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

_index_cache: dict[str, Any] = {}
_index_lock = threading.Lock()


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
    celery_app = current_app.extensions.get("celery")
    if celery_app is None or celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return _error("broker", exc)


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


@bp.get("/health")
@public
def health():
    """Database, broker and index version; 503 when any is unhealthy."""
    database = check_database()
    broker = check_broker()
    version, index_ok = index_version()
    healthy = database == "ok" and broker in ("ok", "eager") and index_ok
    response = jsonify(database=database, broker=broker, index_version=version)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
