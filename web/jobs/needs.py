"""Matching one need, and finding needs whose matching was lost: the jobs behind
`web.tasks.match_need` and `web.tasks.requeue_matching` (and `flask --app web matching
requeue-stalled`). State for people is on the need: `match_status` and `match_error`."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, func, select, update

from web.jobs import DONE, FAILED, PENDING, RUNNING, enqueue_after_commit, is_transient
from web.platform.database import get_db

log = logging.getLogger(__name__)

STALLED = (PENDING, RUNNING)  # what a lost task leaves on a need
MATCHABLE = ("approved", "listed")  # needs matching may (re)start for


def _set_match_state(need_id: str, status: str, error: str | None = None) -> bool:
    from catalog.models import Need

    with get_db().session() as session:
        need = session.get(Need, need_id)
        if need is None:
            return False
        need.match_status = status
        need.match_error = error
    return True


def configured_matcher(session: Any) -> Any:
    """The matcher as the settings describe it: this process's live one, kept current per
    match (a test may swap in ``MATCHER_FACTORY``, built afresh for every need)."""
    from matching import facade, operations

    settings = facade.Settings.from_config(current_app.config)
    if settings.factory is not None:
        return facade.build_matcher(session, settings)
    return operations.live_matcher(session, settings)


def match_one_need(need_id: str, retry: bool = False) -> str:
    """Match one need and record the outcome on it: running → done, or failed with the error.
    Never raises, so an eager call inside a request cannot turn an approval into a 500 — except
    with ``retry`` (a real worker with retries left): a transient error is re-raised for Celery
    to retry with backoff, and the need shows pending meanwhile. A transient error is recorded
    by its kind only: its text names hosts, and reviewers read `match_error`."""
    if not _set_match_state(need_id, RUNNING):
        return "missing"
    try:
        from matching.facade import match_need

        with get_db().session() as session:
            match_need(session, need_id, configured_matcher(session))
    except Exception as exc:  # noqa: BLE001 - any failure is shown to people, then logged
        if retry and is_transient(exc):
            log.warning("matching for need %s will be retried: %s", need_id, exc)
            try:
                _set_match_state(need_id, PENDING, f"retrying: {type(exc).__name__}")
            except Exception:  # noqa: BLE001 - the database may be what is down
                log.warning("could not mark need %s pending", need_id)
            raise
        log.exception("matching failed for need %s", need_id)
        what = type(exc).__name__ if is_transient(exc) else f"{type(exc).__name__}: {exc}"
        _set_match_state(need_id, FAILED, what[:500])
        return FAILED
    return DONE


def requeue_stalled_matching(older_than: float | None = None) -> list[str]:
    """Queue matching again for approved or listed needs left pending or running for longer
    than ``MATCHING_PENDING_TIMEOUT`` seconds since they last changed (`updated_at`, by the
    database's clock): their task was lost with the broker's memory (a Redis restart without
    persistence) or never sent (the broker was away). Re-marking a need pending restarts its
    clock, so the next run leaves it alone while its new task waits; a duplicate of a task that
    was only slow is harmless (matching is idempotent under a row lock). Stops at the first
    need it cannot queue: the broker is away, and the rest wait for the next run."""
    from catalog.models import Need
    from web.tasks import match_need

    seconds = current_app.config["MATCHING_PENDING_TIMEOUT"] if older_than is None else older_than
    requeued: list[str] = []
    with get_db().session() as session:
        now = session.execute(select(func.now(type_=DateTime(timezone=True)))).scalar_one()
        stalled = (
            Need.match_status.in_(STALLED),
            Need.status.in_(MATCHABLE),
            Need.updated_at < now - dt.timedelta(seconds=float(seconds)),
        )
        for need_id in list(session.scalars(select(Need.id).where(*stalled).order_by(Need.id))):
            marked = session.execute(
                update(Need)
                .where(Need.id == need_id, *stalled)
                .values(match_status=PENDING, match_error=None, updated_at=func.now())
            )
            if not marked.rowcount:  # type: ignore[attr-defined]
                continue  # matched meanwhile
            queued = enqueue_after_commit(session, match_need, need_id)
            session.commit()
            if queued.deferred:
                break
            requeued.append(need_id)
    if requeued:
        log.warning("re-queued matching for %d stalled needs: %s", len(requeued), requeued[:20])
    return requeued
