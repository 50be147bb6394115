"""Index consistency across processes: readers never see a half-built index, pick up a new
version without a restart, and an index that no longer matches the catalog is rebuilt."""

from __future__ import annotations

import threading
import time

import pytest

from catalog.models import Organization
from matching.vectors import index_store
from matching.vectors.index import FILE_NAME, VectorIndex

from ..conftest import FakeEncoder


def test_reader_picks_up_a_new_version_without_restart(db, tmp_path):
    d = tmp_path / "idx"
    with db.session() as s:
        index_store.rebuild(s, d, FakeEncoder())
    first = index_store.load_current(d)
    assert first is not None and index_store.load_current(d) is first  # cached: one stat
    with db.session() as s:
        org = s.get(Organization, "o-youth")
        org.description, org.profile_version = "儿童保护", org.profile_version + 1
        s.flush()
        index_store.rebuild(s, d, FakeEncoder())  # as another process would
    second = index_store.load_current(d)
    assert second is not first and second.catalog_version != first.catalog_version


def test_readers_see_the_old_index_while_a_rebuild_is_under_way(db, tmp_path):
    d = tmp_path / "idx"
    with db.session() as s:
        index_store.rebuild(s, d, FakeEncoder())
        old = index_store.load_current(d).catalog_version
        s.delete(s.get(Organization, "o-elder-far"))
        s.flush()
        errors: list[BaseException] = []

        def slow() -> None:
            try:
                index_store.rebuild(s, d, FakeEncoder(), pause=0.6)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        t = threading.Thread(target=slow)
        t.start()
        time.sleep(0.2)
        during = index_store.load_current(d)
        assert during.catalog_version == old and "o-elder-far" in during.rev
        t.join()
        assert not errors
    after = index_store.load_current(d)
    assert after.catalog_version != old and "o-elder-far" not in after.rev


def test_stale_index_is_detected_and_rebuilt_only_when_stale(db, tmp_path):
    d = tmp_path / "idx"
    enc = FakeEncoder()
    with db.session() as s:
        assert index_store.check(s, d, enc.model_id) == index_store.MISSING
        index_store.rebuild(s, d, enc)
        assert index_store.check(s, d, enc.model_id) == index_store.FRESH
        assert index_store.check(s, d, "another-model") == index_store.STALE
        assert index_store.rebuild(s, d, enc, force=False)["status"] == index_store.FRESH
        s.get(Organization, "o-youth").profile_version += 1
        s.flush()
        assert index_store.check(s, d, enc.model_id) == index_store.STALE
        assert index_store.rebuild(s, d, enc, force=False)["status"] == "rebuilt"
        assert index_store.check(s, d, enc.model_id) == index_store.FRESH


def test_a_killed_writers_leftovers_are_ignored_then_cleaned(db, tmp_path):
    d = tmp_path / "idx"
    with db.session() as s:
        index_store.rebuild(s, d, FakeEncoder())
        good = index_store.load_current(d)
        (d / f".{FILE_NAME}.999999.tmp").write_bytes(b"half an index")
        assert index_store.load_current(d) is good  # the pointer file was never touched
        index_store.rebuild(s, d, FakeEncoder())
    assert not list(d.glob(".*.tmp"))
    assert len(VectorIndex.load(d)) == len(good)


def test_one_writer_at_a_time(tmp_path):
    with (
        index_store.writer_lock(tmp_path),
        pytest.raises(TimeoutError),
        index_store.writer_lock(tmp_path, timeout=0.2),
    ):
        pass
    with index_store.writer_lock(tmp_path, timeout=0.2):  # released again
        pass


def test_job_state_is_recorded_atomically(tmp_path):
    assert index_store.read_state(tmp_path, "reindex") == {}
    index_store.write_state(tmp_path, "reindex", "running")
    index_store.write_state(tmp_path, "reindex", "done", result={"organizations": 3})
    state = index_store.read_state(tmp_path, "reindex")
    assert state["state"] == "done" and state["result"] == {"organizations": 3}
    assert "started_at" in state and not list(tmp_path.glob(".*.tmp"))
