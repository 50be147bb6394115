"""Append-only audit log: who decided what, when and why. Updates and deletes are refused at
the ORM level (and by a trigger on PostgreSQL, see the migration)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Connection, DateTime, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
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
    pass


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _conn, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _conn, target: AuditEvent) -> None:
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be deleted")


# The ORM hooks above stop the application; these triggers stop everyone else (a psql session,
# a careless script). Installed by the initial migration and by `create_all`.
_GUARD_SQL = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    ),
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ),
}


def install_append_only_guard(connection: Connection) -> None:
    """Refuse UPDATE and DELETE on audit_event in the database itself (idempotent)."""
    for statement in _GUARD_SQL.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


@event.listens_for(AuditEvent.__table__, "after_create")
def _guard_after_create(_table, connection: Connection, **_kw) -> None:
    install_append_only_guard(connection)
