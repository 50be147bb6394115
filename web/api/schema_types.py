"""Building blocks of the API's component schemas (OpenAPI 3.0): typed scalars, arrays,
objects, pages, references, and the code patterns and enum values shared by the schemas
(web.api.schemas) and the request declarations (web.api.needs, web.api.planner_filters)."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

# Values the catalog writes; the enums below are these tuples, so they cannot drift apart.
MATCH_STATUSES = ("pending", "running", "done", "failed")  # web.jobs
CATEGORY_SOURCES = ("office", "reviewer", "model", "import")
SUGGESTION_STATUSES = ("suggested", "confirmed", "rejected")
OPPORTUNITY_SOURCES = ("matcher", "profile")
STREET_CODE = "^[0-9]{9}$"
DISTRICT_CODE = "^[0-9]{6}$"
REGION_CODE = "^[0-9]{6}([0-9]{3})?$"  # a street, a district or the city


SCHEMA_REF = "#/components/schemas/"


def ref(name: str) -> Schema:
    return {"$ref": f"{SCHEMA_REF}{name}"}


def _scalar(kind: str, description: str, nullable: bool, extra: dict[str, Any]) -> Schema:
    schema: Schema = {"type": kind, **extra}
    if nullable:
        schema["nullable"] = True
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    if description:
        schema["description"] = description
    return schema


def string(description: str = "", *, nullable: bool = False, **extra: Any) -> Schema:
    if "enum" in extra:
        extra["enum"] = [str(v) for v in extra["enum"]]
    return _scalar("string", description, nullable, extra)


def integer(description: str = "", *, nullable: bool = False, **extra: Any) -> Schema:
    return _scalar("integer", description, nullable, extra)


def number(description: str = "", *, nullable: bool = False, **extra: Any) -> Schema:
    return _scalar("number", description, nullable, extra)


def boolean(description: str = "", *, nullable: bool = False) -> Schema:
    return _scalar("boolean", description, nullable, {})


def timestamp(description: str = "", *, nullable: bool = False) -> Schema:
    """ISO 8601 with a UTC offset (web.api.serialize.iso)."""
    return string(description, nullable=nullable, format="date-time")


def array(items: Schema, description: str = "", **extra: Any) -> Schema:
    schema: Schema = {"type": "array", "items": items, **extra}
    if description:
        schema["description"] = description
    return schema


def obj(
    properties: dict[str, Schema],
    description: str = "",
    *,
    optional: tuple[str, ...] = (),
    nullable: bool = False,
) -> Schema:
    """An object whose keys are all required except `optional`."""
    unknown = set(optional) - set(properties)
    if unknown:
        raise ValueError(f"optional keys not among the properties: {sorted(unknown)}")
    schema: Schema = {
        "type": "object",
        "required": [k for k in properties if k not in optional],
        "properties": properties,
    }
    if nullable:
        schema["nullable"] = True
    if description:
        schema["description"] = description
    return schema


def list_of(item: str, order: str, description: str, **beside: Schema) -> Schema:
    """What a list endpoint answers (web.api.listing.item_list): the items of schema `item`
    in `order`, and the keys `beside` them."""
    return obj({"items": array(ref(item), order), **beside}, description)


def page_of(item: str, description: str) -> Schema:
    """One page of a list (web.api.listing.paged_list): the items, how many match in all, and
    the window asked for."""
    return list_of(
        item,
        "",
        description,
        total=integer("items matching the filters, over all pages", minimum=0),
        limit=integer("page size used", minimum=1),
        offset=integer("items skipped", minimum=0),
    )
