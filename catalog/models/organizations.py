"""Social organizations and their capability profile, credit record and performance history
(Zhuhai Art. 24: the platform holds capacity, service scope and credit record)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base
from catalog.models.columns import CreatedAt, OrgRef, SerialId, UpdatedAt
from catalog.models.taxonomy import Category

org_categories = Table(
    "org_category",
    Base.metadata,
    Column("org_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
    Column("category_name", ForeignKey("category.name"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    org_type: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    capacity: Mapped[int] = mapped_column(Integer)
    staff: Mapped[int | None] = mapped_column(Integer)
    social_workers: Mapped[int | None] = mapped_column(Integer)
    founded: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[str | None] = mapped_column(String(8))
    lang: Mapped[str] = mapped_column(String(10), default="zh-Hans")
    # Contact data (catalog.contact): all optional. The contact person's name is shown to
    # offices and reviewers only (catalog.permissions.see_contact_person); the rest is public.
    address: Mapped[str | None] = mapped_column(String(200))
    contact_person: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(300))
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    # Bumped on every profile change so indexes and caches can tell stale vectors apart.
    profile_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt] = mapped_column(index=True)  # "changed since" lookups

    categories: Mapped[list[Category]] = relationship(
        secondary=org_categories, order_by=org_categories.c.position, lazy="selectin"
    )
    areas: Mapped[list[OrgArea]] = relationship(
        back_populates="organization",
        cascade="all, delete-orphan",
        order_by="OrgArea.position",
        lazy="selectin",
    )
    credit_events: Mapped[list[CreditEvent]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="CreditEvent.date"
    )
    performance: Mapped[list[PerformanceRecord]] = relationship(
        back_populates="organization",
        cascade="all, delete-orphan",
        order_by="PerformanceRecord.period_end",
    )

    @property
    def category_names(self) -> list[str]:
        return [c.name for c in self.categories]

    @property
    def area_codes(self) -> list[str]:
        """Service area as region codes: a street (9 digits), a district (6) or the city."""
        return [a.region_code for a in self.areas]

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"


class OrgArea(Base):
    __tablename__ = "org_area"

    org_id: Mapped[str] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    organization: Mapped[Organization] = relationship(back_populates="areas")


class CreditEvent(Base):
    """One entry of the credit archive: an award, a warning, a sanction, an inspection result."""

    __tablename__ = "credit_event"

    id: Mapped[SerialId]
    org_id: Mapped[OrgRef]
    date: Mapped[dt.date] = mapped_column(Date)
    # commendation | inspection_pass | warning | penalty | blacklist | other
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization] = relationship(back_populates="credit_events")


class PerformanceRecord(Base):
    """Outcome of a finished project: beneficiary satisfaction is the key acceptance indicator
    (Art. 26–27) and feeds later purchases."""

    __tablename__ = "performance_record"

    id: Mapped[SerialId]
    org_id: Mapped[OrgRef]
    need_id: Mapped[str | None] = mapped_column(String(64))
    project: Mapped[str] = mapped_column(String(200))
    period_end: Mapped[dt.date] = mapped_column(Date)
    satisfaction: Mapped[float] = mapped_column(Float)  # 0–100, beneficiary satisfaction
    evaluation: Mapped[str | None] = mapped_column(String(20))  # 优秀 | 良好 | 合格 | 不合格
    note: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization] = relationship(back_populates="performance")
