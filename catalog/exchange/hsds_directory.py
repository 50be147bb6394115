"""The records the HSDS directory (catalog.exchange.hsds) is built from, and their ids: the
public organizations with their services (an organization × a subcategory it offers), the
taxonomy and the gazetteer, read once per request or export.

HSDS wants UUIDs; the catalog's ids are strings, so each HSDS id is a name-based UUID (v5) of
the record's kind and catalog key: stable across exports and processes, never stored."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Category, Organization, Region
from catalog.visibility import public_organizations_clause

NAMESPACE = uuid.UUID("6d1f0c52-3b7e-5a0e-9f2c-1c8a4e6b7d90")
Record = dict[str, Any]


def hsds_id(kind: str, *keys: str) -> str:
    """The HSDS id (a UUID) of a catalog record of `kind` with the given key(s)."""
    return str(uuid.uuid5(NAMESPACE, "/".join((kind, *keys))))


def timestamp(value: dt.datetime) -> str:
    """RFC 3339 in UTC (a naive database value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Service:
    """One HSDS service: an organization offering one subcategory."""

    org: Organization
    category: Category

    @property
    def id(self) -> str:
        return hsds_id("service", self.org.id, self.category.name)


@dataclass(frozen=True)
class Directory:
    """What the directory publishes, read once per request or export: the public organizations
    (with categories and areas), the taxonomy and the gazetteer."""

    organizations: list[Organization]
    categories: list[Category]
    regions: dict[str, Region]

    @classmethod
    def load(cls, session: Session) -> Directory:
        orgs = session.scalars(
            select(Organization).where(public_organizations_clause()).order_by(Organization.id)
        )
        categories = session.scalars(select(Category).order_by(Category.position, Category.name))
        regions = {r.code: r for r in session.scalars(select(Region))}
        return cls(list(orgs), list(categories), regions)

    def services(self) -> list[Service]:
        return [Service(o, c) for o in self.organizations for c in o.categories]

    def areas(self, org: Organization) -> list[Region]:
        return [self.regions[c] for c in org.area_codes if c in self.regions]

    def region_path(self, region: Region) -> str:
        """Full name from the city down, e.g. 珠海市香洲区拱北街道."""
        names = []
        current: Region | None = region
        while current is not None:
            names.append(current.name)
            parent = current.parent_code
            current = self.regions.get(parent) if parent else None
        return "".join(reversed(names))

    def city(self) -> Region | None:
        """The gazetteer's city (one: the platform is Zhuhai's)."""
        return next((r for r in self.regions.values() if r.level == "city"), None)

    def districts(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == "district"]
