"""The read log's crash-safe spool (web.access.read_spool): every read acknowledged before a
process is killed reaches read_event after recovery, exactly once; a live writer's file is never
moved under it; through the app, a read is spooled and the admin page shows it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.models import ReadEvent
from tests.web.api_world import bearer, mint_token
from tests.web.web_world import build_world, login
from web.access.read_spool import ReadSpool, _encode

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys
    from catalog.db import Database
    from tests.web.test_read_spool import _event
    from web.access.read_spool import ReadSpool

    db = Database(sys.argv[1])
    spool = ReadSpool(sys.argv[2], db.engine, interval=0.005)  # the flusher runs meanwhile
    i = 0
    while True:
        spool.append(_event(i))
        print(i, flush=True)  # acknowledged: the read is on record from here on
        i += 1
    """
)


# What web.access.reads hands the spool for one read, minus when and which record.
EVENT = {
    "actor": "kill-test",
    "actor_role": "admin",
    "entity_type": "need",
    "channel": "api",
    "endpoint": "api.need_suggestions",
    "method": "GET",
    "query": None,
    "rows": 1,
    "client_addr": "127.0.0.1",
    "request_id": None,
}


def _event(i: int) -> dict:
    return {**EVENT, "at": dt.datetime.now(dt.UTC), "entity_id": f"n-{i}"}


def _ids(db) -> list[str]:
    with db.session() as s:
        return list(s.scalars(select(ReadEvent.entity_id)))


def test_every_read_acknowledged_before_sigkill_is_in_the_table_after_recovery(db, tmp_path):
    spool_dir = tmp_path / "spool"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db.url, str(spool_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    acknowledged = []
    assert child.stdout is not None
    for line in child.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) >= 400:
            break
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    acknowledged += [int(x) for x in rest.split()]
    assert child.returncode == -signal.SIGKILL
    ReadSpool(spool_dir, db.engine).flush()  # what the next start does (web.access.reads)
    ids = _ids(db)
    assert len(ids) == len(set(ids))  # exactly once
    assert {f"n-{i}" for i in acknowledged} <= set(ids)
    assert list(spool_dir.glob("reads-*.jsonl")) == []


def test_a_file_moved_twice_records_each_read_once(db, tmp_path):
    spool = ReadSpool(tmp_path, db.engine)
    for i in range(3):
        spool.append(_event(i))
    saved = tmp_path / "saved"
    shutil.copy(spool._path, saved)  # as if the process died between commit and delete
    name = spool._path.name
    assert spool.flush() == 3
    saved.rename(tmp_path / name)
    assert ReadSpool(tmp_path, db.engine).flush() == 3  # moved again ...
    assert sorted(_ids(db)) == ["n-0", "n-1", "n-2"]  # ... recorded once


def test_a_live_writers_file_is_left_to_it_and_a_cut_line_is_dropped(db, tmp_path):
    writer = ReadSpool(tmp_path, db.engine)
    writer.append(_event(0))
    other = ReadSpool(tmp_path, db.engine)
    assert other.flush() == 0 and _ids(db) == []  # locked by its (living) writer
    cut = tmp_path / "reads-1-dead.jsonl"
    cut.write_bytes(_encode({**_event(1), "spool_key": "k" * 32}) + b'{"at": "2026-')
    assert other.flush() == 1  # the dead file's complete line, not the cut one
    assert writer.flush() == 1
    assert sorted(_ids(db)) == ["n-0", "n-1"]
    writer.stop()


@pytest.fixture
def spool_app(app, tmp_path):
    from web.access import reads

    app.config["READ_LOG_SPOOL_DIR"] = str(tmp_path / "spool")
    spool = ReadSpool(tmp_path / "spool", app.extensions["db"].engine, interval=3600)
    app.extensions["read_spool"] = spool
    assert reads.store  # the hook routes through the spool when one is configured
    yield app
    spool.stop()


def test_through_the_app_a_read_is_spooled_then_shown_to_the_admin(spool_app, client):
    build_world(spool_app)
    headers = bearer(mint_token(spool_app, "office"))
    assert client.get("/api/v1/needs/n-draft", headers=headers).status_code == 200
    with spool_app.extensions["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(ReadEvent)) == 0  # not yet moved
    spooled = list((Path(spool_app.config["READ_LOG_SPOOL_DIR"])).glob("reads-*.jsonl"))
    assert len(spooled) == 1 and b'"n-draft"' in spooled[0].read_bytes()
    login(client, "admin")
    html = client.get("/admin/reads?entity_type=need").get_data(as_text=True)
    assert "n-draft" in html  # the page moved this process's spool in first


def test_the_default_spool_is_per_database_under_the_instance_and_off_in_tests(app):
    from web.access.reads import spool_directory

    assert app.testing and spool_directory(app) is None  # tests write each read directly
    url = app.config["DATABASE_URL"]
    app.testing = False
    try:
        app.config["DATABASE_URL"] = "postgresql+psycopg://hub@db/one"
        mine = spool_directory(app)
        app.config["DATABASE_URL"] = "postgresql+psycopg://hub@db/two"
        other = spool_directory(app)
        app.config["DATABASE_URL"] = "sqlite:///hub.db"
        on_sqlite = spool_directory(app)  # off by default: a flusher thread deadlocks SQLite
        app.config["READ_LOG_SPOOL_DIR"] = ""
        app.config["DATABASE_URL"] = "postgresql+psycopg://hub@db/one"
        off = spool_directory(app)  # "" turns it off
    finally:
        app.testing = True
        app.config["DATABASE_URL"] = url
        app.config["READ_LOG_SPOOL_DIR"] = None
    assert mine and other and mine != other
    assert on_sqlite is None and off is None
    assert Path(mine).parent == Path(app.instance_path) / "read-spool"


def test_the_exit_flush_leaves_no_file_behind_and_a_later_read_opens_a_new_one(db, tmp_path):
    spool = ReadSpool(tmp_path / "spool", db.engine)
    spool.append(_event(0))
    assert spool.flush(final=True) == 1
    assert list((tmp_path / "spool").iterdir()) == []
    spool.append(_event(1))
    assert spool.flush(final=True) == 1 and sorted(_ids(db)) == ["n-0", "n-1"]
    spool.stop()
