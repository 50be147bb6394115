"""Component schemas of the API's responses (OpenAPI 3.0: `nullable: true`, and `null` listed in
the enum of a nullable enum). One schema per shape a serializer in web.api.serialize (or a view)
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
    },
    "A need as the caller may see it. Everyone gets the notice fields and `actions`; the "
    "posting office, reviewers in scope and admins also get the workflow fields "
    "(`posted_by` … `closed_at`), all of them. An approval whose matching could not be "
    "queued also carries `notice`.",
    optional=(*WORKFLOW_FIELDS, "notice"),
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

DECISION_FIELDS: dict[str, Schema] = {
    "decided_by": string("who confirmed or rejected it", nullable=True),
    "decided_at": timestamp(nullable=True),
    "decision_reason": string(nullable=True),
    "model_version": string("matcher that wrote it", nullable=True),
}

SUGGESTION = obj(
    {
        "id": integer(minimum=1),
        "need_id": string(),
        "organization_id": string(),
        "organization_name": string(nullable=True),
        "score": number(),
        "rank": integer(minimum=1),
        "probability": number(
            "calibrated probability that the organization offers the need's service and "
            "covers its street",
            minimum=0,
            maximum=1,
        ),
        "likely": boolean("among the suggestions to read first (cut-off chosen under CV)"),
        "reasons": array(ref("Reason")),
        "status": string(enum=SUGGESTION_STATUSES),
        "version": integer("send it back to confirm or reject", minimum=1),
        **DECISION_FIELDS,
    },
    "An organization suggested for a need, with its reasons. The posting office, reviewers in "
    "scope and admins also get the decision fields (`decided_by` … `model_version`), all of "
    "them; everyone else sees confirmed suggestions of listed needs only.",
    optional=tuple(DECISION_FIELDS),
)

INTEREST = obj(
    {
        "need_id": string(),
        "organization_id": string(),
        "organization_name": string(nullable=True),
        "note": string("the organization's note to the posting office", nullable=True),
        "active": boolean("false once withdrawn"),
        "created_at": timestamp(),
        "withdrawn_at": timestamp(nullable=True),
    },
    "An organization's interest in a listed need.",
)

OPPORTUNITY = obj(
    {
        **PUBLIC_NEED_FIELDS,
        "status": string(enum=("listed",)),
        "score": number("matcher score; null when ranked by the profile", nullable=True),
        "rank": integer(minimum=1),
        "reasons": array(ref("Reason")),
        "interested": boolean("the caller has expressed interest"),
    },
    "A listed need recommended for the calling organization.",
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

GAP_ROW = obj(
    {
        "region": string("street, district or city code (by `level`)", pattern=REGION_CODE),
        "category": string("subcategory; null for needs not yet categorised", nullable=True),
        "needs": integer(minimum=0),
        "matched": integer("needs the matcher could serve", minimum=0),
        "unmet": integer("needs flagged as gaps", minimum=0),
        "reasons": obj({r: integer(minimum=0) for r in GAP_REASONS}, "unmet needs by gap reason"),
    },
    "One region × category cell of the gap table.",
)

UNMET_NEED = obj(
    {
        "id": string(),
        "street": string(pattern=STREET_CODE),
        "category": string(nullable=True),
        "reason": string("gap reason", nullable=True, enum=GAP_REASONS),
    },
    "A need flagged as a gap, with the reason.",
)

# Issue 16: recommended actions and red flags (matching.planning.actions, catalog.analytics.red_flags).
ACTION_KINDS = ("extend_coverage", "incubate", "bundle")
RED_FLAG_INDICATORS = (
    "repeat_award",
    "single_suggestion",
    "short_notice",
    "closed_without_acceptance",
    "fast_decision",
)

PLANNER_ACTION = obj(
    {
        "kind": string(enum=ACTION_KINDS),
        "category": string("the unserved service (subcategory)"),
        "reason": ref("Reason"),
        "organization_id": string("extend_coverage: the organization that would extend"),
        "add_streets": array(
            string(pattern=STREET_CODE), "extend_coverage: streets to add, nearest first"
        ),
        "closes": array(
            string(), "extend_coverage, incubate: gap needs it closes (checked by the gap rule)"
        ),
        "district": string("incubate: where to cultivate the organization", pattern=DISTRICT_CODE),
        "streets": array(
            string(pattern=STREET_CODE), "incubate: streets of the needs; bundle: streets joined"
        ),
        "needs": array(string(), "bundle: the needs bought together"),
        "budget_yuan": integer("bundle: the needs' budgets added up", minimum=0),
    },
    "One recommended action; which keys come depends on `kind` (see each description).",
    optional=(
        "organization_id",
        "add_streets",
        "closes",
        "district",
        "streets",
        "needs",
        "budget_yuan",
    ),
)

RED_FLAG = obj(
    {
        "indicator": string(enum=RED_FLAG_INDICATORS),
        "need_ids": array(string(), "the needs behind the flag"),
        "organization_id": string("the organization concerned, when there is one"),
        "office": string("the street office (buyer), by its street code", pattern=STREET_CODE),
        "value": number("what was measured: a count, days or hours (see the explanation)"),
        "explanation": ref("Reason"),
    },
    "One integrity red flag, explained in plain words; a prompt to look, never a block.",
    optional=("organization_id", "office"),
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
    "Suggestion": SUGGESTION,
    "SuggestionList": obj(
        {
            "items": array(ref("Suggestion"), "by rank"),
            "match_status": string(
                "the need's matching state; null for callers who see only confirmed ones",
                nullable=True,
                enum=MATCH_STATUSES,
            ),
        },
        "The suggestions of one need the caller may see.",
    ),
    "Interest": INTEREST,
    "InterestList": obj({"items": array(ref("Interest"))}, "Interest in one need, oldest first."),
    "Opportunity": OPPORTUNITY,
    "OpportunityList": obj(
        {
            "items": array(ref("Opportunity"), "best first"),
            "source": string(
                "matcher: ranked by the matcher; profile: its categories and area (fallback)",
                enum=OPPORTUNITY_SOURCES,
            ),
        },
        "Listed needs recommended for the calling organization.",
    ),
    "Token": TOKEN,
    "GapRow": GAP_ROW,
    "UnmetNeed": UNMET_NEED,
    "PlannerAction": PLANNER_ACTION,
    "PlannerActionList": obj(
        {"items": array(ref("PlannerAction"), "best first")},
        "Recommended actions in the caller's area.",
    ),
    "RedFlag": RED_FLAG,
    "RedFlagList": obj(
        {"items": array(ref("RedFlag"), "by indicator")}, "Red flags in the caller's area."
    ),
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

# The read-only record endpoints' shapes (credit, outcomes, inspections) live beside their views.
from web.api.record_schemas import RECORD_COMPONENTS  # noqa: E402

COMPONENTS.update(RECORD_COMPONENTS)
