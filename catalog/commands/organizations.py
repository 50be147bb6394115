"""Registering an organization and writing its capability profile and contact data
(catalog.contact): the one home of the versioning rule for the registration page, the profile
page, the API and the importer.

`profile_version` tells the vector index which organizations' vectors are stale, so it moves
exactly when the profile does: a new profile is version 1, every write that changes something
adds one, and a write that changes nothing leaves it (and the index) alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import record
from catalog.errors import FieldError, ValidationFailed
from catalog.exchange.record_checks import validate_history
from catalog.exchange.record_writes import apply_org
from catalog.exchange.records import (
    ORG_HISTORY_KEYS,
    credit_event_record,
    normalize_org,
    org_record,
    performance_record,
)
from catalog.models import Organization
from catalog.reference import Reference
from catalog.validation import validate_organization


def write_profile(session: Session, org: Organization, rec: Mapping[str, Any]) -> list[str]:
    """Write a validated, normalized record (`normalize_org`) onto the organization, new or
    stored, and apply the versioning rule. Returns the keys that changed (all, when new)."""
    if org.profile_version is None or org not in session:
        session.add(org)
        apply_org(session, org, rec)
        org.profile_version = 1
        return sorted(rec)
    current = org_record(org, history=False)
    if "credit_events" in rec:
        current["credit_events"] = [credit_event_record(e) for e in org.credit_events]
    if "performance" in rec:
        current["performance"] = [performance_record(p) for p in org.performance]
    changed = sorted(k for k, v in rec.items() if current.get(k) != v)
    if changed:
        apply_org(session, org, rec)
        org.profile_version = (org.profile_version or 1) + 1
    return changed


def _checked(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    errors = validate_organization(data, Reference.load(session)) + validate_history(data)
    if errors:
        raise ValidationFailed(errors)
    return normalize_org(data)


def registration_problems(session: Session, data: Mapping[str, Any]) -> list[FieldError]:
    """Every problem of a registration record, for a form to show them all at once."""
    errors = validate_organization(data, Reference.load(session))
    code = data.get("credit_code")
    if not any(e.field == "credit_code" for e in errors) and session.scalar(
        select(Organization.id).where(Organization.credit_code == code)
    ):
        errors.append(
            FieldError(
                "credit_code",
                "该统一社会信用代码已注册",
                "an organization with this credit code is already registered",
            )
        )
    return errors


def register_organization(session: Session, actor: Actor, data: Mapping[str, Any]) -> Organization:
    """A new organization from an exchange-format record (its id and credit code included).

    :raise ValidationFailed: every problem `registration_problems` finds."""
    given = {k: v for k, v in data.items() if k not in ORG_HISTORY_KEYS}
    errors = registration_problems(session, given)
    if errors:
        raise ValidationFailed(errors)
    rec = normalize_org(given)
    org = Organization(id=rec["id"])
    write_profile(session, org, rec)
    session.flush()
    record(
        session,
        actor,
        "organization.register",
        "organization",
        org.id,
        name=org.name,
        profile_version=org.profile_version,
    )
    return org


def update_profile(
    session: Session, actor: Actor, org: Organization, changes: Mapping[str, Any]
) -> list[str]:
    """Change an organization's profile and contact data; keys absent from `changes` keep their
    value (a key given as None clears an optional field). Returns the keys that changed.

    :raise NotAllowed: an organization edits its own profile only.
    :raise ValidationFailed: every field's problem at once."""
    permissions.require(permissions.edit_profile, actor, org.id)
    given = {k: v for k, v in changes.items() if k not in ("id", *ORG_HISTORY_KEYS)}
    rec = _checked(session, {**org_record(org, history=False), **given})
    changed = write_profile(session, org, rec)
    if changed:
        session.flush()
        record(
            session,
            actor,
            "organization.update",
            "organization",
            org.id,
            fields=changed,
            profile_version=org.profile_version,
        )
    return changed
