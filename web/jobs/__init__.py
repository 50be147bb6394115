"""Background work: plain functions taking ids (`web.jobs.needs`, `web.jobs.index`), and here
the delivery rules they share and the one way work is handed to the queue.

Each job is a function named for what it does, run inside an app context. `web.tasks` wraps
each in a Celery task of a few lines; the CLI (`flask --app web matching reindex | run-all |
requeue-stalled`) calls the same functions inline, and the eager default (no broker) runs the
tasks inline — one implementation per job, wherever it runs.

Delivery is at-least-once: tasks are acknowledged late and rejected back to the queue when their
worker dies (`task_acks_late`, `task_reject_on_worker_lost`), so every job is idempotent —
re-running it converges on the same state instead of doubling anything. Transient failures
(database restarted, a PostgreSQL serialization failure or deadlock, Redis unreachable) are
retried with exponential backoff and jitter; anything else is recorded as failed and not
retried, because retrying a bug only repeats it.

Handing work over: views queue only through `enqueue_after_commit`, so a worker never looks for
a row that is not there yet, and a broker that cannot be reached never fails a request whose
transaction committed: the failure is logged (logs are for operators; connection errors name
hosts, so they are never shown to people), the caller learns it from the returned `Enqueued` and
says "匹配将稍后进行 / matching will run later", and the beat jobs catch up —
`requeue_stalled_matching` for needs left pending, `ensure_index` for the organization index.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis.exceptions
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

# A need's matching state (`Need.match_status`), written by web.jobs.needs.
RUNNING, DONE, FAILED, PENDING = "running", "done", "failed", "pending"

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

# What an API answer carries when its background work could not be queued (pages flash it).
DEFERRED_NOTICE = {
    "code": "matching_deferred",
    "message": "Matching will run later.",
    "message_zh": "匹配将稍后进行。",
}


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT)


@dataclass
class Enqueued:
    """What became of work handed to `enqueue_after_commit`: `sent` stays None until the
    commit (and after a rollback), then True, or False when the broker could not be reached."""

    task: str
    sent: bool | None = None

    @property
    def deferred(self) -> bool:
        """Not queued: the change stands and the beat jobs will do the work later."""
        return self.sent is False


def enqueue_after_commit(session: Any, task: Any, *args: Any) -> Enqueued:
    """Queue `task` once `session` commits (dropped on rollback). Without an open transaction
    it is queued at once. Never raises: a broker that is away is logged and reported through
    the returned `Enqueued`, because the commit it follows must stand."""
    from sqlalchemy import event

    queued = Enqueued(task.name)

    def _send(_session: Any = None) -> None:
        try:
            task.delay(*args)
        except Exception as exc:  # noqa: BLE001 - the commit stands; beat catches up
            queued.sent = False
            log.warning(
                "could not enqueue %s%r, it will run later: %s: %s",
                task.name,
                args,
                type(exc).__name__,
                exc,
                exc_info=not is_transient(exc),  # a broker outage needs no traceback per request
            )
        else:
            queued.sent = True

    if not session.in_transaction():
        _send()
        return queued

    def _drop(_session: Any) -> None:
        if event.contains(session, "after_commit", _send):
            event.remove(session, "after_commit", _send)

    event.listen(session, "after_commit", _send, once=True)
    event.listen(session, "after_rollback", _drop, once=True)
    return queued


def with_notice(body: dict[str, Any], *queued: Enqueued | None) -> dict[str, Any]:
    """An API answer, with `notice` added when some of its background work was deferred."""
    if any(q is not None and q.deferred for q in queued):
        body["notice"] = dict(DEFERRED_NOTICE)
    return body
