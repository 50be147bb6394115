"""Two imports of one file at once (issue 17, finding 11). On PostgreSQL they take turns: the
second waits for the first to commit, then finds every row and changes nothing. Wherever two
writers still collide (SQLite, or an import racing another writer), the loser says so in one
line and exits 1, and nothing of it remains."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest
from sqlalchemy import func, select, text

from catalog.exchange import import_directory, importer
from catalog.models import AuditEvent, Need, Organization
from tests.catalog.test_exchange import small  # noqa: F401 - the fixture


def counts(db) -> tuple[int, ...]:
    """Organizations, needs and audited imports."""
    imports = select(func.count()).where(AuditEvent.action == "catalog.import")
    with db.session() as s:
        return (
            *(s.scalar(select(func.count()).select_from(m)) for m in (Organization, Need)),
            s.scalar(imports),
        )


def test_a_collision_while_writing_is_one_line_and_exit_1(app, runner, small, monkeypatch):  # noqa: F811
    """The loser's situation, made deterministic: its check found none of the rows (another
    import had not committed yet), and by the time it writes they exist."""
    db = app.extensions["db"]
    assert runner.invoke(args=["catalog", "import", str(small)]).exit_code == 0
    before = counts(db)
    monkeypatch.setattr(importer, "_load", lambda *_args: {})
    result = runner.invoke(args=["catalog", "import", str(small)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "另一个导入或操作同时写入了相同的记录，本次未做任何修改，请重试 / another import or "
        "change wrote the same records at the same time; nothing was changed, run it again"
    ]
    assert counts(db) == before


HOLDER = """
import sys
from catalog.db import Database
from catalog.exchange import import_directory, importer

real_write_needs = importer._write_needs

def write_then_wait(*args, **kwargs):
    real_write_needs(*args, **kwargs)
    print("written", flush=True)
    sys.stdin.readline()  # hold the transaction open until the test says so

importer._write_needs = write_then_wait
with Database(sys.argv[1]).session() as s:
    print(import_directory(s, sys.argv[2]).summary(), flush=True)
"""

SECOND = """
import sys
from catalog.db import Database
from catalog.exchange import import_directory

with Database(sys.argv[1]).session() as s:
    print(import_directory(s, sys.argv[2]).summary(), flush=True)
"""

WAITING = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def wait_until_blocked(db, proc: subprocess.Popen) -> None:
    """Until the second import waits on a lock held by the first (or has exited, which the
    caller's asserts then report)."""
    while proc.poll() is None:
        with db.engine.connect() as conn:
            if conn.scalar(WAITING):
                return
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.2)


def test_two_processes_importing_one_directory_take_turns(db, database_url, small):  # noqa: F811
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serializes writers itself; the advisory lock is PostgreSQL's")
    before = counts(db)

    def start(script: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", script, database_url, str(small)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = start(HOLDER)
    try:
        assert first.stdout.readline().strip() == "written", first.stderr.read()
        second = start(SECOND)
        try:
            wait_until_blocked(db, second)
            out1, err1 = first.communicate("go\n", timeout=120)
            out2, err2 = second.communicate(timeout=120)
        finally:
            second.kill()
    finally:
        first.kill()
    assert first.returncode == 0, err1[-2000:]
    assert "organizations: 2 created" in out1 and "needs: 3 created" in out1
    assert second.returncode == 0, err2[-2000:]
    assert "organizations: 0 created, 0 updated, 2 unchanged" in out2
    assert "needs: 0 created, 0 updated, 3 unchanged" in out2
    assert counts(db) == (before[0] + 2, before[1] + 3, before[2] + 2)  # two audited imports
    with db.session() as s:  # and the catalog is as one import leaves it
        assert import_directory(s, small).organizations.unchanged == 2
