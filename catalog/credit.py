"""The credit archive of social organizations (Zhuhai Art. 24: the platform holds each
organization's credit record). Reviewers (civil affairs) and admins record commendations,
inspection results, warnings, penalties and blacklisting as they are issued.

The archive is append-only: entries are never edited or deleted. A wrong entry is corrected by
a new entry (kind ``other``) that says what it corrects, so the history a later purchase
decision relied on stays readable. The matcher reads the archive as a weak feature
(matching/adapter.py), so the caller refreshes the organization's index entry after commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import add_recorded
from catalog.clock import local_today
from catalog.errors import FieldError, NotFound, ValidationFailed
from catalog.models import CreditEvent, Organization, PerformanceRecord

# Labels for messages; the web layer has its own translated labels.
CREDIT_KINDS: dict[str, tuple[str, str]] = {
    "commendation": ("表彰", "commendation"),
    "inspection_pass": ("年检/抽查合格", "inspection passed"),
    "warning": ("警告", "warning"),
    "penalty": ("行政处罚", "penalty"),
    "blacklist": ("列入严重违法失信名单", "blacklisted"),
    "other": ("其他（含更正说明）", "other (including corrections)"),
}
MAX_SOURCE = 120
MAX_NOTE = 2000
# A typo guard: the archive begins with the social-credit system, not in the 1900s.
EARLIEST = dt.date(1990, 1, 1)


def clean_note(value: object, errors: list[FieldError]) -> str | None:
    """An optional free-text note, stripped, at most MAX_NOTE characters."""
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > MAX_NOTE:
        errors.append(
            FieldError(
                "note", f"备注不能超过{MAX_NOTE}个字", f"note must be at most {MAX_NOTE} characters"
            )
        )
    return text or None


def _parse_date(value: object, errors: list[FieldError]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value or "").strip()
        if not text:
            errors.append(FieldError("date", "必须填写日期", "a date is required"))
            return None
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            errors.append(
                FieldError(
                    "date", "日期格式应为YYYY-MM-DD", "date must be a valid date (YYYY-MM-DD)"
                )
            )
            return None
    if value > local_today():
        errors.append(FieldError("date", "日期不能晚于今天", "date cannot be in the future"))
    elif value < EARLIEST:
        errors.append(
            FieldError(
                "date",
                f"日期不能早于{EARLIEST.isoformat()}",
                f"date cannot be before {EARLIEST.isoformat()}",
            )
        )
    return value


@dataclass(frozen=True)
class _Entry:
    """A checked credit entry, ready to be written."""

    kind: str
    day: dt.date
    source: str
    note: str | None


def _check_kind(value: object, errors: list[FieldError]) -> str:
    kind = str(value or "").strip()
    if kind not in CREDIT_KINDS:
        allowed = "、".join(zh for zh, _ in CREDIT_KINDS.values())
        errors.append(
            FieldError(
                "kind",
                f"信用记录类型须为：{allowed}",
                f"kind must be one of {', '.join(CREDIT_KINDS)}",
            )
        )
    return kind


def _check_source(value: object, errors: list[FieldError]) -> str:
    """The issuing authority: required, because an entry nobody can trace to a decision is
    hearsay in an archive that later purchases rely on."""
    source = str(value or "").strip()
    if not source:
        errors.append(
            FieldError(
                "source", "必须填写作出决定的机关", "source (the issuing authority) is required"
            )
        )
    elif len(source) > MAX_SOURCE:
        errors.append(
            FieldError(
                "source",
                f"来源不能超过{MAX_SOURCE}个字",
                f"source must be at most {MAX_SOURCE} characters",
            )
        )
    return source


def _checked_entry(kind: object, date: object, source: object, note: object) -> _Entry:
    """Every field checked before anything is written, all problems reported at once."""
    errors: list[FieldError] = []
    entry_kind = _check_kind(kind, errors)
    day = _parse_date(date, errors)
    entry_source = _check_source(source, errors)
    entry_note = clean_note(note, errors)
    if errors or day is None:
        raise ValidationFailed(errors)
    return _Entry(entry_kind, day, entry_source, entry_note)


def record_credit_event(
    session: Session,
    actor: Actor,
    org_id: str,
    kind: str,
    date: dt.date | str,
    source: str,
    note: str | None = None,
) -> CreditEvent:
    """Add one entry to an organization's credit archive (flushed, not committed).

    Any reviewer may record for any organization: organizations serve across districts, and
    `source` names the authority that issued the decision. Entries are never edited or deleted;
    a correction is a new entry."""
    permissions.require(permissions.record_credit, actor)
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("社会组织不存在", f"organization {org_id} does not exist")
    entry = _checked_entry(kind, date, source, note)
    event = CreditEvent(
        org_id=org.id, date=entry.day, kind=entry.kind, source=entry.source, note=entry.note
    )
    add_recorded(
        session,
        actor,
        event,
        "credit.record",
        "credit_event",
        organization=org.id,
        kind=entry.kind,
        date=entry.day.isoformat(),
        source=entry.source,
    )
    return event


# The two halves of an organization's record that a reader pages through by date.
OrgRecordRow = TypeVar("OrgRecordRow", CreditEvent, PerformanceRecord)


def newest_first(
    session: Session, model: type[OrgRecordRow], org_id: str, day: Any
) -> list[OrgRecordRow]:
    """An organization's rows of `model`, newest `day` first (the order a reader wants); the id
    breaks ties, so of one day's entries the one written last comes first, on every page."""
    return list(
        session.scalars(
            select(model).where(model.org_id == org_id).order_by(day.desc(), model.id.desc())
        )
    )


def credit_archive(session: Session, org_id: str) -> list[CreditEvent]:
    """The organization's credit archive, newest first."""
    return newest_first(session, CreditEvent, org_id, CreditEvent.date)
