"""The index published in the database: a version is visible only once committed, each
host's folder gets a byte-identical copy, and old versions are pruned."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.models import DerivedBlob, DerivedChunk
from matching.vectors import published
from matching.vectors.index import FILE_NAME, VectorIndex


def _index(n: int, version: str) -> VectorIndex:
    vecs = np.random.default_rng(n).standard_normal((n, 8)).astype(np.float32)
    return VectorIndex.build([f"o{i}" for i in range(n)], vecs, "m", version)


def test_a_version_is_copied_to_every_folder_only_once_committed(db, tmp_path, monkeypatch):
    monkeypatch.setattr(published, "CHUNK_BYTES", 1000)  # several chunks
    a, b = tmp_path / "a", tmp_path / "b"
    with db.session() as s:
        first = published.release(s, _index(50, "v1"), a)
    with db.session() as s:
        assert published.sync(s, b) == first == published.local_id(b)
        assert s.get(DerivedBlob, first).chunks > 1
    assert (a / FILE_NAME).read_bytes() == (b / FILE_NAME).read_bytes()
    mtime = (b / FILE_NAME).stat().st_mtime_ns
    with db.session() as s:
        published.sync(s, b)  # nothing newer: no download, no rewrite
    assert (b / FILE_NAME).stat().st_mtime_ns == mtime

    s = db.Session()  # a writer that dies before its commit
    published.publish(s, _index(60, "v2"))
    s.rollback()
    s.close()
    with db.session() as s:
        assert published.latest_id(s) == first
        published.sync(s, b)
    assert VectorIndex.load(b).catalog_version == "v1"


def test_old_versions_are_pruned_and_a_corrupt_one_refused(db, tmp_path):
    ids = []
    for k in range(4):
        with db.session() as s:
            ids.append(published.release(s, _index(10 + k, f"v{k}"), tmp_path / "a"))
    with db.session() as s:
        kept = sorted(s.scalars(published.select(DerivedBlob.id)))
        assert kept == ids[-published.KEEP :]
        chunk = s.get(DerivedChunk, (ids[-1], 0))
        chunk.data = chunk.data[:-1] + bytes([chunk.data[-1] ^ 1])
    with db.session() as s, pytest.raises(ValueError, match="corrupt"):
        published.sync(s, tmp_path / "b")
    assert published.local_id(tmp_path / "b") is None
