"""Delivery guarantees shared by every background task, and the index / gaps / ranker jobs.

Every task is acknowledged late and rejected back to the queue when its worker dies
(`task_acks_late`, `task_reject_on_worker_lost`): delivery is at-least-once, so each job here
is idempotent — re-running it after a crash converges on the same state instead of doubling
anything. Transient failures (database restarted, a PostgreSQL serialization failure or
deadlock, Redis briefly unreachable) are retried with exponential backoff and jitter; anything
else is recorded as failed and not retried, because retrying a bug only repeats it.

State for the UI: needs carry `match_status`; the index, gap and ranker jobs write
``state-<job>.json`` next to the index (`matching.index_store.read_state`).

The plain functions (`reindex_job`, ...) run inside an app context; the tasks are thin wrappers
taking ids, so the CLI, a worker and the eager default all run the same code.
"""

from __future__ import annotations

import logging
from typing import Any

import redis.exceptions
from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError

from web.database import get_db

log = logging.getLogger(__name__)

# Errors worth another try later. psycopg's SerializationFailure (40001) and DeadlockDetected
# (40P01) reach us as SQLAlchemy OperationalError, like a dropped connection does.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    BrokerError,
)

# Keyword arguments for @shared_task: at-least-once delivery plus bounded, spread-out retries.
RETRY: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 6,
}


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT)


def _index_dir() -> str:
    return current_app.config["MATCHING_INDEX_DIR"]


def _encoder() -> Any:
    """The configured dense encoder with its cache. ``MATCHING_ENCODER`` ("module:callable",
    test-only) swaps in a light encoder so integration tests need not load a transformer."""
    from pathlib import Path

    factory = current_app.config.get("MATCHING_ENCODER")  # HUB_MATCHING_ENCODER
    if factory:
        import importlib

        module, _, attr = str(factory).partition(":")
        return getattr(importlib.import_module(module), attr)()
    from matching.dense import load_encoder

    return load_encoder(
        current_app.config.get("MATCHING_MODEL"), Path(_index_dir()) / "embeddings.sqlite"
    )


def _tracked(job: str, func: Any, *args: Any) -> Any:
    """Run `func` recording running → done | failed (| retrying for transient errors)."""
    from matching.index_store import write_state

    index_dir = _index_dir()
    write_state(index_dir, job, "running")
    try:
        result = func(*args)
    except Exception as exc:
        state = "retrying" if is_transient(exc) else "failed"
        write_state(index_dir, job, state, error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    write_state(index_dir, job, "done", result=result)
    return result


def reindex_job(force: bool = True) -> dict[str, Any]:
    """Rebuild the organization index aside and swap it in (``force=False``: only when it
    no longer matches the catalog). ``MATCHING_REINDEX_PAUSE`` is a test-only stretch."""
    from matching.index_store import rebuild

    pause = float(current_app.config.get("MATCHING_REINDEX_PAUSE") or 0)

    def run() -> dict[str, Any]:
        with get_db().session() as session:
            return rebuild(session, _index_dir(), _encoder(), pause=pause, force=force)

    return _tracked("reindex", run)


def index_organization_job(org_id: str) -> bool:
    """Refresh one organization in the index after its profile changed. No index yet, or one
    of another model: nothing to update (the matcher ignores a stale index; reindex fixes it)."""
    from pathlib import Path

    from matching.index import FILE_NAME
    from matching.service import update_index

    if not (Path(_index_dir()) / FILE_NAME).exists():
        return False  # small catalogs score every organization; and no transformer is loaded
    with get_db().session() as session:
        return update_index(session, _index_dir(), [org_id], encoder=_encoder())


def refresh_gaps_job() -> dict[str, Any]:
    """Re-run the matcher over approved and listed needs: gap flags (and suggestions still
    undecided) are rewritten; decided suggestions are never touched, so re-running is safe."""
    from matching import service

    def run() -> dict[str, Any]:
        with get_db().session() as session:
            matcher = service.build_matcher(
                session,
                factory=current_app.config.get("MATCHER_FACTORY"),
                index_dir=_index_dir(),
                model_setting=current_app.config.get("MATCHING_MODEL"),
            )
            results = service.run_all(session, matcher=matcher)
        return {"needs": len(results), "gaps": sum(bool(r.gap) for r in results)}

    return _tracked("refresh_gaps", run)


def retrain_ranker_job() -> dict[str, Any]:
    """Retrain from people's decisions; the new ranker is kept only if it wins on held-out
    needs (`matching.retrain`), so a repeated run cannot make matching worse."""
    from matching.retrain import train_from_catalog

    def run() -> dict[str, Any]:
        with get_db().session() as session:
            return train_from_catalog(session, [], current_app.config.get("MATCHING_MODELS_DIR"))

    return _tracked("retrain_ranker", run)


@shared_task(ignore_result=True, name="web.jobs.reindex", **RETRY)
def reindex(force: bool = True) -> dict[str, Any]:
    """Rebuild the organization index (atomic swap)."""
    return reindex_job(force)


@shared_task(ignore_result=True, name="web.jobs.ensure_index", **RETRY)
def ensure_index() -> dict[str, Any]:
    """Rebuild only when the index no longer matches the catalog (periodic, via beat)."""
    return reindex_job(force=False)


@shared_task(ignore_result=True, name="web.jobs.refresh_gaps", **RETRY)
def refresh_gaps() -> dict[str, Any]:
    """Recompute gap flags for every matchable need."""
    return refresh_gaps_job()


@shared_task(ignore_result=True, name="web.jobs.retrain_ranker", **RETRY)
def retrain_ranker() -> dict[str, Any]:
    """Retrain the ranker from confirmed / rejected suggestions."""
    return retrain_ranker_job()


def enqueue_after_commit(session: Any, task: Any, *args: Any) -> None:
    """Queue `task` once `session` commits (dropped on rollback), so a worker never looks for
    a row that is not there yet. Without an open transaction the task is queued at once."""
    from sqlalchemy import event

    if not session.in_transaction():
        task.delay(*args)
        return

    def _send(_session: Any) -> None:
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - the commit stands; the freshness check catches up
            log.exception("could not enqueue %s%r", task.name, args)

    def _drop(_session: Any) -> None:
        if event.contains(session, "after_commit", _send):
            event.remove(session, "after_commit", _send)

    event.listen(session, "after_commit", _send, once=True)
    event.listen(session, "after_rollback", _drop, once=True)
