"""Component schemas of the API's responses (OpenAPI 3.0: `nullable: true`, and `null` listed in
the enum of a nullable enum): the shared pieces and needs here; suggestions, interest and
opportunities in web.api.match_schemas, the planner's tables in web.api.planner_schemas,
organizations and records in their own modules. One schema per shape a serializer in web.api.serialize (or a view)
builds; the contract test (tests/web/test_api_contract.py) checks every documented operation's
real answers against them, so a key added, removed, renamed or retyped in a serializer fails
the suite until this module says the same.

Every key a serializer always writes is `required`; keys only some callers get (the workflow
fields of a need, the decision of a suggestion) are listed but not required, and their
description says who gets them. Objects are left open (no `additionalProperties: false`) so
that adding a documented key later is not a breaking change for generated clients; the
contract test closes them, so an undocumented key still fails the suite.
"""

from __future__ import annotations

from catalog.analytics import GAP_REASONS
from catalog.lifecycle import TRANSITIONS
from catalog.models import Role
from catalog.models.needs import PUBLIC_STATUSES
from catalog.outcomes import GRADES
from catalog.validation import FUNDING, LANGS, NEED_STATUSES
from web.api.organization_schemas import ORGANIZATION
from web.api.schema_types import (  # noqa: F401 - re-exported: callers import them here
    CATEGORY_SOURCES,
    DISTRICT_CODE,
    MATCH_STATUSES,
    OPPORTUNITY_SOURCES,
    REGION_CODE,
    SCHEMA_REF,
    STREET_CODE,
    SUGGESTION_STATUSES,
    Schema,
    array,
    boolean,
    integer,
    number,
    obj,
    page_of,
    ref,
    string,
    timestamp,
)

# ------------------------------------------------------------------ shared pieces

REASON = obj(
    {
        "kind": string("what the reason is about: category, area, capacity, terms, record, gap, …"),
        "zh": string("Simplified Chinese"),
        "zh_hant": string("Traditional Chinese (reasons written by the matcher)"),
        "en": string("English"),
    },
    "One plain-language reason, in each language.",
    optional=("zh_hant",),
)

# Added to the answer of a change whose background work (matching, the index update) could not
# be queued: the change is saved and the work runs later (web.jobs.DEFERRED_NOTICE).
NOTICE = obj(
    {
        "code": string(enum=("matching_deferred",)),
        "message": string("English"),
        "message_zh": string("Simplified Chinese"),
    },
    "The change is saved, but its background work could not be queued now: matching will run "
    "later (匹配将稍后进行).",
)

# The notice-board fields of a need (serialize.public_need), shared by every need shape.
PUBLIC_NEED_FIELDS: dict[str, Schema] = {
    "id": string(),
    "title": string(),
    "description": string(),
    "street": string("street/town code", pattern=STREET_CODE),
    "street_name": string("street/town name", nullable=True),
    "district": string("district code (first 6 digits of the street code)", pattern=DISTRICT_CODE),
    "category": string("service subcategory", nullable=True),
    "beneficiaries": string("who benefits"),
    "beneficiary_count": integer(minimum=0),
    "budget_yuan": integer(minimum=0),
    "months": integer(minimum=0),
    "funding": string(enum=FUNDING),
    "status": string(enum=NEED_STATUSES),
    "listed_at": timestamp("when the need was listed publicly", nullable=True),
}
PUBLIC_STATUS = string(enum=PUBLIC_STATUSES)

# What the posting office, reviewers in scope and admins see besides (serialize.need_json).
WORKFLOW_FIELDS: dict[str, Schema] = {
    "posted_by": string("posting office"),
    "lang": string(enum=LANGS),
    "category_source": string("who set the category", nullable=True, enum=CATEGORY_SOURCES),
    "category_confidence": number("classifier confidence", nullable=True, minimum=0, maximum=1),
    "prohibited": boolean("flagged as an Art. 11 prohibited type"),
    "prohibited_rule": string(nullable=True),
    "prohibited_detail": string(nullable=True),
    "return_reason": string("why a reviewer returned it", nullable=True),
    "match_status": string(nullable=True, enum=MATCH_STATUSES),
    "match_error": string(nullable=True),
    "gap": boolean("true: nobody can serve it; null: not matched yet", nullable=True),
    "gap_reason": string(nullable=True, enum=GAP_REASONS),
    "created_at": timestamp(),
    "submitted_at": timestamp(nullable=True),
    "decided_at": timestamp(nullable=True),
    "closed_at": timestamp(nullable=True),
}

