"""Append-only audit log: who decided what, when and why. Updates and deletes are refused at
the ORM level and by database triggers (PostgreSQL and SQLite). The guard is shared by every
audit table (see `make_append_only`; the read log in catalog.models.reads uses it too)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import JSON, Connection, String, event
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base
from catalog.models.columns import SerialId


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[SerialId]
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str] = mapped_column(String(20), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return (
            f"<AuditEvent {self.at} {self.actor} {self.action} {self.entity_type}:{self.entity_id}>"
        )


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a row of an append-only audit table."""


def make_append_only(model: type[Base]) -> type[Base]:
    """Refuse UPDATE and DELETE of `model`'s rows in the ORM, and install the database guard
    when its table is created, so every audit table is protected the same two ways."""
    table = model.__tablename__

    def refuse_update(_mapper: Any, _conn: Connection, target: Any) -> None:
        raise AuditLogIsAppendOnly(f"{table} {target.id} cannot be changed")

    def refuse_delete(_mapper: Any, _conn: Connection, target: Any) -> None:
        raise AuditLogIsAppendOnly(f"{table} {target.id} cannot be deleted")

    def guard_after_create(_table: Any, connection: Connection, **_kw: Any) -> None:
        install_append_only_guard(connection, (table,))

    event.listen(model, "before_update", refuse_update)
    event.listen(model, "before_delete", refuse_delete)
    event.listen(model.__table__, "after_create", guard_after_create)
    return model


# The ORM hooks above stop the application; these triggers stop everyone else (a psql session,
# a careless script). Installed by the migrations and by `create_all`. One template per dialect,
# filled in with the table name, so every append-only table gets the same guard.
_GUARD_SQL = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        "CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    ),
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        "BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
    ),
}
_UNGUARD_SQL = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        "DROP FUNCTION IF EXISTS {table}_append_only()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS {table}_no_update",
        "DROP TRIGGER IF EXISTS {table}_no_delete",
    ),
}
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,40}")


def _statements(
    templates: Mapping[str, tuple[str, ...]], dialect: str, tables: Iterable[str]
) -> Iterator[str]:
    for table in tables:
        # Table names are our own constants, but they end up in DDL text: refuse anything else.
        if not _IDENTIFIER.fullmatch(table):
            raise ValueError(f"not a plain table name: {table!r}")
        for template in templates.get(dialect, ()):
            yield template.format(table=table)


def install_append_only_guard(
    connection: Connection, tables: Iterable[str] = ("audit_event",)
) -> None:
    """Refuse UPDATE and DELETE on these tables in the database itself (idempotent).

    Defaults to audit_event, which is what the initial migration installed."""
    for statement in _statements(_GUARD_SQL, connection.dialect.name, tables):
        connection.exec_driver_sql(statement)


def remove_append_only_guard(connection: Connection, tables: Iterable[str]) -> None:
    """Undo `install_append_only_guard` (migration downgrades only)."""
    for statement in _statements(_UNGUARD_SQL, connection.dialect.name, tables):
        connection.exec_driver_sql(statement)


make_append_only(AuditEvent)
