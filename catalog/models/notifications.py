"""In-app notifications: one row per recipient account and event.

The text is stored in Simplified Chinese and English at the moment of the event (what happened
then stays true even if the need is later renamed); Traditional Chinese is rendered from the
Simplified text for readers who chose it (web layer, OpenCC), so no third column can drift.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base
from catalog.models.columns import AccountRef, SerialId


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[SerialId]
    account_id: Mapped[AccountRef]
    kind: Mapped[str] = mapped_column(String(32))
    # Not a foreign key: a notification outlives a deleted need as a plain record of the event.
    need_id: Mapped[str | None] = mapped_column(String(64), index=True)
    text_zh: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    read_at: Mapped[dt.datetime | None]

    @property
    def read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} → account {self.account_id}>"
