"""Who is acting, and within which scope. The domain checks scope itself so a rule holds for
the browser, the API, the CLI and tasks alike."""

from __future__ import annotations

from dataclasses import dataclass

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


def region_contains(area: str, street_code: str) -> bool:
    """Whether a service area / scope code (street, district, or city) covers a street."""
    if area == street_code:
        return True
    if len(area) == 6 and area.endswith("00"):  # the city, e.g. 440400
        return street_code.startswith(area[:4])
    if len(area) == 6:  # a district
        return street_code.startswith(area)
    return False
