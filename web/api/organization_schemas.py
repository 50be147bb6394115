"""The organization profile in the API document: the response shape (`Organization`) and the
contact fields of the profile body (PATCH /organizations/{org_id}). The contact fields are one
table (web.api.inputs.Field) from which both the request check and the response schema come,
with the patterns of catalog.contact, so the document, the check and the domain say the same.
Kept apart from web.api.schemas, which holds the other component shapes."""

from __future__ import annotations

from catalog.contact import (
    EMAIL_PATTERN,
    EMAIL_PROBLEM,
    MAX_EMAIL,
    MAX_PHONE,
    MAX_WEBSITE,
    PHONE_PATTERN,
    PHONE_PROBLEM,
    TEXT_LIMITS,
    WEBSITE_PATTERN,
    WEBSITE_PROBLEM,
)
from catalog.validation import LANGS, ORG_TYPES, RATINGS
from web.api.inputs import Field, schema_of, text
from web.api.schema_types import REGION_CODE, array, integer, obj, ref, string

CONTACT_FIELDS: dict[str, Field] = {
    "address": text(*TEXT_LIMITS["address"], nullable=True, description="office address (public)"),
    "contact_person": text(
        *TEXT_LIMITS["contact_person"],
        nullable=True,
        description="name of the contact person; shown only to offices, reviewers, admins "
        "and the organization itself",
    ),
    "phone": Field(
        "string",
        max_length=MAX_PHONE,
        pattern=PHONE_PATTERN,
        mismatch=PHONE_PROBLEM,
        nullable=True,
        description="a Chinese mobile (13812345678, +86 optional) or a landline with its "
        "area code (0756-2212345, extension optional: -801, 转801, ext 801); public",
    ),
    "email": Field(
        "string",
        max_length=MAX_EMAIL,
        pattern=EMAIL_PATTERN,
        mismatch=EMAIL_PROBLEM,
        nullable=True,
        description="e-mail address (public)",
    ),
    "website": Field(
        "string",
        max_length=MAX_WEBSITE,
        pattern=WEBSITE_PATTERN,
        mismatch=WEBSITE_PROBLEM,
        nullable=True,
        description="an http or https URL (public)",
    ),
    "opening_hours": text(
        *TEXT_LIMITS["opening_hours"],
        nullable=True,
        description="free text, e.g. 周一至周五 9:00-17:30 (public; HSDS schedules)",
    ),
}

ORGANIZATION = obj(
    {
        "id": string(),
        "name": string(),
        "credit_code": string("unified social credit code (统一社会信用代码)"),
        "org_type": string(enum=ORG_TYPES),
        "categories": array(string(), "service subcategories"),
        "description": string(),
        "service_areas": array(string(pattern=REGION_CODE), "street, district or city codes"),
        "capacity": integer("projects it can take on", minimum=0),
        "staff": integer(nullable=True, minimum=0),
        "social_workers": integer(nullable=True, minimum=0),
        "founded": integer("founding year", nullable=True),
        "rating": string("evaluation grade", nullable=True, enum=RATINGS),
        "lang": string(enum=LANGS),
        **schema_of(CONTACT_FIELDS)["properties"],
        "profile_version": integer("bumped on every profile change", minimum=1),
        "notice": ref("Notice"),
    },
    "An organization's capability profile and public contact data (null when not given), "
    "never its internal history. `contact_person` is present only for offices, reviewers, "
    "admins and the organization itself. A profile change whose index update could not be "
    "queued also carries `notice`.",
    optional=("notice", "contact_person"),
)
