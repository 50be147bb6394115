"""Posting, editing and approving a need: the one home of these rules for pages, API and import.

- Id: `need-` and 12 hex digits of a random UUID, like organizations' `org-…`: it names the
  kind of record and, unlike the street-prefixed ids the office pages once made, does not encode
  a street that a later edit can change. Imports keep the ids of their file.
- Signature (`posted_by`): the office as an institution, named from the gazetteer entry of the
  need's street (`office_name`), never a person's display name: it is shown on the public
  notice, and an account's name is a clerk's. Imports keep the signature of their record.
- Screening: every write runs Art. 11 screening and, unless a person chose the category, asks
  the injected `suggest_category` (the matcher's classifier, which catalog cannot import).
- Audit: `need.create` with the street; `need.update` with the street and the fields changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import record
from catalog.errors import FieldError, ValidationFailed
from catalog.lifecycle import allowed_actions, apply_screening, transition
from catalog.models import Account, Category, Need, NeedStatus, Region, Role
from catalog.reference import Reference
from catalog.validation import validate_need

#: (category, probability) for a need's text, or None: the matcher's classifier, injected.
SuggestCategory = Callable[[Need], tuple[str, float] | None]

# A category set by a person is kept; one the model suggested is suggested again on each write.
HUMAN_CATEGORY_SOURCES = ("office", "reviewer", "import")
TEXT_FIELDS = ("title", "description", "beneficiaries")
RECORD_FIELDS = (*TEXT_FIELDS, "beneficiary_count", "budget_yuan", "months", "funding", "lang")
DEFAULT_LANG = "zh-Hans"
MATCH_PENDING = "pending"


def new_need_id() -> str:
    return f"need-{uuid.uuid4().hex[:12]}"


def office_name(street: Region) -> str:
    """How an office signs its needs publicly: the institution, never a person."""
    suffix = "人民政府" if street.name.endswith("镇") else "办事处"
    return f"{street.name}{suffix}"


def write_fields(need: Need, rec: Mapping[str, Any]) -> None:
    """Copy an exchange-format record's own fields onto the need (also the importer's)."""
    for key in RECORD_FIELDS:
        setattr(need, key, rec[key])
    need.street_code = rec["street"]
    need.posted_by = rec["posted_by"]


def screen(need: Need, categories: Set[str], suggest_category: SuggestCategory | None) -> None:
    """Art. 11 screening (flag, never drop), then a category suggestion unless a person chose."""
    apply_screening(need)
    if suggest_category is None or need.category_source in HUMAN_CATEGORY_SOURCES:
        return
    guess = suggest_category(need)
    if guess and guess[0] in categories:
        need.category_name, need.category_confidence = guess
        need.category_source = "model"


def _signed(session: Session, data: Mapping[str, Any]) -> dict[str, Any]:
    """The record with stripped texts, the default language and the office's signature."""
    rec = dict(data)
    for key in TEXT_FIELDS:
        if isinstance(rec.get(key), str):
            rec[key] = rec[key].strip()
    rec["lang"] = rec.get("lang") or DEFAULT_LANG
    street = session.get(Region, rec["street"]) if isinstance(rec.get("street"), str) else None
    rec["posted_by"] = office_name(street) if street is not None else None
    return rec


def _validated(session: Session, rec: dict[str, Any]) -> Reference:
    ref = Reference.load(session)
    errors = validate_need(rec, ref)
    if rec.get("posted_by") is None:  # the street is unknown: say so once, on the street
        errors = [e for e in errors if e.field != "posted_by"]
    if errors:
        raise ValidationFailed(errors)
    return ref


def _set_category(need: Need, category: str | None) -> None:
    """A category the office picks is a person's; clearing its own choice lets the model
    suggest again (a reviewer's or an import's choice stays unless the office picks another)."""
    if category:
        need.category_name, need.category_source, need.category_confidence = (
            category,
            "office",
            None,
        )
    elif need.category_source == "office":
        need.category_name = need.category_source = need.category_confidence = None


def post_need(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    suggest_category: SuggestCategory | None = None,
) -> Need:
    """Post a new draft need from an exchange-format record (`id` and `posted_by` in it are
    ignored: the command names and signs the need). Offices post for their own street.

    :raise NotAllowed: the actor may not post, or not for that street.
    :raise ValidationFailed: every field's problem at once."""
    street = data.get("street") or (actor.scope if actor.role == Role.OFFICE else None)
    permissions.require(permissions.post_need, actor, street)
    rec = _signed(session, {**data, "street": street, "id": new_need_id()})
    ref = _validated(session, rec)
    need = Need(
        id=rec["id"],
        status=NeedStatus.DRAFT,
        posted_by_account_id=session.scalar(
            select(Account.id).where(Account.username == actor.username)
        ),
    )
    write_fields(need, rec)
    _set_category(need, rec.get("category"))
    session.add(need)
    screen(need, ref.categories, suggest_category)
    record(session, actor, "need.create", "need", need.id, street=need.street_code)
    session.flush()
    return need


