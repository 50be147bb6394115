"""The catalog Database bound to the app, and a session per request (`db_session()`), closed
at teardown: committed by the view explicitly, rolled back otherwise."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session

from catalog.db import Database
from catalog.notices import DEFAULT_NOTICE_DAYS, NOTICE_DAYS_KEY

# A pooled connection idle for longer than this is pinged before a request gets it.
IDLE_PING_SECONDS = 1.0


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Pessimistic disconnect handling only where it can matter: a connection coming back to
    work after `idle_seconds` or more in the pool is pinged (and replaced if the ping fails,
    SQLAlchemy's DisconnectionError protocol); one handed straight from request to request
    is not. The pool's own `pre_ping` pinged on every checkout: a round trip per request, a
    quarter of the suggestions request's database traffic (issue 14's profile). A connection
    that dies while busy (the server restarted under load) fails that request alone: the
    error handler answers 503 and SQLAlchemy invalidates the pool, as without any ping."""

    @event.listens_for(engine.pool, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or busy a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure: a new connection instead
            raise DisconnectionError(str(exc)) from exc
        if alive is False:
            raise DisconnectionError("ping failed")


def init_app(app: Flask) -> Database:
    url = app.config["DATABASE_URL"]
    if str(url).startswith("sqlite"):
        db = Database(url)  # a local file: nothing to ping
    else:
        db = Database(url, pool_pre_ping=False)
        idle = app.config.get("DB_IDLE_PING_SECONDS")
        ping_when_idle(db.engine, IDLE_PING_SECONDS if idle is None else float(idle))
    app.extensions["db"] = db

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        g.pop("db_connection", None)
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    return db


def get_db() -> Database:
    return current_app.extensions["db"]


def read_only_request() -> None:
    """Mark the request as one that only reads (an API GET): on PostgreSQL its statements then
    run in autocommit, without the BEGIN and ROLLBACK round trips around them (two of the
    suggestions request's eight in issue 14's profile). Under READ COMMITTED each statement has
    its own snapshot either way, so nothing a reader sees changes. Call it before the request's
    first query; a view that writes must not be marked (none of the API's GETs does). SQLite
    keeps its explicit BEGIN (web/catalog.db's listener), so it is left alone."""
    session = db_session()
    if session.in_transaction() or get_db().engine.dialect.name != "postgresql":
        return
    g.db_connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def request_connection() -> Connection:
    """The request session's connection, for Core statements. The one `read_only_request`
    opened is handed back while the session still holds it (a commit or rollback closes it:
    then the session is asked again), saving `Session.connection()`'s bookkeeping twice per
    API GET (issue 14's profile)."""
    connection: Connection | None = g.get("db_connection")
    if connection is None or connection.closed or connection.invalidated:
        return db_session().connection()
    return connection


def db_session() -> Session:
    """The request's (or CLI command's) session; opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().Session()
        days = current_app.config.get("RESULT_NOTICE_DAYS")
        g.db_session.info[NOTICE_DAYS_KEY] = int(days) if days else DEFAULT_NOTICE_DAYS
    return g.db_session
