"""PostgreSQL aborts one side of a serialization conflict (SQLSTATE 40001) or a deadlock (40P01)
and expects the client to run the transaction again. The API does, on a clean transaction, so
the caller sees one success and the database holds exactly one decision."""

from __future__ import annotations

import psycopg.errors
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from catalog.decisions import decide as real_decide
from catalog.models import AuditEvent, Suggestion
from tests.web.api_world import Api, assert_json_error, build_world
from web.api import retry


@pytest.fixture
def api(app, client):
    world = build_world(app)
    return Api(app, client), world


def _aborted(kind: type[psycopg.errors.Error]) -> OperationalError:
    return OperationalError("UPDATE suggestion …", {}, kind("aborted by the server"))


def _flaky_decide(failures: int, kind: type[psycopg.errors.Error]):  # noqa: ANN202
    """The real decision, after which the server aborts the transaction `failures` times."""
    calls = {"n": 0}

    def decide(session, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls["n"] += 1
        result = real_decide(session, *args, **kwargs)
        session.flush()  # the UPDATE and the audit row have reached the database
        if calls["n"] <= failures:
            raise _aborted(kind)
        return result

    return decide, calls


@pytest.mark.parametrize(
    "kind", [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected]
)
def test_aborted_decision_is_retried_and_recorded_once(app, api, monkeypatch, kind):
    client, world = api
    monkeypatch.setattr(retry.time, "sleep", lambda _s: None)
    decide, calls = _flaky_decide(2, kind)
    monkeypatch.setattr("web.api.suggestions.decide", decide)
    sid = world.suggestions["approved_o1"]
    with app.extensions["db"].session() as s:
        version = s.get(Suggestion, sid).version
    r = client.post("office", f"/api/v1/suggestions/{sid}/confirm", json={"version": version})
    assert r.status_code == 200, r.get_json()
    assert calls["n"] == 3
    with app.extensions["db"].session() as s:
        row = s.get(Suggestion, sid)
        assert (row.status, row.version) == ("confirmed", version + 1)
        confirms = s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "suggestion.confirm", AuditEvent.entity_id == str(sid))
        )
    assert confirms == 1


def test_a_conflict_that_never_clears_is_503_and_leaves_nothing(app, api, monkeypatch):
    client, world = api
    monkeypatch.setattr(retry.time, "sleep", lambda _s: None)
    decide, calls = _flaky_decide(99, psycopg.errors.SerializationFailure)
    monkeypatch.setattr("web.api.suggestions.decide", decide)
    sid = world.suggestions["approved_o1"]
    with app.extensions["db"].session() as s:
        version = s.get(Suggestion, sid).version
    r = client.post("office", f"/api/v1/suggestions/{sid}/confirm", json={"version": version})
    assert_json_error(r, 503, "database_unavailable")
    assert calls["n"] == retry.ATTEMPTS
    with app.extensions["db"].session() as s:
        assert (s.get(Suggestion, sid).status, s.get(Suggestion, sid).version) == (
            "suggested",
            version,
        )


def test_other_database_errors_are_not_retried(app, api, monkeypatch):
    client, world = api
    decide, calls = _flaky_decide(1, psycopg.errors.UndefinedTable)
    monkeypatch.setattr("web.api.suggestions.decide", decide)
    sid = world.suggestions["approved_o1"]
    r = client.post("office", f"/api/v1/suggestions/{sid}/confirm", json={"version": 1})
    assert r.status_code >= 400
    assert calls["n"] == 1
