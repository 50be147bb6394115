"""Service taxonomy (Zhuhai Art. 8): five groups, subcategories keyed by their Chinese name,
because the exchange format refers to subcategories by name."""

from __future__ import annotations

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base


class Category(Base):
    __tablename__ = "category"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_hant: Mapped[str | None] = mapped_column(String(40))
    name_en: Mapped[str | None] = mapped_column(String(80))
    group: Mapped[str] = mapped_column(String(40), index=True)
    group_hant: Mapped[str | None] = mapped_column(String(40))
    group_en: Mapped[str | None] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords_en: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def label(self, locale: str = "zh_Hans_CN") -> str:
        """The name to show in a given UI locale."""
        if locale.startswith("en"):
            return self.name_en or self.name
        if locale.startswith("zh_Hant"):
            return self.name_hant or self.name
        return self.name

    def __repr__(self) -> str:
        return f"<Category {self.group}/{self.name}>"
