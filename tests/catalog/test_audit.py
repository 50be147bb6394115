"""The audit log is append-only: the ORM refuses updates and deletes, and so does the database
(triggers installed by create_all and by the migration)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from catalog.actors import Actor
from catalog.audit import record
from catalog.models import AuditEvent
from catalog.models.audit import AuditLogIsAppendOnly


@pytest.fixture
def event(session, actors):
    e = record(session, actors["admin"], "test.act", "need", "need-001", reason="why")
    session.flush()
    return e


def test_record_fills_who_when_what(event):
    assert (event.actor, event.actor_role, event.action) == ("admin", "admin", "test.act")
    assert event.at is not None and event.detail == {"reason": "why"}


def test_none_details_are_dropped(session, actors):
    e = record(session, actors["office"], "x", "need", "n1", reason=None, note="kept")
    assert e.detail == {"note": "kept"}


def test_orm_update_refused(session, event):
    event.actor = "someone-else"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


def test_orm_delete_refused(session, event):
    session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


@pytest.mark.parametrize("sql", ["UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"])
def test_database_refuses_raw_sql(db, actors, sql):
    with db.session() as s:
        record(s, actors["admin"], "test.act", "need", "n1")
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text(sql))
    with db.session() as s:
        assert s.query(AuditEvent).count() == 1


def test_migrated_database_refuses_raw_update(app):
    db = app.extensions["db"]
    with db.session() as s:
        record(s, Actor.system(), "test.act", "need", "n1")
    with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'x'"))
