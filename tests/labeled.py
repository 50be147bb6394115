"""Where the labeled sets live: `data/` in this repository (copied from the shared data so a
clone with nothing beside it runs its own quality tests). `LABELED_DATA` points elsewhere, for
a newer copy; a missing set is an error, never a skip, so CI cannot pass without measuring."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def labeled_root() -> Path:
    return Path(os.environ.get("LABELED_DATA") or REPO / "data")


def labeled_set(name: str) -> Path:
    """The folder of one labeled set (`dev`, `real-dev`), checked to hold the exchange files."""
    path = labeled_root() / name
    missing = [
        f for f in ("organizations.jsonl", "needs.jsonl", "qrels.tsv") if not (path / f).is_file()
    ]
    if missing:
        raise FileNotFoundError(f"labeled set {path} lacks {', '.join(missing)}")
    return path
