"""Background work as Celery tasks, wired the way Flask's Celery example does it: the Celery app
is configured from ``app.config["CELERY"]`` (eager by default, so the default install needs no
broker) and every task runs inside an app context.

Tasks are thin wrappers taking ids: the work itself lives in plain functions of ``matching`` so
the same code runs inline, in a worker or from the CLI. Views enqueue only after their commit, so
a worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from celery import Celery, Task, shared_task
from flask import Flask, current_app

from web.database import get_db
from web.jobs import RETRY, is_transient

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED, PENDING = "running", "done", "failed", "pending"


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app (one per factory call)."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _set_match_state(need_id: str, status: str, error: str | None = None) -> bool:
    from catalog.models import Need

    with get_db().session() as session:
        need = session.get(Need, need_id)
        if need is None:
            return False
        need.match_status = status
        need.match_error = error
    return True


def run_matching(need_id: str, retry: bool = False) -> str:
    """Match one need and record the outcome on it: running → done, or failed with the error.
    Never raises, so an eager call inside a request cannot turn an approval into a 500 — except
    with ``retry`` (a real worker with retries left): a transient error is re-raised for Celery
    to retry with backoff, and the need shows pending meanwhile."""
    if not _set_match_state(need_id, RUNNING):
        return "missing"
    try:
        from matching.service import build_matcher
        from matching.service import match_need as service_match

        with get_db().session() as session:
            matcher = build_matcher(
                session,
                factory=current_app.config.get("MATCHER_FACTORY"),
                index_dir=current_app.config.get("MATCHING_INDEX_DIR"),
                model_setting=current_app.config.get("MATCHING_MODEL"),
            )
            service_match(session, need_id, matcher)
    except Exception as exc:  # noqa: BLE001 - any failure is shown to people, then logged
        if retry and is_transient(exc):
            log.warning("matching for need %s will be retried: %s", need_id, exc)
            with contextlib.suppress(Exception):  # the database may be what is down
                _set_match_state(need_id, PENDING, f"retrying: {type(exc).__name__}")
            raise
        log.exception("matching failed for need %s", need_id)
        _set_match_state(need_id, FAILED, f"{type(exc).__name__}: {exc}"[:500])
        return FAILED
    return DONE


@shared_task(bind=True, ignore_result=True, name="web.tasks.match_need", **RETRY)
def match_need(self: Task, need_id: str) -> str:
    """Suggest organizations for a need (after approval, or a retry)."""
    retry = not self.request.is_eager and self.request.retries < (self.max_retries or 0)
    return run_matching(need_id, retry=retry)


@shared_task(bind=True, ignore_result=True, name="web.tasks.update_org_index", **RETRY)
def update_org_index(self: Task, org_id: str) -> bool:
    """Refresh one organization in the persisted vector index after its profile changed.
    Without an index (small catalogs score every organization) there is nothing to do."""
    from web.jobs import index_organization_job

    try:
        return index_organization_job(org_id)
    except Exception as exc:  # noqa: BLE001 - a stale index is ignored by the matcher, never fatal
        if is_transient(exc) and not self.request.is_eager:
            raise  # retried with backoff (web.jobs.RETRY)
        log.exception("index update failed for organization %s", org_id)
        return False


def enqueue_matching(need_id: str) -> None:
    """Start matching for a need whose match_status the caller already committed as pending.
    A broker that cannot be reached marks the need failed instead of losing the request."""
    try:
        match_need.delay(need_id)
    except Exception as exc:  # noqa: BLE001 - broker down: say so on the need page
        log.exception("could not enqueue matching for %s", need_id)
        _set_match_state(need_id, FAILED, f"queue unavailable: {exc}"[:500])
