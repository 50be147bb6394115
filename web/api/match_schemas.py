"""Component schemas of matching's answers: suggestions (with the decision fields only the
posting office, reviewers in scope and admins get), interest in a need, and an organization's
opportunities. Kept apart from web.api.schemas so the shapes the matcher's results take sit
together; merged into its COMPONENTS there."""

from __future__ import annotations

from web.api.schema_types import (
    MATCH_STATUSES,
    OPPORTUNITY_SOURCES,
    SUGGESTION_STATUSES,
    Schema,
    array,
    boolean,
    integer,
    list_of,
    number,
    obj,
    ref,
    string,
    timestamp,
)
from web.api.schemas import PUBLIC_NEED_FIELDS

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

MATCH_COMPONENTS: dict[str, Schema] = {
    "Suggestion": SUGGESTION,
    "SuggestionList": list_of(
        "Suggestion",
        "by rank",
        "The suggestions of one need the caller may see.",
        match_status=string(
            "the need's matching state; null for callers who see only confirmed ones",
            nullable=True,
            enum=MATCH_STATUSES,
        ),
    ),
    "Interest": INTEREST,
    "InterestList": list_of("Interest", "", "Interest in one need, oldest first."),
    "Opportunity": OPPORTUNITY,
    "OpportunityList": list_of(
        "Opportunity",
        "best first",
        "Listed needs recommended for the calling organization.",
        source=string(
            "matcher: ranked by the matcher; profile: its categories and area (fallback)",
            enum=OPPORTUNITY_SOURCES,
        ),
    ),
}
