"""Community service needs posted by street offices and towns, with their lifecycle state and
what screening and matching found (category, prohibited flag, gap)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from catalog.db import Base
from catalog.models.columns import CreatedAt, UpdatedAt
from catalog.models.regions import Region


class NeedStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    LISTED = "listed"
    MATCHED = "matched"
    CLOSED = "closed"


# Statuses a public reader may filter by. Being public is not a status: a need is public only
# once it was listed (`listed_at` set), and stays so; see `Need.is_public`.
PUBLIC_STATUSES = (NeedStatus.LISTED, NeedStatus.MATCHED, NeedStatus.CLOSED)


class Need(Base):
    __tablename__ = "need"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    street_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    posted_by: Mapped[str] = mapped_column(String(120))
    posted_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    beneficiaries: Mapped[str] = mapped_column(String(120))
    beneficiary_count: Mapped[int] = mapped_column(Integer)
    budget_yuan: Mapped[int] = mapped_column(Integer)
    months: Mapped[int] = mapped_column(Integer)
    funding: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(10), default="zh-Hans")

    status: Mapped[str] = mapped_column(String(12), default=NeedStatus.DRAFT, index=True)
    return_reason: Mapped[str | None] = mapped_column(Text)

    # Category: set by the office or reviewer, or predicted by the classifier.
    category_name: Mapped[str | None] = mapped_column(ForeignKey("category.name"), index=True)
    category_source: Mapped[str | None] = mapped_column(String(12))  # office|reviewer|model|import
    category_confidence: Mapped[float | None] = mapped_column()
    # The two most likely categories [[name, p], [name, p]] when the matcher's top category is
    # uncertain (below its cut-off), so the office or reviewer can choose; null otherwise.
    category_choices: Mapped[list | None] = mapped_column(JSON)

    # Art. 11 screening: flagged for the reviewer, never silently dropped.
    prohibited: Mapped[bool] = mapped_column(Boolean, default=False)
    prohibited_rule: Mapped[str | None] = mapped_column(String(40))
    prohibited_detail: Mapped[str | None] = mapped_column(Text)

    # Matching state: pending | running | done | failed; gap reason no_service|no_coverage|no_capacity
    match_status: Mapped[str | None] = mapped_column(String(10))
    match_error: Mapped[str | None] = mapped_column(Text)
    matched_at: Mapped[dt.datetime | None]
    gap: Mapped[bool | None] = mapped_column(Boolean)
    gap_reason: Mapped[str | None] = mapped_column(String(12))
    # Team proposals (组团建议) for a gap need, written by matching.planning.teams with each match
    # and replaced by the next one: [{"shape", "categories", "members": [{"org_id", "role",
    # "category", "reasons"}], "reasons"}]. Advice only; catalog.teams.invite_team turns a
    # team's members into suggestions a person decides on.
    team_proposals: Mapped[list | None] = mapped_column(JSON)

    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    listed_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]

    street: Mapped[Region] = relationship(lazy="joined")

    @property
    def district_code(self) -> str:
        return self.street_code[:6]

    @hybrid_property
    def is_public(self) -> bool:
        """Publication is a fact, not a status: a need is public once it was listed (公示) and
        stays public whatever happens later, while a draft, returned or approved need that is
        withdrawn (`closed`) was never listed and is never public. The SQL form below is the
        same rule for lists and exports."""
        return self.listed_at is not None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return cls.listed_at.is_not(None)

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.status}>"
