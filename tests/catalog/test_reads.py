"""The read log is append-only like the audit log: the ORM refuses updates and deletes, and so
do database triggers, installed by create_all and by the migration through the same guard. The
migrations also still describe exactly the models."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from catalog import schema
from catalog.actors import Actor
from catalog.audit import record
from catalog.db import Base, Database
from catalog.models import ReadEvent
from catalog.models.audit import (
    AuditLogIsAppendOnly,
    install_append_only_guard,
    remove_append_only_guard,
)

INITIAL = "7db578243174"


def _read(**extra: object) -> ReadEvent:
    values: dict[str, object] = dict(
        at=dt.datetime.now(dt.UTC),
        actor="office_gb",
        actor_role="office",
        entity_type="need",
        entity_id="n-1",
        channel="page",
        endpoint="office.need",
        method="GET",
        client_addr="127.0.0.1",
    )
    values.update(extra)
    return ReadEvent(**values)


@pytest.fixture
def read_event(session):
    event = _read()
    session.add(event)
    session.flush()
    return event


def test_a_read_keeps_who_what_how(session, read_event):
    got = session.scalar(select(ReadEvent))
    assert (got.actor, got.entity_type, got.entity_id, got.channel) == (
        "office_gb",
        "need",
        "n-1",
        "page",
    )
    assert got.rows is None and got.query is None


def test_a_list_read_has_no_entity_id(session):
    session.add(_read(entity_id=None, rows=12, query="status=draft"))
    session.flush()
    assert session.scalar(select(ReadEvent.rows).where(ReadEvent.entity_id.is_(None))) == 12


def test_orm_update_refused(session, read_event):
    read_event.actor = "someone-else"
    with pytest.raises(AuditLogIsAppendOnly, match="read_event"):
        session.flush()
    session.rollback()


def test_orm_delete_refused(session, read_event):
    session.delete(read_event)
    with pytest.raises(AuditLogIsAppendOnly, match="read_event"):
        session.flush()
    session.rollback()


@pytest.mark.parametrize("sql", ["UPDATE read_event SET actor = 'x'", "DELETE FROM read_event"])
def test_database_refuses_raw_sql(db, sql):
    with db.session() as s:
        s.add(_read())
    with pytest.raises(DBAPIError, match="read_event is append-only"), db.engine.begin() as conn:
        conn.execute(text(sql))
    with db.session() as s:
        assert s.query(ReadEvent).count() == 1


@pytest.mark.parametrize("sql", ["UPDATE read_event SET actor = 'x'", "DELETE FROM read_event"])
def test_migrated_database_refuses_raw_sql(app, sql):
    db = app.extensions["db"]
    with db.session() as s:
        s.add(_read())
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(sql))


def test_migrated_audit_log_is_still_guarded(app):
    """Generalising the guard kept the audit log's own triggers (initial migration)."""
    db = app.extensions["db"]
    with db.session() as s:
        record(s, Actor.system(), "test.act", "need", "n1")
    with pytest.raises(DBAPIError, match="audit_event is append-only"), db.engine.begin() as c:
        c.execute(text("DELETE FROM audit_event"))


def test_guard_is_idempotent_and_refuses_odd_names(db):
    with db.engine.begin() as conn:
        install_append_only_guard(conn, ("read_event", "audit_event"))
        install_append_only_guard(conn)  # the initial migration's call, unchanged
        with pytest.raises(ValueError):
            install_append_only_guard(conn, ("read_event; DROP TABLE need",))


def test_migrations_match_the_models(app):
    """Autogenerate finds nothing to do: the read_event revision is complete (both dialects)."""
    db = app.extensions["db"]
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_removes_table_and_guard(database_url):
    db = Database(database_url)
    try:
        schema.upgrade(db)
        cfg = schema.alembic_config(db.url)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, INITIAL)
        assert "read_event" not in inspect(db.engine).get_table_names()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                left = conn.scalar(
                    text("SELECT count(*) FROM pg_proc WHERE proname = 'read_event_append_only'")
                )
            assert left == 0
        schema.upgrade(db)  # and back up again
        with db.engine.begin() as conn:
            remove_append_only_guard(conn, ("read_event",))
            conn.execute(text("DELETE FROM read_event"))  # unguarded now: allowed
            install_append_only_guard(conn, ("read_event",))
    finally:
        db.dispose()
