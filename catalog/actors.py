"""Who is acting, and within which scope. The domain checks scope itself so a rule holds for
the browser, the API, the CLI and tasks alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from catalog.models import Role

CITY_CODE_LEN = 4  # "4404" city prefix; city region code is 6 digits ending in "00"


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    scope: str | None = None

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(username=name, role=Role.ADMIN, scope=None)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def covers_street(self, street_code: str) -> bool:
        """Does this actor's region scope include the street? Offices: their street only;
        reviewers and planners: their district or the whole city; admins: everything."""
        if self.is_admin:
            return True
        if not self.scope:
            return False
        if self.role == Role.OFFICE:
            return street_code == self.scope
        if self.role in (Role.REVIEWER, Role.PLANNER):
            return region_contains(self.scope, street_code)
        return False

    def is_org(self, org_id: str) -> bool:
        return self.role == Role.ORGANIZATION and self.scope == org_id


def area_prefix(area: str) -> str | None:
    """The street-code prefix a service area / scope code stands for: a 6-digit code ending in
    00 is the city (its 4-digit prefix), another 6-digit code a district, anything else a
    single street (None: exact match). The one place that reads region codes this way."""
    if len(area) == 6 and area.endswith("00"):
        return area[:CITY_CODE_LEN]
    if len(area) == 6:
        return area
    return None


def region_contains(area: str, street_code: str) -> bool:
    """Whether a service area / scope code (street, district, or city) covers a street."""
    if area == street_code:
        return True
    prefix = area_prefix(area)
    return prefix is not None and street_code.startswith(prefix)


def enclosing_areas(street_code: str) -> tuple[str, str, str]:
    """The street's own code, its district's and its city's: the service-area codes that
    cover it (`region_contains` read the other way round, for lookups by code)."""
    return street_code, street_code[:6], street_code[:CITY_CODE_LEN] + "00"


def region_clause(area: str, street_column: Any) -> ColumnElement[bool]:
    """`region_contains` as SQL over a street-code column, so lists filter in the database."""
    prefix = area_prefix(area)
    if prefix is None:
        return street_column == area
    return street_column.startswith(prefix, autoescape=True)