NEED = obj(
    {
        **PUBLIC_NEED_FIELDS,
        **WORKFLOW_FIELDS,
        "actions": array(
            string(enum=tuple(TRANSITIONS)),
            "lifecycle actions the caller may take now (POST /needs/{need_id}/{action})",
        ),
        "notice": ref("Notice"),
        "text_prompt": obj(
            {
                "reasons": array(string(enum=("title_only", "category_uncertain"))),
                "zh": string(),
                "zh_hant": string(),
                "en": string(),
                "questions": array(
                    obj({"zh": string(), "zh_hant": string(), "en": string()}, "one question")
                ),
            },
            "Only in the answer to posting or editing a draft: the text is too thin or the "
            "category uncertain; asks who is served, what problem, and where.",
        ),
    },
    "A need as the caller may see it. Everyone gets the notice fields and `actions`; the "
    "posting office, reviewers in scope and admins also get the workflow fields "
    "(`posted_by` … `closed_at`), all of them. An approval whose matching could not be "
    "queued also carries `notice`.",
    optional=(*WORKFLOW_FIELDS, "notice", "text_prompt"),
)

ACCEPTANCE = obj(
    {
        "evaluation": string("grade", nullable=True, enum=GRADES),
        "satisfaction": number("beneficiary satisfaction, 0–100", minimum=0, maximum=100),
        "accepted_on": string("end of the accepted period", format="date"),
    },
    "The published acceptance result (Art. 27); null until the need is closed and a result "
    "is recorded.",
    nullable=True,
)

CONFIRMED_ORGANIZATION = obj(
    {"id": string(), "name": string(), "acceptance": ACCEPTANCE},
    "An organization the posting office confirmed for the need.",
)

NOTICE_NEED = obj(
    {
        **PUBLIC_NEED_FIELDS,
        "status": PUBLIC_STATUS,
        "confirmed_organizations": array(ref("ConfirmedOrganization")),
    },
    "A need on the public notice (公示): no poster, no internal flags, only confirmed "
    "organizations.",
)

TOKEN = obj(
    {
        "token": string("send as `Authorization: Bearer <token>`; shown only once"),
        "expires_at": timestamp(),
        "role": string(enum=[r.value for r in Role]),
        "scope": string("street, region or organization id of the account", nullable=True),
    },
    "A Bearer token for the API.",
)

ERROR = obj(
    {
        "error": obj(
            {
                "code": string("machine-readable, e.g. not_found, validation_failed"),
                "message": string("English"),
                "message_zh": string("Simplified Chinese"),
                "fields": array(
                    obj(
                        {"field": string(), "zh": string(), "en": string()},
                        "a field and what is wrong with it",
                    ),
                    "one entry per invalid field (422); empty otherwise",
                ),
            }
        )
    },
    "Every refusal (4xx, 5xx).",
)

COMPONENTS: dict[str, Schema] = {
    "Error": ERROR,
    "Reason": REASON,
    "Notice": NOTICE,
    "Need": NEED,
    "NeedPage": page_of("Need", "A page of needs within the caller's scope."),
    "NoticeNeed": NOTICE_NEED,
    "NoticeNeedPage": page_of("NoticeNeed", "A page of the public notice."),
    "ConfirmedOrganization": CONFIRMED_ORGANIZATION,
    "Organization": ORGANIZATION,
    "OrganizationPage": page_of("Organization", "A page of organization profiles."),
    "Token": TOKEN,
    "OpenApiDocument": obj(
        {
            "openapi": string(pattern="^3\\.0\\."),
            "info": {"type": "object"},
            "servers": array({"type": "object"}),
            "paths": {"type": "object"},
            "components": {"type": "object"},
        },
        "This document.",
    ),
}

# Suggestions and opportunities, the planner's tables and the read-only records (credit,
# outcomes, inspections) each have a module of their own, which builds on the pieces above.
from web.api.match_schemas import MATCH_COMPONENTS  # noqa: E402
from web.api.planner_schemas import PLANNER_COMPONENTS  # noqa: E402
from web.api.record_schemas import RECORD_COMPONENTS  # noqa: E402

COMPONENTS.update(MATCH_COMPONENTS)
COMPONENTS.update(PLANNER_COMPONENTS)
COMPONENTS.update(RECORD_COMPONENTS)
