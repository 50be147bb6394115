"""An import killed half-way (after organizations were written, before needs) leaves the
database exactly as it was: the rows go in one transaction or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog.exchange import import_directory, importer
from catalog.models import Need, Organization
from tests.catalog.test_exchange import small  # noqa: F401 - the fixture


def test_import_killed_half_way_leaves_the_database_as_it_was(db, small, monkeypatch):  # noqa: F811
    def counts():
        with db.session() as s:
            return tuple(
                s.scalar(select(func.count()).select_from(m)) for m in (Organization, Need)
            )

    before = counts()

    def crash(session, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        assert session.scalar(select(func.count()).select_from(Organization)) > before[0]
        raise RuntimeError("worker killed")

    monkeypatch.setattr(importer, "_write_needs", crash)
    with pytest.raises(RuntimeError), db.session() as s:
        import_directory(s, small)
    assert counts() == before


KILLED_IMPORT = """
import os, signal, sys
from sqlalchemy import func, select
from catalog.db import Database
from catalog.exchange import import_directory, importer
from catalog.models import Organization

db = Database(sys.argv[1])
real_write_needs = importer._write_needs

def killed(session, *args, **kwargs):
    session.flush()  # the organizations have reached the database inside the transaction
    assert session.scalar(select(func.count()).select_from(Organization)) > 0
    print("organizations written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

importer._write_needs = killed
with db.session() as s:
    import_directory(s, sys.argv[2])
"""


def test_import_process_killed_half_way_leaves_the_database_as_it_was(
    db,
    database_url,
    small,  # noqa: F811
):
    """The real thing: the importing process dies by SIGKILL (OOM killer, `kill -9`) between
    writing organizations and needs. No handler runs; the database alone must undo the work."""
    import signal
    import subprocess
    import sys

    def counts():
        with db.session() as s:
            return tuple(
                s.scalar(select(func.count()).select_from(m)) for m in (Organization, Need)
            )

    before = counts()
    db.dispose()  # no pooled connection of ours holds a lock the child needs
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, database_url, str(small)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert "organizations written" in proc.stdout
    assert counts() == before
    with db.session() as s:  # and the catalog still takes the same import afterwards
        import_directory(s, small)
    assert counts()[0] > before[0]
