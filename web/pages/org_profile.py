"""The organization profile as offices and reviewers open it (templates/_org_profile.html): the
organization, its service area as regions of the gazetteer, and whether the viewer may see its
contact person — the rule is catalog.permissions.see_contact_person, asked here once for both
pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from catalog import permissions
from catalog.models import Organization, Region
from web.access.authz import actor


def profile_context(session: Session, org: Organization) -> dict[str, Any]:
    return {
        "org": org,
        "areas": [session.get(Region, code) or code for code in org.area_codes],
        "show_contact_person": permissions.allowed(permissions.see_contact_person, actor(), org.id),
    }
