"""Component schemas of the read-only record endpoints (web.api.records): credit entries,
acceptance results and sampled inspections. Kept apart from web.api.schemas so the shapes of
these records sit next to each other; merged into its COMPONENTS there."""

from __future__ import annotations

from catalog.credit import CREDIT_KINDS
from catalog.inspections import RESULTS
from catalog.outcomes import GRADES
from web.api.schema_types import list_of
from web.api.schemas import (
    REGION_CODE,
    Schema,
    array,
    integer,
    number,
    obj,
    ref,
    string,
    timestamp,
)

CREDIT_ENTRY = obj(
    {
        "id": integer(minimum=1),
        "organization_id": string(),
        "date": string("the date of the decision", format="date"),
        "kind": string(enum=tuple(CREDIT_KINDS)),
        "kind_zh": string("the kind in Chinese"),
        "source": string("the authority that issued the decision"),
        "note": string("the reviewer's note; a correction says what it corrects", nullable=True),
    },
    "One entry of an organization's credit archive (append-only; a correction is a new entry).",
)

OUTCOME = obj(
    {
        "id": integer(minimum=1),
        "organization_id": string(),
        "organization_name": string(),
        "need_id": string("the need it was recorded for; null for imported history", nullable=True),
        "project": string(),
        "accepted_on": string("end of the accepted period", format="date"),
        "satisfaction": number("beneficiary satisfaction, 0–100", minimum=0, maximum=100),
        "evaluation": string("grade", nullable=True, enum=GRADES),
        "note": string("the office's note (not public: it may name people)", nullable=True),
    },
    "An acceptance result (Zhuhai Art. 26–27), final once recorded.",
)

DRAW_FIELDS: dict[str, Schema] = {
    "id": integer(minimum=1),
    "drawn_at": timestamp(),
    "drawn_by": string("the reviewer who drew"),
    "scope": string(
        "the reviewer's region; null for an admin's draw", nullable=True, pattern=REGION_CODE
    ),
    "rate": number("share of the population drawn", minimum=0, maximum=1),
    "seed": string("random seed, as exact decimal digits", pattern="^[0-9]+$"),
    "population_size": integer("projects eligible at draw time", minimum=0),
    "drawn": integer("projects drawn", minimum=0),
    "recorded": integer("drawn projects whose result is recorded", minimum=0),
}

INSPECTION_DRAW = obj(
    DRAW_FIELDS, "A sampled inspection draw (recompute it from seed and population)."
)

INSPECTION_ITEM = obj(
    {
        "id": integer(minimum=1),
        "need_id": string(),
        "organization_id": string(),
        "organization_name": string(),
        "result": string("null until recorded", nullable=True, enum=RESULTS),
        "note": string("the inspector's note", nullable=True),
        "inspected_by": string(nullable=True),
        "inspected_on": string(nullable=True, format="date"),
        "credit_event_id": integer("the credit entry the result became", nullable=True, minimum=1),
    },
    "One drawn project (a need × a confirmed organization) and what its inspection found.",
)

PROJECT = obj({"need_id": string(), "organization_id": string()}, "A project of the population.")

RECORD_COMPONENTS: dict[str, Schema] = {
    "CreditEntry": CREDIT_ENTRY,
    "CreditEntryList": list_of("CreditEntry", "newest first", "A credit archive."),
    "Outcome": OUTCOME,
    "OutcomeList": list_of("Outcome", "newest first", "Acceptance results."),
    "InspectionDraw": INSPECTION_DRAW,
    "InspectionDrawList": list_of(
        "InspectionDraw", "newest first", "The draws of the caller's area."
    ),
    "InspectionDrawDetail": obj(
        {
            **DRAW_FIELDS,
            "population": array(ref("Project"), "every eligible project at draw time, sorted"),
            "items": array(ref("InspectionItem")),
        },
        "A draw with its population and its drawn projects.",
    ),
    "InspectionItem": INSPECTION_ITEM,
    "Project": PROJECT,
}
