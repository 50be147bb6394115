"""Rows → JSON for the API. What each audience sees is decided here in one place: the public
notice never carries who posted or why something was returned, and an organization's profile
shows its capability and public contact data, its contact person only to offices and reviewers,
never its internal history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Text, cast

from catalog import permissions
from catalog.actors import Actor
from catalog.contact import CONTACT_KEYS, PRIVATE_CONTACT_KEYS
from catalog.exchange.records import ORG_KEYS, org_record
from catalog.lifecycle import allowed_actions
from catalog.models import Interest, Need, Organization, Suggestion
from catalog.visibility import sees_unconfirmed
from web.api.listing import RawJSON


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def region_ref(need: Need) -> dict[str, Any]:
    street = need.street
    return {
        "street": need.street_code,
        "street_name": street.name if street is not None else None,
        "district": need.district_code,
    }


def public_need(need: Need) -> dict[str, Any]:
    """The notice-board view of a need: no poster, no internal flags."""
    return _public_fields(need, region_ref(need))


def public_need_row(row: Any) -> dict[str, Any]:
    """`public_need` for a row of the need's columns plus `street_name` (the opportunities
    page reads columns in one query, not ORM objects with their eager joins)."""
    region = {
        "street": row.street_code,
        "street_name": row.street_name,
        "district": row.street_code[:6],  # as Need.district_code
    }
    return _public_fields(row, region)


def _public_fields(src: Any, region: dict[str, Any]) -> dict[str, Any]:
    """The public fields from anything with the Need column names (ORM object or row)."""
    return {
        "id": src.id,
        "title": src.title,
        "description": src.description,
        **region,
        "category": src.category_name,
        "beneficiaries": src.beneficiaries,
        "beneficiary_count": src.beneficiary_count,
        "budget_yuan": src.budget_yuan,
        "months": src.months,
        "funding": src.funding,
        "status": str(src.status),
        "listed_at": iso(src.listed_at),
    }


def need_json(need: Need, viewer: Actor | None) -> dict[str, Any]:
    """A need as the viewer may see it: staff in scope see the workflow fields too."""
    out = public_need(need)
    if viewer is not None and sees_unconfirmed(need, viewer):
        out.update(
            posted_by=need.posted_by,
            lang=need.lang,
            category_source=need.category_source,
            category_confidence=need.category_confidence,
            prohibited=bool(need.prohibited),
            prohibited_rule=need.prohibited_rule,
            prohibited_detail=need.prohibited_detail,
            return_reason=need.return_reason,
            match_status=need.match_status,
            match_error=need.match_error,
            gap=need.gap,
            gap_reason=need.gap_reason,
            created_at=iso(need.created_at),
            submitted_at=iso(need.submitted_at),
            decided_at=iso(need.decided_at),
            closed_at=iso(need.closed_at),
        )
    out["actions"] = allowed_actions(need, viewer) if viewer is not None else []
    return out


def org_json(org: Organization, viewer: Actor | None) -> dict[str, Any]:
    """An organization's profile: its exchange record (capability and public contact data)
    with its profile version; the contact person's name only for a viewer
    catalog.permissions.see_contact_person admits (absent, not null, for the others)."""
    rec = org_record(org, history=False)
    out = {key: rec.get(key) for key in (*ORG_KEYS, *CONTACT_KEYS)}
    out["profile_version"] = org.profile_version
    if not permissions.allowed(permissions.see_contact_person, viewer, org.id):
        for key in PRIVATE_CONTACT_KEYS:
            del out[key]
    return out


def suggestion_json(s: Suggestion, full: bool) -> dict[str, Any]:
    """`full` for the posting office and reviewers: who decided and why."""
    name = s.organization.name if s.organization is not None else None
    return _suggestion_fields(s, name, full)


def suggestion_row_json(row: Any, full: bool) -> dict[str, Any]:
    """`suggestion_json` for a row of `SUGGESTION_COLUMNS` (+ `SUGGESTION_FULL_COLUMNS` when
    `full`): the list endpoint reads columns, not ORM objects (issue 14: most of its time went
    into loading each suggestion's organization with its categories and areas). The reasons
    come as the column's stored JSON text and go out as written (web.api.listing.RawJSON)."""
    out = _suggestion_fields(row, row.organization_name, full)
    raw = row.reasons
    out["reasons"] = [] if raw is None or raw == "null" else RawJSON(raw)
    return out


def _suggestion_fields(src: Any, organization_name: str | None, full: bool) -> dict[str, Any]:
    """One suggestion's answer from anything with the Suggestion column names (ORM or row)."""
    out: dict[str, Any] = {
        "id": src.id,
        "need_id": src.need_id,
        "organization_id": src.org_id,
        "organization_name": organization_name,
        "score": round(float(src.score), 6),
        "rank": src.rank,
        "probability": round(float(src.probability or 0.0), 4),
        "likely": bool(src.likely),
        "reasons": src.reasons or [],
        "status": str(src.status),
        "version": src.version,
    }
    if full:
        out.update(
            decided_by=src.decided_by,
            decided_at=iso(src.decided_at),
            decision_reason=src.decision_reason,
            model_version=src.model_version,
        )
    return out


SUGGESTION_COLUMNS = (
    Suggestion.id,
    Suggestion.need_id,
    Suggestion.org_id,
    Organization.name.label("organization_name"),
    Suggestion.score,
    Suggestion.rank,
    Suggestion.probability,
    Suggestion.likely,
    cast(Suggestion.reasons, Text).label("reasons"),  # the stored text (suggestion_row_json)
    Suggestion.status,
    Suggestion.version,
)
SUGGESTION_FULL_COLUMNS = (
    Suggestion.decided_by,
    Suggestion.decided_at,
    Suggestion.decision_reason,
    Suggestion.model_version,
)


def interest_json(i: Interest) -> dict[str, Any]:
    return {
        "need_id": i.need_id,
        "organization_id": i.org_id,
        "organization_name": i.organization.name if i.organization is not None else None,
        "note": i.note,
        "active": bool(i.active),
        "created_at": iso(i.created_at),
        "withdrawn_at": iso(i.withdrawn_at),
    }
