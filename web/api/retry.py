"""Retrying a unit of work when the database asks for it.

PostgreSQL aborts one side of a serialization conflict (SQLSTATE 40001) or a deadlock (40P01) and
expects the client to run the transaction again; SQLite says "database is locked" when another
writer holds the file past the busy timeout. Neither is the user's fault, so the view runs again
on a clean session a few times."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from web.platform.database import db_session

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

RETRY_SQLSTATES = frozenset({"40001", "40P01"})
ATTEMPTS = 4


def sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_retryable(exc: BaseException) -> bool:
    if not isinstance(exc, DBAPIError):
        return False
    if sqlstate(exc) in RETRY_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def with_db_retry(view: F) -> F:
    """Run the view again (fresh transaction) on serialization failures, deadlocks and SQLite
    lock timeouts. What still fails is answered by the API's error handlers (web.api.errors):
    503 when the database is unreachable, 409 on a unique clash."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return view(*args, **kwargs)
            except DBAPIError as exc:
                db_session().rollback()
                if is_retryable(exc) and attempt < ATTEMPTS:
                    log.info("retrying after %s (attempt %d)", sqlstate(exc) or "lock", attempt)
                    time.sleep(0.02 * attempt + random.random() * 0.03)
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper  # type: ignore[return-value]
