"""FAISS index of organization (or need) vectors, persisted under the instance folder.

Inner product on L2-normalized vectors (= cosine). Exact (flat) for small catalogs; HNSW past
`HNSW_FROM` vectors, where the benchmark shows exact search stops fitting the latency budget.
One file holds the serialized index, its string ids, the model id and the catalog version, and
is replaced atomically (write aside, fsync, os.replace), so a reader never sees half an index.
Updates: flat indexes remove in place; HNSW cannot remove, so removed ids are tombstoned and
filtered at search time until the next rebuild.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

HNSW_FROM = 50_000  # measured in benchmarks/bench_matching.py (flat p95 vs HNSW recall)
FILE_NAME = "orgs.faiss.pkl"


class VectorIndex:
    """String-keyed vector index with incremental add/update/remove."""

    def __init__(
        self, dim: int, model_id: str, catalog_version: str = "", kind: str = "flat"
    ) -> None:
        self.dim = dim
        self.model_id = model_id
        self.catalog_version = catalog_version
        self.kind = kind
        self.index = self._new_index(kind)
        self.ids: dict[int, str] = {}  # faiss int id → string id
        self.rev: dict[str, int] = {}
        self.dead: set[int] = set()
        self._next = 0
        self.versions: dict[str, int] = {}  # profile version each vector was encoded from

    def _new_index(self, kind: str):
        if kind == "hnsw":
            base = faiss.IndexHNSWFlat(self.dim, 32, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = 80
            base.hnsw.efSearch = 128
            return faiss.IndexIDMap2(base)
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        vectors: np.ndarray,
        model_id: str,
        catalog_version: str = "",
        kind: str | None = None,
    ) -> VectorIndex:
        """Pick exact or HNSW by size unless `kind` is given."""
        kind = kind or ("hnsw" if len(ids) >= HNSW_FROM else "flat")
        idx = cls(vectors.shape[1] if len(vectors) else 0, model_id, catalog_version, kind)
        # The HNSW graph is built on OpenMP threads. FAISS's OpenBLAS is an OpenMP build, so the
        # live matcher's one-BLAS-thread limit (matching.vectors.live.one_blas_thread) also left
        # OpenMP on one thread: 100,000 profiles took 75 s instead of 32 s. A build gets every
        # core of the process for its duration; searches keep one (see `search`).
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(len(os.sched_getaffinity(0)))
        try:
            idx.add(ids, vectors)
        finally:
            faiss.omp_set_num_threads(threads)
        return idx

    def __len__(self) -> int:
        return len(self.rev)

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add or update (an existing id is replaced)."""
        if not len(ids):
            return
        self.remove([i for i in ids if i in self.rev])
        ints = np.arange(self._next, self._next + len(ids), dtype=np.int64)
        self._next += len(ids)
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ints)
        for k, sid in zip(ints.tolist(), ids, strict=True):
            self.ids[k] = sid
            self.rev[sid] = k

    def remove(self, ids: Sequence[str]) -> None:
        ints = [self.rev.pop(i) for i in ids if i in self.rev]
        if not ints:
            return
        if self.kind == "flat":
            self.index.remove_ids(np.asarray(ints, dtype=np.int64))
        else:
            self.dead.update(ints)
        for k in ints:
            self.ids.pop(k, None)

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest ids by inner product for one query vector."""
        if not len(self.rev):
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        extra = len(self.dead) if self.dead else 0
        # One query is too small to share across threads; OpenMP workers that spin after the
        # call would also slow the numpy work that follows (measured in the benchmark).
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ints = self.index.search(q, min(k + extra, self.index.ntotal))
        finally:
            faiss.omp_set_num_threads(threads)
        out = []
        for s, i in zip(scores[0], ints[0], strict=True):
            if i < 0 or i in self.dead:
                continue
            out.append((self.ids[int(i)], float(s)))
            if len(out) == k:
                break
        return out

    def stale(self, model_id: str, catalog_version: str) -> bool:
        return model_id != self.model_id or catalog_version != self.catalog_version

    def to_bytes(self) -> bytes:
        """Everything the index needs, in one blob (the file `save` writes, the version
        `published.publish` stores)."""
        blob = {
            "dim": self.dim,
            "model_id": self.model_id,
            "catalog_version": self.catalog_version,
            "kind": self.kind,
            "ids": self.ids,
            "dead": self.dead,
            "next": self._next,
            "versions": self.versions,
            "index": faiss.serialize_index(self.index),
        }
        return pickle.dumps(blob, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> VectorIndex:
        # Our own bytes (the instance folder, or the database a rebuild of ours wrote), never
        # user input.
        blob = pickle.loads(data)
        idx = cls(blob["dim"], blob["model_id"], blob["catalog_version"], blob["kind"])
        idx.index = faiss.deserialize_index(blob["index"])
        idx.ids = blob["ids"]
        idx.rev = {v: k for k, v in idx.ids.items()}
        idx.dead = blob["dead"]
        idx._next = blob["next"]
        idx.versions = blob.get("versions", {})
        return idx

    def save(self, directory: str | Path) -> Path:
        """Atomic write: a reader sees the old file or the new one, never a mix."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / FILE_NAME
        tmp = directory / f".{FILE_NAME}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            fh.write(self.to_bytes())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, directory: str | Path) -> VectorIndex | None:
        path = Path(directory) / FILE_NAME
        if not path.exists():
            return None
        return cls.from_bytes(path.read_bytes())


def rebuild(
    directory: str | Path,
    ids: Sequence[str],
    vectors: np.ndarray,
    model_id: str,
    catalog_version: str,
) -> VectorIndex:
    """Build a fresh index aside and swap it in atomically."""
    idx = VectorIndex.build(ids, vectors, model_id, catalog_version)
    idx.save(directory)
    return idx
