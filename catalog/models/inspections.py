"""Sampled inspections of finished and running projects (the Shanghai practice the design
notes cite: 20–30 % of projects are drawn for inspection, and the results are published into
the organizations' credit archive).

A draw is kept whole — who drew, when, at what rate, from which projects, with which seed —
so anyone can recompute the sample and see that it was not picked by hand. A project (one
need × one confirmed organization) is drawn at most once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalog.db import Base
from catalog.models.columns import SerialId
from catalog.models.organizations import Organization


class InspectionDraw(Base):
    __tablename__ = "inspection_draw"

    id: Mapped[SerialId]
    drawn_at: Mapped[dt.datetime] = mapped_column(index=True)
    drawn_by: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str | None] = mapped_column(String(12))  # the reviewer's region; None = all
    rate: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(BigInteger)
    # Every eligible project at draw time, sorted, as [need_id, org_id] pairs.
    population: Mapped[list] = mapped_column(JSON)

    items: Mapped[list[InspectionItem]] = relationship(
        back_populates="draw", order_by="InspectionItem.id", lazy="selectin"
    )


class InspectionItem(Base):
    __tablename__ = "inspection_item"
    __table_args__ = (UniqueConstraint("need_id", "org_id", name="uq_inspection_project"),)

    id: Mapped[SerialId]
    draw_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_draw.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[str] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"))
    org_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    result: Mapped[str | None] = mapped_column(String(8))  # pass | fail; None = not yet
    note: Mapped[str | None] = mapped_column(Text)
    inspected_by: Mapped[str | None] = mapped_column(String(64))
    inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    credit_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_event.id", ondelete="SET NULL")
    )

    draw: Mapped[InspectionDraw] = relationship(back_populates="items")
    organization: Mapped[Organization] = relationship(lazy="joined")
