"""Suggestions (need × organization) and the human decision on each; interest expressed by
organizations in listed needs."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base
from catalog.models.needs import Need
from catalog.models.organizations import Organization


class SuggestionStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Suggestion(Base):
    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("need_id", "org_id", name="uq_suggestion_need_org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    need_id: Mapped[str] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    # Human-readable reasons: list of {"kind", "zh", "zh_hant", "en"} dicts; features for retraining.
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    features: Mapped[dict] = mapped_column(JSON, default=dict)
    model_version: Mapped[str | None] = mapped_column(String(64))
    # Calibrated P(the organization offers the service and covers the street) and whether the
    # matcher puts it among those a clerk should read first (matching.ranking.probability).
    probability: Mapped[float] = mapped_column(
        Float, nullable=False, default=0.0, server_default="0"
    )
    likely: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=sa_false()
    )
    status: Mapped[str] = mapped_column(String(10), default=SuggestionStatus.SUGGESTED, index=True)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    # Optimistic locking: two people deciding the same suggestion at once → one StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    need: Mapped[Need] = relationship()
    organization: Mapped[Organization] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Suggestion {self.need_id}×{self.org_id} {self.status}>"


class Interest(Base):
    """An organization saying "we could do this" about a listed need."""

    __tablename__ = "interest"
    __table_args__ = (UniqueConstraint("need_id", "org_id", name="uq_interest_need_org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    need_id: Mapped[str] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    need: Mapped[Need] = relationship()
    organization: Mapped[Organization] = relationship(lazy="joined")
