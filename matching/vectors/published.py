"""The organization index published in the database, so hosts need no shared folder.

A rebuild serializes the index (the very bytes `VectorIndex.save` writes) and stores them as
the next version of a `DerivedBlob` in the transaction the caller commits: until then no
reader sees it, so a writer killed mid-rebuild leaves the previous version serving. Every
process keeps its own cache folder (`MATCHING_INDEX_DIR`, local disk): `sync` compares the
newest published version with the one copied there (``published.json``) and, when a newer
one exists, downloads it, checks its digest and swaps the local file atomically; the
per-process `index_store.load_current` then reloads it on its next read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from catalog.models import DerivedBlob, DerivedChunk
from catalog.models.derived import CHUNK_BYTES
from matching.vectors.index import FILE_NAME, VectorIndex

log = logging.getLogger(__name__)

KIND = "org-index"
MARKER = "published.json"  # which published version the local file is a copy of
KEEP = 2  # versions kept: the newest, and the one a slow reader may still be copying


def latest_id(session: Session) -> int | None:
    """The newest published version (one indexed lookup: cheap enough before every match)."""
    return session.scalar(select(func.max(DerivedBlob.id)).where(DerivedBlob.kind == KIND))


def local_id(index_dir: str | Path) -> int | None:
    """The published version the local cache holds (None: never synced, or built here)."""
    try:
        return int(json.loads((Path(index_dir) / MARKER).read_text())["id"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def lock_writers(session: Session) -> None:
    """Serialize publishers across hosts for the rest of the transaction (PostgreSQL advisory
    lock; SQLite already allows one writer at a time), so an incremental update always starts
    from the newest version and never publishes over another host's."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": KIND})


def publish(session: Session, idx: VectorIndex) -> int:
    """Store `idx` as the next version (visible when the caller commits); older versions
    beyond `KEEP` are dropped. Returns the new version id."""
    data = idx.to_bytes()
    blob = DerivedBlob(
        kind=KIND,
        source=f"{idx.model_id}@{idx.catalog_version}"[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        chunks=(len(data) + CHUNK_BYTES - 1) // CHUNK_BYTES,
    )
    session.add(blob)
    session.flush()
    for seq in range(blob.chunks):
        part = data[seq * CHUNK_BYTES : (seq + 1) * CHUNK_BYTES]
        session.add(DerivedChunk(blob_id=blob.id, seq=seq, data=part))
        session.flush()  # one chunk in memory at a time on the session side
    prune(session, KIND, KEEP)
    return blob.id


def prune(session: Session, kind: str, keep: int) -> None:
    """Drop the versions of `kind` older than the newest `keep` (in the caller's transaction)."""
    old = select(DerivedBlob.id).where(DerivedBlob.kind == kind).order_by(DerivedBlob.id.desc())
    stale = list(session.scalars(old.offset(keep)))
    if stale:
        session.execute(delete(DerivedChunk).where(DerivedChunk.blob_id.in_(stale)))
        session.execute(delete(DerivedBlob).where(DerivedBlob.id.in_(stale)))


def release(session: Session, idx: VectorIndex, index_dir: str | Path) -> int:
    """Publish `idx` and commit (from then on every host can copy it), then swap this host's
    own copy; returns the version id."""
    lock_writers(session)
    blob_id = publish(session, idx)
    session.commit()
    write_local(index_dir, idx.to_bytes(), blob_id)
    return blob_id


def fetch(session: Session, blob_id: int) -> bytes:
    """The bytes of one published version, checked against its digest."""
    blob = session.get(DerivedBlob, blob_id)
    if blob is None:
        raise LookupError(f"published index version {blob_id} is gone")
    parts = session.scalars(
        select(DerivedChunk.data).where(DerivedChunk.blob_id == blob_id).order_by(DerivedChunk.seq)
    )
    data = b"".join(parts)
    if len(data) != blob.size or hashlib.sha256(data).hexdigest() != blob.sha256:
        raise ValueError(f"published index version {blob_id} is incomplete or corrupt")
    return data


def sync(session: Session, index_dir: str | Path) -> int | None:
    """Make the local cache hold the newest published version; returns its id (None when
    nothing was ever published). Downloads only when the local copy is older."""
    newest = latest_id(session)
    if newest is None or newest == local_id(index_dir):
        return newest
    data = fetch(session, newest)
    write_local(index_dir, data, newest)
    log.info("organization index version %s copied into %s", newest, index_dir)
    return newest


def write_local(index_dir: str | Path, data: bytes, blob_id: int) -> None:
    """Swap the local index file atomically, then record which version it is."""
    directory = Path(index_dir)
    directory.mkdir(parents=True, exist_ok=True)
    for name, payload in ((FILE_NAME, data), (MARKER, json.dumps({"id": blob_id}).encode())):
        tmp = directory / f".{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / name)
