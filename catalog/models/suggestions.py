"""Suggestions (need × organization) and the human decision on each; interest expressed by
organizations in listed needs."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from catalog.db import Base
from catalog.models.columns import CreatedAt, NeedRef, OrgRef, SerialId
from catalog.models.needs import Need
from catalog.models.organizations import Organization


class SuggestionStatus(enum.StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class NeedOrgPair:
    """A row about one need and one organization (a suggestion, an interest): at most one per
    pair, so deciding or expressing interest twice finds the row instead of adding a second.
    The key columns come first in the table, as the migrations created them."""

    __tablename__: str

    id: Mapped[SerialId] = mapped_column(sort_order=-1)
    need_id: Mapped[NeedRef] = mapped_column(sort_order=-1)
    org_id: Mapped[OrgRef] = mapped_column(sort_order=-1)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("need_id", "org_id", name=f"uq_{cls.__tablename__}_need_org"),)

    @declared_attr
    @classmethod
    def need(cls) -> Mapped[Need]:
        return relationship()

    @declared_attr
    @classmethod
    def organization(cls) -> Mapped[Organization]:
        return relationship(lazy="joined")


class Suggestion(NeedOrgPair, Base):
    __tablename__ = "suggestion"

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
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[CreatedAt]

    # Optimistic locking: two people deciding the same suggestion at once → one StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Suggestion {self.need_id}×{self.org_id} {self.status}>"


class Interest(NeedOrgPair, Base):
    """An organization saying "we could do this" about a listed need."""

    __tablename__ = "interest"

    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[CreatedAt]
    withdrawn_at: Mapped[dt.datetime | None]
