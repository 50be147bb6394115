"""Derived data published for every host: versioned blobs stored in chunks.

Some data is computed from the catalog by a background job and read by many processes (the
matching side's search index). Past one machine there is no shared folder to put it in, so each
built version is stored here, in the database every host already reaches, and each process
copies the newest one into its own cache folder. The catalog does not know what a blob holds;
`kind` names it for whoever wrote it. A version is visible only once its transaction commits,
so a writer killed half-way leaves nothing behind that a reader could pick up.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base
from catalog.models.columns import CreatedAt, SerialId

CHUNK_BYTES = 4 * 1024 * 1024  # below every driver's parameter limit, few round trips


class DerivedBlob(Base):
    """One published version of a derived blob (its bytes are in `DerivedChunk` rows)."""

    __tablename__ = "derived_blob"

    id: Mapped[SerialId]  # the version: higher is newer
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # What the blob was derived from, as its writer spells it (e.g. model and catalog version).
    source: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    chunks: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[CreatedAt]


class DerivedChunk(Base):
    __tablename__ = "derived_chunk"

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("derived_blob.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
