"""Append-only read log: who saw which non-public record, when, and through what.

The audit log (catalog.models.audit) answers "who changed what"; a government platform must
also answer "who looked at this street's drafts, this organization's file, this export" — so a
leak can be traced and staff know that browsing is accountable. Rows are never updated or
deleted: the same ORM hooks and database triggers as the audit log guard them
(`make_append_only`).

What counts as a read, and when one is written, is decided by the front end (web.access.reads); this
module only fixes what a record holds.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base
from catalog.models.audit import make_append_only
from catalog.models.columns import SerialId


class ReadChannel(StrEnum):
    """How the data left the platform: shown in a page, returned to an API token, or handed
    over as a file (exports reach beyond the screen, so an auditor filters them apart)."""

    PAGE = "page"
    API = "api"
    EXPORT = "export"


class ReadEvent(Base):
    __tablename__ = "read_event"

    id: Mapped[SerialId]
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    # What was read: a record ("need", "n-123"), or a list/export (entity_id None).
    entity_type: Mapped[str] = mapped_column(String(20), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(8), index=True)
    endpoint: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(8))
    # The filters of a list or export (its query string, truncated): which rows were taken.
    query: Mapped[str | None] = mapped_column(String(500))
    rows: Mapped[int | None] = mapped_column(Integer)
    client_addr: Mapped[str | None] = mapped_column(String(45))  # longest IPv6 text form
    request_id: Mapped[str | None] = mapped_column(String(32))  # joins the JSON access log
    # Set when the read came through the spool (web.access.read_spool): unique, so moving a
    # spool file twice after a crash cannot record one read twice.
    spool_key: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)

    def __repr__(self) -> str:
        return (
            f"<ReadEvent {self.at} {self.actor} {self.channel} "
            f"{self.entity_type}:{self.entity_id or '*'}>"
        )


make_append_only(ReadEvent)
