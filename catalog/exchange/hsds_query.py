"""Filtering and paging of the HSDS directory (catalog.exchange.hsds), as the HSDS API profile
describes them: `search` (words in names and descriptions), `taxonomy_term_id` (a subcategory,
or a category with all its subcategories), `organization_id`, `modified_after`, and pages
numbered from 1 with `total_items`, `total_pages`, `page_number`, `size`, `first_page`,
`last_page`, `empty` and `contents`.

The directory holds public organizations only (those confirmed for a listed need), so it is
filtered in memory after one query; nothing here touches the database."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from catalog.exchange.hsds import (
    Directory,
    Record,
    Service,
    category_term_id,
    group_term_id,
    hsds_id,
)
from catalog.models import Organization, Region

T = TypeVar("T")


@dataclass(frozen=True)
class Query:
    search: str | None = None
    taxonomy_term_id: str | None = None
    organization_id: str | None = None
    modified_after: dt.datetime | None = None


def _has_words(words: str | None, *texts: str | None) -> bool:
    if not words:
        return True
    haystack = " ".join(t for t in texts if t).casefold()
    return all(w in haystack for w in words.casefold().split())


def _modified(org: Organization, after: dt.datetime | None) -> bool:
    if after is None:
        return True
    stamp = org.updated_at if org.updated_at.tzinfo else org.updated_at.replace(tzinfo=dt.UTC)
    return stamp >= after


def _term_matches(ref: Service, term_id: str | None) -> bool:
    if not term_id:
        return True
    return term_id in (category_term_id(ref.category.name), group_term_id(ref.category.group))


def organizations(directory: Directory, q: Query) -> list[Organization]:
    return [
        o
        for o in directory.organizations
        if _has_words(q.search, o.name, o.description)
        and _modified(o, q.modified_after)
        and (not q.organization_id or hsds_id("organization", o.id) == q.organization_id)
    ]


def services(directory: Directory, q: Query) -> list[Service]:
    orgs = {o.id for o in organizations(directory, Query(None, None, q.organization_id))}
    return [
        ref
        for ref in directory.services()
        if ref.org.id in orgs
        and _has_words(q.search, ref.category.name, ref.category.name_en, ref.org.name)
        and _term_matches(ref, q.taxonomy_term_id)
        and _modified(ref.org, q.modified_after)
    ]


def service_at_locations(directory: Directory, q: Query) -> list[tuple[Service, Region]]:
    """Every (service, region served) pair; `search` also finds the region's name."""
    words = Query(None, q.taxonomy_term_id, q.organization_id, q.modified_after)
    return [
        (ref, region)
        for ref in services(directory, words)
        for region in directory.areas(ref.org)
        if _has_words(q.search, ref.category.name, ref.org.name, directory.region_path(region))
    ]


def records(items: Sequence[Record], q: Query) -> list[Record]:
    """Taxonomies and terms: `search` over name, code and description."""
    return [
        r for r in items if _has_words(q.search, r.get("name"), r.get("code"), r["description"])
    ]


def find(items: Sequence[T], key: Callable[[T], str], wanted: str) -> T | None:
    return next((item for item in items if key(item) == wanted), None)


def page(items: Sequence[T], number: int, size: int, shape: Callable[[T], Any]) -> dict:
    """One HSDS page (numbered from 1); a page past the end is empty, not an error."""
    total = len(items)
    pages = math.ceil(total / size)
    contents = [shape(item) for item in items[(number - 1) * size : number * size]]
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": size,
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }
