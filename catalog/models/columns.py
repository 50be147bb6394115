"""Column declarations several tables share, as SQLAlchemy 2.0 annotated types
(`id: Mapped[SerialId]`): a surrogate key, the row's creation stamp and the references to a
need, an organization or an account are declared once, so every table that holds one holds
the same thing (the same type, the same cascade, the same index) and a new table cannot get it
subtly different. Timestamps are time-zone aware everywhere (`Base.type_annotation_map`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import ForeignKey, func
from sqlalchemy.orm import mapped_column

SerialId = Annotated[int, mapped_column(primary_key=True, autoincrement=True)]
# Set by the database when the row is inserted, and (UpdatedAt) again on every update.
CreatedAt = Annotated[dt.datetime, mapped_column(server_default=func.now())]
UpdatedAt = Annotated[dt.datetime, mapped_column(server_default=func.now(), onupdate=func.now())]
# Rows that belong to a need, an organization or an account go when it goes, and are looked up
# by it (hence the index).
NeedRef = Annotated[str, mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)]
OrgRef = Annotated[
    str, mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
]
AccountRef = Annotated[int, mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)]
