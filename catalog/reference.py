"""Reference data every validator needs: which region codes and categories exist. Loaded once
per unit of work so bulk imports don't query per row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Category, Region


@dataclass(frozen=True)
class Reference:
    """Read-only for the unit of work it was loaded in: a validator consults it, never edits
    it, so one loaded copy can serve every row of an import."""

    streets: frozenset[str] = frozenset()
    districts: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    @classmethod
    def load(cls, session: Session) -> Reference:
        by_level: dict[str, set[str]] = {"street": set(), "district": set(), "city": set()}
        for code, level in session.execute(select(Region.code, Region.level)):
            by_level[level].add(code)
        return cls(
            streets=frozenset(by_level["street"]),
            districts=frozenset(by_level["district"]),
            cities=frozenset(by_level["city"]),
            categories=frozenset(session.scalars(select(Category.name))),
        )

    @property
    def service_area_codes(self) -> frozenset[str]:
        return self.streets | self.districts | self.cities
