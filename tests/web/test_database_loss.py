"""The database going away in the middle of a request: the client gets a clear 503, nothing the
request had already written survives, and the next request works again.

The connection is cut for real between two writes of one request: on PostgreSQL the server
terminates the request's backend (what a restart or failover does); on SQLite the driver's
handle is closed under it. Both surface to SQLAlchemy as a lost connection."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.pool import NullPool

from catalog.models import AuditEvent, Need, Suggestion
from tests.web.api_world import Api, assert_json_error, build_world
from tests.web.test_api_needs import NEW_NEED
from tests.web.test_office import GOOD
from tests.web.web_world import build_world as build_page_world
from tests.web.web_world import login

WRITES = ("INSERT", "UPDATE", "DELETE")


def _kill(engine: Engine, dbapi_connection) -> None:  # noqa: ANN001
    if engine.dialect.name == "postgresql":
        pid = dbapi_connection.info.backend_pid
        killer = create_engine(engine.url, poolclass=NullPool)
        try:
            with killer.connect() as conn:
                # PostgreSQL 14+: wait (up to 5 s) until the backend is really gone.
                assert conn.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        finally:
            killer.dispose()
    else:
        dbapi_connection.close()


@contextlib.contextmanager
def connection_cut_at_write(engine: Engine, n: int = 2) -> Iterator[list[str]]:
    """Cut the connection just before the request's `n`-th write statement runs, so earlier
    writes have reached the database; yields the statements run until then."""
    seen: list[str] = []

    def before(conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        if "<cut>" in seen:
            return
        writes = sum(1 for s in seen if _is_write(s))
        if _is_write(statement) and writes == n - 1:
            _kill(engine, conn.connection.dbapi_connection)
            seen.append("<cut>")
        else:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert "<cut>" in seen, f"the request made fewer than {n} writes: {seen}"


def _is_write(statement: str) -> bool:
    return statement.lstrip().upper().startswith(WRITES)


def _counts(app) -> tuple[int, int, int]:  # noqa: ANN001
    with app.extensions["db"].session() as s:
        return (
            s.scalar(select(func.count()).select_from(Need)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
            s.scalar(
                select(func.count()).select_from(Suggestion).where(Suggestion.status != "suggested")
            ),
        )


@pytest.fixture
def api(app, client):
    build_world(app)
    return Api(app, client)


def test_api_post_cut_mid_request_is_503_and_writes_nothing(app, api):
    api.headers("office")  # mint the token before the cut
    before = _counts(app)
    with connection_cut_at_write(app.extensions["db"].engine):
        r = api.post("office", "/api/v1/needs", json=NEW_NEED)
    assert_json_error(r, 503, "database_unavailable")
    assert r.headers["Retry-After"]
    assert _counts(app) == before
    # The pool dropped the dead connection: the next request is served normally.
    again = api.post("office", "/api/v1/needs", json=NEW_NEED)
    assert again.status_code == 201, again.get_json()
    assert _counts(app)[0] == before[0] + 1


def test_api_decision_cut_mid_request_keeps_the_suggestion_undecided(app, api):
    api.headers("office")
    sid = api.get("office", "/api/v1/needs/n-approved/suggestions").get_json()["items"][0]["id"]
    with app.extensions["db"].session() as s:
        version = s.get(Suggestion, sid).version
    before = _counts(app)
    with connection_cut_at_write(app.extensions["db"].engine):
        r = api.post("office", f"/api/v1/suggestions/{sid}/confirm", json={"version": version})
    assert_json_error(r, 503, "database_unavailable")
    assert _counts(app) == before
    with app.extensions["db"].session() as s:
        assert (s.get(Suggestion, sid).status, s.get(Suggestion, sid).version) == (
            "suggested",
            version,
        )
    ok = api.post("office", f"/api/v1/suggestions/{sid}/confirm", json={"version": version})
    assert ok.status_code == 200, ok.get_json()


def test_page_form_cut_mid_request_is_503_page_and_writes_nothing(app, client):
    build_page_world(app)
    login(client, "office")
    before = _counts(app)
    with connection_cut_at_write(app.extensions["db"].engine):
        r = client.post("/office/needs/new", data=GOOD)
    assert r.status_code == 503
    assert r.headers["Retry-After"]
    page = r.get_data(as_text=True)
    assert "Traceback" not in page
    assert _counts(app) == before
    assert client.get("/office/").status_code == 200
