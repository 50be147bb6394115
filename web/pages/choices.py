"""Choices shown in forms and filters (categories grouped by service group, streets grouped
by district), labelled in the active language from the catalog's reference data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Category, Region
from web.pages.display import locale_name, named


def categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.position, Category.name)))


def category_groups(session: Session) -> dict[str, list[tuple[str, str]]]:
    """{group label: [(category name, label)]}; WTForms renders a dict as <optgroup>s."""
    loc = locale_name()
    out: dict[str, list[tuple[str, str]]] = {}
    for c in categories(session):
        if loc.startswith("en"):
            group = c.group_en or c.group
        elif loc.startswith("zh_Hant"):
            group = c.group_hant or c.group
        else:
            group = c.group
        out.setdefault(group, []).append((c.name, c.label(loc)))
    return out


def districts(session: Session) -> list[Region]:
    return list(
        session.scalars(select(Region).where(Region.level == "district").order_by(Region.code))
    )


def streets_by_district(session: Session) -> list[tuple[Region, list[Region]]]:
    """The gazetteer as [(district, [streets])], in official code order."""
    rows = list(
        session.scalars(select(Region).where(Region.level == "street").order_by(Region.code))
    )
    groups = []
    for d in districts(session):
        groups.append((d, [s for s in rows if s.parent_code == d.code]))
    return groups


def street_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    return {named(d): [(s.code, named(s)) for s in ss] for d, ss in streets_by_district(session)}


def city(session: Session) -> Region | None:
    return session.scalar(select(Region).where(Region.level == "city"))
