"""The organization profile in the API document: the response shape (`Organization`) and the
contact fields of the profile body (PATCH /organizations/{org_id}). The contact fields are one
table (web.api.fields.Field) from which both the request check and the response schema come,
with the patterns of catalog.contact, so the document, the check and the domain say the same.
Kept apart from web.api.schemas, which holds the other component shapes."""

from __future__ import annotations

from catalog.contact import SYNTAXES, TEXT_LIMITS
from catalog.validation import LANGS, ORG_TYPES, RATINGS
from web.api.fields import Field, schema_of, text
from web.api.schema_types import REGION_CODE, array, integer, obj, ref, string


def _syntax(key: str, description: str) -> Field:
    """An optional field with a syntax of catalog.contact: its pattern, length and message."""
    rule = SYNTAXES[key]
    return Field(
        "string",
        max_length=rule.max_length,
        pattern=rule.pattern,
        mismatch=rule.problem,
        nullable=True,
        description=description,
    )


def _text(key: str, description: str) -> Field:
    return text(*TEXT_LIMITS[key], nullable=True, description=description)


CONTACT_FIELDS: dict[str, Field] = {
    "address": _text("address", "office address (public)"),
    "contact_person": _text(
        "contact_person",
        "name of the contact person; shown only to offices, reviewers, admins and the "
        "organization itself",
    ),
    "phone": _syntax(
        "phone",
        "a Chinese mobile (13812345678, +86 optional) or a landline with its area code "
        "(0756-2212345, extension optional: -801, 转801, ext 801); public",
    ),
    "email": _syntax("email", "e-mail address (public)"),
    "website": _syntax("website", "an http or https URL (public)"),
    "opening_hours": _text(
        "opening_hours", "free text, e.g. 周一至周五 9:00-17:30 (public; HSDS schedules)"
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
