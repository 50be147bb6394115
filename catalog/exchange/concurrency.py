"""Imports that run at the same time (issue 17, finding 11): they take turns on PostgreSQL, and
a collision that still happens (SQLite, or an import racing another writer) is one bilingual
`Conflict` line, never a database trace, with nothing of the loser left behind."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalog.errors import Conflict

IMPORT_LOCK = 0x1A9_0017
"""PostgreSQL advisory lock key every import holds until its transaction ends (a fixed number
no other lock of the project uses)."""

P = ParamSpec("P")
R = TypeVar("R")


def take_turn(session: Session) -> None:
    """Make concurrent imports take turns: on PostgreSQL the second
    waits on a transaction-scoped advisory lock, then reads what the first committed and
    upserts over it instead of colliding on the same keys (under READ COMMITTED, the project's
    level, every statement after the wait sees the winner's rows). SQLite has one writer at a
    time; a collision there, or with a non-import writer, still ends in a clean `Conflict`."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))


def _is_duplicate_key(exc: IntegrityError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def collision_is_a_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a duplicate key met while writing (someone else wrote the same rows after they
    were checked) into one bilingual `Conflict` instead of a database trace. The exception
    rolls the caller's transaction back like any refusal, so nothing of the import remains.
    Other integrity errors are bugs (validation should have caught them) and stay as they are."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except IntegrityError as exc:
            if not _is_duplicate_key(exc):
                raise
            raise Conflict(
                "另一个导入或操作同时写入了相同的记录，本次未做任何修改，请重试",
                "another import or change wrote the same records at the same time; "
                "nothing was changed, run it again",
            ) from exc

    return wrapper