def edit_need(
    session: Session,
    actor: Actor,
    need: Need,
    changes: Mapping[str, Any],
    *,
    suggest_category: SuggestCategory | None = None,
) -> Need:
    """Change a draft or returned need; keys absent from `changes` keep their value, and a
    `category` of None gives the choice back to the model.

    :raise NotAllowed: not the posting office, or a street outside its scope.
    :raise IllegalTransition: the need is no longer editable.
    :raise ValidationFailed: every field's problem at once."""
    permissions.require(permissions.edit_need, actor, need)
    street = changes.get("street") or need.street_code
    if street != need.street_code:
        permissions.require(permissions.post_need, actor, street)
    before = _current(need)
    given = {k: v for k, v in changes.items() if k not in ("id", "posted_by", "status")}
    rec = _signed(session, {**before, **given, "street": street})
    ref = _validated(session, rec)
    write_fields(need, rec)
    if "category" in given:
        _set_category(need, given["category"])
    screen(need, ref.categories, suggest_category)
    after = _current(need)
    changed = sorted(k for k in after if after[k] != before.get(k))
    record(session, actor, "need.update", "need", need.id, street=need.street_code, fields=changed)
    session.flush()
    return need


def _current(need: Need) -> dict[str, Any]:
    rec = {key: getattr(need, key) for key in RECORD_FIELDS}
    rec.update(
        id=need.id,
        street=need.street_code,
        posted_by=need.posted_by,
        category=need.category_name,
    )
    return rec


@dataclass(frozen=True)
class Approved:
    """An approval, and what the caller hands to background work once it has committed."""

    need: Need
    match_need_id: str


def approve_need(
    session: Session, actor: Actor, need: Need, *, category: str | None = None
) -> Approved:
    """Approve a submitted need, optionally setting its category (the reviewer's override),
    and mark it for matching: pending, with any earlier matching error cleared.

    :raise NotAllowed | IllegalTransition: from the lifecycle (role, scope, state).
    :raise ValidationFailed: an unknown category, or none at all for a need that has none
        (matching a need under a category nobody chose would send it to the wrong services)."""
    if not category and not need.category_name and "approve" in allowed_actions(need, actor):
        raise ValidationFailed(
            [
                FieldError(
                    "category",
                    "服务类别：请选择服务类别后再批准",
                    "Service category: choose a category before approving",
                )
            ]
        )
    if category and session.get(Category, category) is None:
        raise ValidationFailed(
            [FieldError("category", f"未知的服务类别：{category}", f"unknown category: {category}")]
        )
    transition(session, need, "approve", actor)
    if category and category != need.category_name:
        previous = need.category_name
        need.category_name, need.category_source, need.category_confidence = (
            category,
            "reviewer",
            None,
        )
        record(session, actor, "need.categorize", "need", need.id, category=category, was=previous)
    mark_for_matching(need)
    session.flush()
    return Approved(need, need.id)


def close_need(
    session: Session, actor: Actor, need: Need, *, reason: str | None, confirmed: bool
) -> Need:
    """Close a matched need: irreversible, so the person confirms it and gives a reason
    (at most 2000 characters, kept on the audit entry); suggestions nobody decided are settled
    as rejected ("需求已结束") by the lifecycle.

    :raise ValidationFailed: not confirmed (field `confirm`), or a missing or bad reason.
    :raise NotAllowed | IllegalTransition: from the lifecycle (role, scope, state)."""
    errors = []
    if not confirmed:
        errors.append(
            FieldError("confirm", "请确认结束该需求（结束后不能恢复）", "confirm closing the need")
        )
    if not (reason and reason.strip()):
        errors.append(FieldError("reason", "结束需求必须填写理由", "a reason is required to close"))
    if errors:
        raise ValidationFailed(errors)
    return transition(session, need, "close", actor, reason.strip() if reason else None)


def mark_for_matching(need: Need) -> None:
    """What starting (or restarting) matching sets on the need before the caller enqueues."""
    need.match_status, need.match_error = MATCH_PENDING, None
