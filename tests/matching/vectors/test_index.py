import numpy as np
import pytest

from matching.vectors.index import FILE_NAME, VectorIndex


def _vecs(n, dim=8, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_add_search_update_remove(kind):
    v = _vecs(50)
    ids = [f"o{i}" for i in range(50)]
    idx = VectorIndex.build(ids, v, "m:8", "v1", kind=kind)
    assert idx.search(v[7], 1)[0][0] == "o7"
    idx.remove(["o7"])
    assert "o7" not in [i for i, _ in idx.search(v[7], 5)]
    idx.add(["o3"], v[9:10])  # update: o3 now has o9's vector
    hits = [i for i, _ in idx.search(v[9], 2)]
    assert set(hits) == {"o3", "o9"}
    assert len(idx) == 49


def test_exact_matches_bruteforce():
    v = _vecs(200, 16, seed=1)
    idx = VectorIndex.build([str(i) for i in range(200)], v, "m:16")
    q = _vecs(1, 16, seed=2)[0]
    got = [int(i) for i, _ in idx.search(q, 10)]
    assert got == np.argsort(-(v @ q))[:10].tolist()


def test_save_is_atomic_and_roundtrips(tmp_path):
    v = _vecs(20)
    idx = VectorIndex.build([f"o{i}" for i in range(20)], v, "m:8", "v1")
    idx.save(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # no temp file left behind
    again = VectorIndex.load(tmp_path)
    assert again is not None and len(again) == 20
    assert again.search(v[4], 1)[0][0] == "o4"
    assert again.stale("m:8", "v2") and not again.stale("m:8", "v1")
    assert VectorIndex.load(tmp_path / "none") is None


def test_a_build_uses_every_core_even_after_blas_was_limited_to_one(monkeypatch):
    """FAISS's OpenBLAS is an OpenMP build: limiting BLAS to one thread (as the live matcher
    does after each build) also leaves OpenMP on one thread, and the HNSW graph of a rebuild
    was then built on one core. The build takes every core for its duration and gives the
    process its limit back afterwards."""
    import os

    import faiss
    from threadpoolctl import threadpool_limits

    seen = []
    add = VectorIndex.add

    def spy(self, ids, vectors):
        seen.append(faiss.omp_get_max_threads())
        return add(self, ids, vectors)

    monkeypatch.setattr(VectorIndex, "add", spy)
    with threadpool_limits(limits=1, user_api="blas"):
        before = faiss.omp_get_max_threads()
        VectorIndex.build([f"o{i}" for i in range(20)], _vecs(20), "m:8", "v1", kind="hnsw")
        after = faiss.omp_get_max_threads()
    assert seen == [len(os.sched_getaffinity(0))]
    assert after == before
