"""Component schemas of the planner's API (web.planner.api): the gap table, unmet needs,
recommended actions and integrity red flags. Kept apart from web.api.schemas so the planner's
shapes sit together; merged into its COMPONENTS there."""

from __future__ import annotations

from catalog.analytics import GAP_REASONS
from web.api.schema_types import (
    DISTRICT_CODE,
    REGION_CODE,
    STREET_CODE,
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

PLANNER_COMPONENTS: dict[str, Schema] = {
    "GapRow": GAP_ROW,
    "UnmetNeed": UNMET_NEED,
    "PlannerAction": PLANNER_ACTION,
    "PlannerActionList": list_of(
        "PlannerAction",
        "best first",
        "Recommended actions in the caller's area, from the plan a worker computed last.",
        computed_at=timestamp(
            "when the plan was computed; null: the first one is being computed", nullable=True
        ),
        pending=boolean("a newer plan is being computed (the records changed since computed_at)"),
    ),
    "RedFlag": RED_FLAG,
    "RedFlagList": list_of("RedFlag", "by indicator", "Red flags in the caller's area."),
}
