"""Writing an organization's capability profile from a validated record, bumping its
profile_version so indexes can tell stale vectors apart, and auditing the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.audit import record
from catalog.models import Category, Organization, OrgArea

PROFILE_KEYS = ("name", "org_type", "description", "capacity", "staff", "social_workers")


def apply_profile(session: Session, org: Organization, data: dict[str, Any], who: Actor) -> bool:
    """Set the profile; returns whether anything changed (and then bumps the version)."""
    before = _snapshot(org)
    for key in PROFILE_KEYS:
        if key in data or key in ("staff", "social_workers"):
            setattr(org, key, data.get(key))
    if org.category_names != data["categories"]:
        org.categories = [session.get(Category, name) for name in data["categories"]]
    if org.area_codes != data["service_areas"]:
        org.areas.clear()
        session.flush()
        org.areas.extend(
            OrgArea(region_code=code, position=i) for i, code in enumerate(data["service_areas"])
        )
    after = _snapshot(org)
    if before == after:
        return False
    org.profile_version = (org.profile_version or 0) + 1
    changed = sorted(k for k in after if before.get(k) != after[k])
    record(
        session,
        who,
        "organization.update",
        "organization",
        org.id,
        fields=changed,
        profile_version=org.profile_version,
    )
    return True


def _snapshot(org: Organization) -> dict[str, Any]:
    snap = {k: getattr(org, k, None) for k in PROFILE_KEYS}
    snap["categories"] = list(org.category_names) if org.categories is not None else []
    snap["service_areas"] = list(org.area_codes) if org.areas is not None else []
    return snap
