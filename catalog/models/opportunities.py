"""The organization's side of matching's results: one row per (listed need, organization the
matcher suggested for it), kept by `catalog.opportunities.sync_needs` whenever the need's
suggestions or status change. It exists so an organization's recommendations are one index
range scan (`ix_opportunity_org_rank`), however many organizations and needs the catalog
holds: the suggestion table is keyed by need, and filtering it by organization and the need's
status would touch every suggestion the organization ever got."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base


class Opportunity(Base):
    __tablename__ = "opportunity"

    # Need first: the writer replaces a need's rows, the reader ranges over an organization's.
    need_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("need.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float] = mapped_column(Float, nullable=False)
    listed_at: Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        return f"<Opportunity {self.org_id} ← {self.need_id} {self.score:.3f}>"


# Best first, newest first among equals: the order the reader pages in, read off the index.
Index(
    "ix_opportunity_org_rank",
    Opportunity.org_id,
    Opportunity.score.desc(),
    Opportunity.listed_at.desc(),
    Opportunity.need_id,
)
