"""Reference data every validator needs: which region codes and categories exist. Loaded once
per unit of work so bulk imports don't query per row."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Category, Region


@dataclass
class Reference:
    streets: set[str] = field(default_factory=set)
    districts: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session) -> Reference:
        ref = cls()
        for code, level in session.execute(select(Region.code, Region.level)):
            {"street": ref.streets, "district": ref.districts, "city": ref.cities}[level].add(code)
        ref.categories = set(session.scalars(select(Category.name)))
        return ref

    @property
    def service_area_codes(self) -> set[str]:
        return self.streets | self.districts | self.cities
