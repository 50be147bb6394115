"""The catalog Database bound to the app, and a session per request (`db_session()`), closed
at teardown: committed by the view explicitly, rolled back otherwise."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from catalog.db import Database
from catalog.notices import DEFAULT_NOTICE_DAYS, NOTICE_DAYS_KEY


def init_app(app: Flask) -> Database:
    db = Database(app.config["DATABASE_URL"])
    app.extensions["db"] = db

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
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
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def db_session() -> Session:
    """The request's (or CLI command's) session; opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().Session()
        days = current_app.config.get("RESULT_NOTICE_DAYS")
        g.db_session.info[NOTICE_DAYS_KEY] = int(days) if days else DEFAULT_NOTICE_DAYS
    return g.db_session
