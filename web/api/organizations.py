"""Organizations: anyone with a token reads the public capability profiles; an organization edits
its own profile only (the credit code, type and rating come from registration and evaluation,
not from the organization itself)."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from catalog import permissions
from catalog.commands.organizations import update_profile
from catalog.models import Organization, OrgArea, Role, org_categories
from catalog.validation import LANGS, LIMITS
from catalog.visibility import load_org
from web.api.fields import Field, code_list, text
from web.api.inputs import check, read_json
from web.api.listing import PAGE_QUERY, paged_list
from web.api.organization_schemas import CONTACT_FIELDS
from web.api.query import clean_id, query_text
from web.api.routes import operation, read_one
from web.api.schemas import REGION_CODE
from web.api.serialize import org_json
from web.api.spec import q
from web.jobs import enqueue_after_commit, with_notice
from web.platform.database import db_session
from web.tasks import update_org_index

PROFILE_FIELDS: dict[str, Field] = {
    "name": text(*LIMITS["name"]),
    "description": text(*LIMITS["description"]),
    "categories": code_list("categories", 40, "service subcategories"),
    "service_areas": code_list("service_areas", 200, "street, district or city codes"),
    "capacity": Field("integer", minimum=0, maximum=1000, description="projects it can take on"),
    "staff": Field("integer", minimum=0, maximum=100_000, nullable=True),
    "social_workers": Field("integer", minimum=0, maximum=100_000, nullable=True),
    "founded": Field("integer", minimum=1949, maximum=2100, nullable=True),
    "lang": Field("string", enum=LANGS),
    **CONTACT_FIELDS,
}


@operation(
    "GET",
    "/organizations",
    "List organizations (public profiles)",
    tag="organizations",
    response="OrganizationPage",
    query=[
        q("category", "offers this subcategory"),
        q("area", "serves this region code (exact)", pattern=REGION_CODE),
        *PAGE_QUERY,
    ],
    reads="organization",
)
def list_organizations():
    """List organizations' public profiles, optionally by category or service area."""
    query = select(Organization).order_by(Organization.name, Organization.id)
    category = query_text("category")
    if category is not None:
        query = query.where(
            Organization.id.in_(
                select(org_categories.c.org_id).where(org_categories.c.category_name == category)
            )
        )
    area = query_text("area")
    if area is not None:
        query = query.where(
            Organization.id.in_(select(OrgArea.org_id).where(OrgArea.region_code == area))
        )
    return paged_list(db_session(), query, lambda o: org_json(o, g.actor))


def _load(org_id: str) -> Organization:
    """The organization (profiles are public); NotFound (404) when there is none."""
    return load_org(db_session(), clean_id(org_id))


@read_one(
    "/organizations/<org_id>",
    "Read an organization's public profile",
    reads="organization",
    tag="organizations",
    response="Organization",
)
def get_organization(org_id: str):
    """Read one organization's public capability profile."""
    return jsonify(org_json(_load(org_id), g.actor))


@operation(
    "PATCH",
    "/organizations/<org_id>",
    "Update the caller's own capability profile",
    tag="organizations",
    body=PROFILE_FIELDS,
    response="Organization",
    roles=(Role.ORGANIZATION, Role.ADMIN),
)
def update_organization(org_id: str):
    """Update an organization's own profile (organizations: their own id only)."""
    data = check(read_json(), PROFILE_FIELDS)
    permissions.require(permissions.edit_profile, g.actor, org_id)
    org = _load(org_id)
    session = db_session()
    changed = update_profile(session, g.actor, org, data)
    queued = enqueue_after_commit(session, update_org_index, org.id) if changed else None
    session.commit()
    session.expire(org)
    return jsonify(with_notice(org_json(_load(org_id), g.actor), queued))
