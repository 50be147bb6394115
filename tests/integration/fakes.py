"""A light, deterministic encoder for the worker processes of the integration tests: the point
there is delivery and index swapping, not embeddings, and loading a transformer in every worker
would cost more than the tests themselves."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

DIM = 32


class HashEncoder:
    """Each text → a unit vector seeded by its hash (same text, same vector, any process)."""

    model_id = "test-hash-32"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def make() -> HashEncoder:
    """Factory named by ``HUB_MATCHING_ENCODER=tests.integration.fakes:make``."""
    return HashEncoder()
