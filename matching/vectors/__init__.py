"""Stage 3, vectors: the persisted FAISS index of organization embeddings that large catalogs
retrieve candidates from, and how processes share it (one writer, atomic swaps, job state)."""
