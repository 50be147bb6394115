"""The organization index as several processes share it: one writer at a time, readers that
never see a half-built index and notice a new version without a restart, a freshness check
against the catalog, and a small state file the UI and operators can read.

Why a single file and not a directory plus pointer: `VectorIndex.save` writes everything the
index needs (vectors, ids, model id, catalog version) into one file aside and `os.replace`s it,
so the file *is* its own version pointer: a reader opens either the old inode or the new one.
What this module adds around it:

* `writer_lock` — an `flock` on ``<dir>/.lock``: a full rebuild and an incremental update never
  interleave (the update would otherwise overwrite a fresh rebuild with an old copy). The kernel
  drops the lock when a worker is killed, so a SIGKILL never wedges the next writer.
* `load_current` — a per-process cache keyed by the file's (inode, mtime, size): one `stat` per
  read, a reload only after a swap. Every web process picks up a new version on its next read.
* `rebuild` — encode, build in memory, (test-only pause), publish the version in the database
  (`published`: how other hosts get it without a shared folder), swap the local copy; leftovers of a killed writer
  (``.*.tmp``) are removed under the lock before a new build starts.
* `check` / `ensure_fresh` — an index whose catalog version (count, sum of profile versions,
  last edit: `adapter.catalog_version`) or model differs from the catalog is rebuilt.
* job state files (``state-<job>.json``): running / done / failed with timestamps and the error.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from matching.vectors import published
from matching.vectors.index import FILE_NAME, VectorIndex

log = logging.getLogger(__name__)

LOCK_FILE = ".lock"
MISSING, FRESH, STALE = "missing", "fresh", "stale"

_cache: dict[str, tuple[tuple[int, int, int], VectorIndex]] = {}
_cache_lock = threading.Lock()


@contextmanager
def writer_lock(index_dir: str | Path, timeout: float | None = None) -> Iterator[None]:
    """Exclusive writer lock for an index directory (blocking; `timeout` seconds at most)."""
    directory = Path(index_dir)
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK_FILE).open("a+") as fh:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | (fcntl.LOCK_NB if deadline else 0))
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(f"index {directory} is locked by another writer") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def load_current(index_dir: str | Path | None) -> VectorIndex | None:
    """The index currently on disk, reloaded only when the file was swapped since the last
    call. The returned object is shared between threads: search only, never mutate it."""
    if not index_dir:
        return None
    path = Path(index_dir) / FILE_NAME
    key = _stat_key(path)
    name = str(path)
    if key is None:
        with _cache_lock:
            _cache.pop(name, None)
        return None
    with _cache_lock:
        hit = _cache.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
    idx = VectorIndex.load(index_dir)
    if idx is None:
        return None
    # Key of the file we actually read: a swap between stat and open must cause a reload next.
    fresh_key = _stat_key(path) or key
    with _cache_lock:
        _cache[name] = (fresh_key if fresh_key == key else (0, 0, 0), idx)
    return idx


def check(session: Session, index_dir: str | Path, model_id: str) -> str:
    """missing | fresh | stale: does the index on disk match this catalog and model?"""
    from matching.adapter import catalog_version

    idx = load_current(index_dir)
    if idx is None:
        return MISSING
    return STALE if idx.stale(model_id, catalog_version(session)) else FRESH


def clean_partial(index_dir: str | Path) -> int:
    """Remove temporary files a killed writer left behind. Call only under `writer_lock`."""
    removed = 0
    for tmp in Path(index_dir).glob(f".{FILE_NAME}.*.tmp"):
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def rebuild(
    session: Session,
    index_dir: str | Path,
    encoder: Any,
    pause: float = 0.0,
    force: bool = True,
) -> dict[str, Any]:
    """Rebuild the organization index aside and swap it in, under the writer lock.

    Idempotent: with ``force=False`` a fresh index is left alone, and rebuilding the same
    catalog twice produces the same index. ``pause`` (seconds, test-only setting) stretches the
    window between building and swapping so a test can kill the worker in the middle."""
    from matching.adapter import catalog_version, load_orgs

    index_dir = Path(index_dir)
    with writer_lock(index_dir):
        leftovers = clean_partial(index_dir)
        if leftovers:
            log.warning("removed %d partial index file(s) of a killed writer", leftovers)
        published.sync(session, index_dir)  # another host may have rebuilt it already
        if not force and check(session, index_dir, encoder.model_id) == FRESH:
            return {"status": FRESH, "catalog_version": catalog_version(session)}
        t0 = time.perf_counter()
        version = catalog_version(session)
        orgs = load_orgs(session)
        vectors = encoder.encode([o.profile_text() for o in orgs])
        idx = VectorIndex.build([o.id for o in orgs], vectors, encoder.model_id, version)
        idx.versions = {o.id: o.version for o in orgs}
        if pause > 0:
            time.sleep(pause)
        blob_id = published.release(session, idx, index_dir)
    return {
        "status": "rebuilt",
        "version": blob_id,
        "organizations": len(orgs),
        "kind": idx.kind,
        "model": encoder.model_id,
        "catalog_version": version,
        "seconds": round(time.perf_counter() - t0, 3),
    }


# -- job state -------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def state_path(index_dir: str | Path, job: str) -> Path:
    return Path(index_dir) / f"state-{job}.json"


def write_state(index_dir: str | Path, job: str, state: str, **fields: Any) -> dict[str, Any]:
    """Record a job's state atomically (running | done | failed | retrying), keeping the
    previous run's figures so the UI can show "last done at" while a new run is going."""
    path = state_path(index_dir, job)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = read_state(index_dir, job)
    data.update(fields, state=state, updated_at=_now(), pid=os.getpid())
    if state == "running":
        data["started_at"] = data["updated_at"]
        data.pop("error", None)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str))
    os.replace(tmp, path)
    return data


def read_state(index_dir: str | Path, job: str) -> dict[str, Any]:
    """The last recorded state of a job ({} when it never ran)."""
    try:
        return json.loads(state_path(index_dir, job).read_text())
    except (FileNotFoundError, ValueError):
        return {}
