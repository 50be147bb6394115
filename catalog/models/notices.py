"""The result notice (结果公示) of a need's decision and the objections raised during it.

A listed need is a call for interest (征集); once the office has decided (at least one
organization confirmed) and marks the need matched, the decision is published as a result notice
with a 公示期 (`starts_on`..`ends_on`, Zhuhai calendar days, both included). During it anyone may
send an objection (异议); the reviewer of the area answers it. The objector's contact is kept for
the reviewer only: no page, API, export or open-data format ever carries it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base
from catalog.models.columns import CreatedAt, NeedRef, SerialId
from catalog.models.needs import Need


class ResultNotice(Base):
    __tablename__ = "result_notice"

    id: Mapped[SerialId]
    # One notice per need: the decision is published once, when the need is marked matched.
    need_id: Mapped[NeedRef] = mapped_column(unique=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[CreatedAt]

    need: Mapped[Need] = relationship()

    def is_open(self, today: dt.date) -> bool:
        return self.starts_on <= today <= self.ends_on


class Objection(Base):
    __tablename__ = "objection"

    id: Mapped[SerialId]
    need_id: Mapped[NeedRef]
    name: Mapped[str | None] = mapped_column(String(50))
    # Private: shown to the reviewer of the area only (never public, never exported).
    contact: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[dt.datetime | None]
    # Whether the objection's text and the answer are shown on the public need page.
    answer_public: Mapped[bool] = mapped_column(Boolean, default=False)

    need: Mapped[Need] = relationship()
