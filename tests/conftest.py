"""Shared fixtures. The suite runs against SQLite by default and against PostgreSQL when
TEST_DATABASE_URL points at one (`make test` runs both). Each test gets a fresh schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from catalog.db import Database
from catalog.reference_data import load_defaults

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _fresh_url(tmp_path) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or base.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    # PostgreSQL: a throwaway database per test keeps tests independent and parallel-safe.
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    yield from _fresh_url(tmp_path)


@pytest.fixture
def db(database_url) -> Iterator[Database]:
    """An empty catalog with the default gazetteer and taxonomy."""
    database = Database(database_url)
    database.create_all()
    with database.session() as session:
        load_defaults(session)
    yield database
    database.dispose()


@pytest.fixture
def session(db) -> Iterator:
    with db.session() as s:
        yield s


@pytest.fixture
def app(database_url, tmp_path):
    from catalog import schema
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    schema.upgrade(app.extensions["db"])
    yield app
    app.extensions["db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
