"""Acceptance results of finished projects (Zhuhai Art. 26–27): beneficiary satisfaction is a
key acceptance indicator, evaluation results are published and feed later purchases.

The street office that posted a need records, once per confirmed organization, the
satisfaction (0–100) and the grade (优秀 | 良好 | 合格 | 不合格). A result is final: a second one
for the same need and organization is refused, because a published evaluation that could be
quietly replaced would not be worth publishing. The matcher reads performance history as a
weak feature, so the caller refreshes the organization's index entry after commit.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import add_recorded
from catalog.clock import ZHUHAI, local_today
from catalog.credit import clean_note, newest_first
from catalog.errors import (
    Conflict,
    FieldError,
    NotFound,
    ValidationFailed,
)
from catalog.models import (
    Need,
    NeedStatus,
    Organization,
    PerformanceRecord,
    Suggestion,
    SuggestionStatus,
)
from catalog.validation import reason_problems

FAILED_GRADE = "不合格"  # the one grade that means the project did not pass acceptance
GRADES = ("优秀", "良好", "合格", FAILED_GRADE)
MAX_PROJECT = 200


def parse_satisfaction(value: object, errors: list[FieldError]) -> float | None:
    """A finite number from 0 to 100 (a form sends text; NaN and infinity are refused)."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        errors.append(
            FieldError(
                "satisfaction", "满意度必须是0到100之间的数字", "satisfaction must be a number"
            )
        )
        return None
    if not 0 <= number <= 100:
        errors.append(
            FieldError(
                "satisfaction", "满意度必须在0到100之间", "satisfaction must be between 0 and 100"
            )
        )
        return None
    return number


def _confirmed_suggestion(session: Session, need_id: str, org_id: str) -> int | None:
    """The confirmed suggestion's id, its row locked (PostgreSQL) so two clerks recording at
    once are serialized and the duplicate check sees the first one's record. Only the id is
    selected: the eager outer join to the organization cannot be locked."""
    return session.scalar(
        select(Suggestion.id)
        .where(
            Suggestion.need_id == need_id,
            Suggestion.org_id == org_id,
            Suggestion.status == SuggestionStatus.CONFIRMED,
        )
        .with_for_update()
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def service_end(session: Session, need: Need, org_id: str) -> dt.date | None:
    """When the organization's service on the need ends: its confirmation day (Zhuhai) plus
    the need's duration in months; None when it was not confirmed."""
    decided = session.scalar(
        select(Suggestion.decided_at).where(
            Suggestion.need_id == need.id,
            Suggestion.org_id == org_id,
            Suggestion.status == SuggestionStatus.CONFIRMED,
        )
    )
    if decided is None:
        return None
    if decided.tzinfo is None:
        decided = decided.replace(tzinfo=dt.UTC)
    return add_months(decided.astimezone(ZHUHAI).date(), need.months)


def check_early(session: Session, need: Need, org_id: str, early_reason: object) -> str | None:
    """A result is recorded after the service period ended, or earlier with a stated reason
    (a project finished ahead of time, a provider that stopped): a final result minutes after
    the confirmation would judge a service that has not happened."""
    reason = str(early_reason or "").strip() or None
    end = service_end(session, need, org_id)
    if end is not None and local_today() < end and reason is None:
        raise ValidationFailed(
            [
                FieldError(
                    "early_reason",
                    f"服务期至{end.isoformat()}结束，提前登记验收结果须说明理由",
                    f"the service period ends on {end.isoformat()}; "
                    "give a reason to record the result earlier",
                )
            ]
        )
    problems = reason_problems(reason, "early_reason")
    if problems:
        raise ValidationFailed(problems)
    return reason


def _evaluable_pair(session: Session, actor: Actor, need_id: str, org_id: str) -> Need:
    """The need, once the actor may record on it and the organization was confirmed for it
    with no result yet: a result is final, so a second one is a conflict, not an update."""
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("需求不存在", f"need {need_id} does not exist")
    permissions.require(permissions.record_outcome, actor, need)
    if session.get(Organization, org_id) is None or (
        _confirmed_suggestion(session, need.id, org_id) is None
    ):
        raise NotFound(
            "该组织未被确认承接此需求，不能登记验收结果",
            "this organization was not confirmed for this need",
        )
    existing = session.scalar(
        select(PerformanceRecord.id).where(
            PerformanceRecord.need_id == need.id, PerformanceRecord.org_id == org_id
        )
    )
    if existing is not None:
        raise Conflict(
            "该组织在此需求上的验收结果已登记，不能重复登记或修改",
            "an acceptance result for this organization on this need is already recorded",
        )
    return need


def _check_grade(value: object, errors: list[FieldError]) -> str:
    grade = str(value or "").strip()
    if grade not in GRADES:
        errors.append(
            FieldError(
                "evaluation",
                f"评价等级须为：{'、'.join(GRADES)}",
                f"evaluation must be one of {', '.join(GRADES)}",
            )
        )
    return grade


def _checked_result(
    satisfaction: object, evaluation: object, note: object
) -> tuple[float, str, str | None]:
    """Satisfaction, grade and note checked together, every problem reported at once."""
    errors: list[FieldError] = []
    score = parse_satisfaction(satisfaction, errors)
    grade = _check_grade(evaluation, errors)
    note_text = clean_note(note, errors)
    if errors or score is None:
        raise ValidationFailed(errors)
    return score, grade, note_text


def record_outcome(
    session: Session,
    actor: Actor,
    need_id: str,
    org_id: str,
    satisfaction: float | str | None,
    evaluation: str | None,
    note: str | None = None,
    early_reason: str | None = None,
) -> PerformanceRecord:
    """Record the acceptance result of one confirmed organization on a matched or closed need
    (flushed, not committed). Only the posting office (or an admin) may; one per organization;
    before the service period ended only with `early_reason` (kept on the audit entry)."""
    need = _evaluable_pair(session, actor, need_id, org_id)
    score, grade, note_text = _checked_result(satisfaction, evaluation, note)
    early = check_early(session, need, org_id, early_reason)
    result = PerformanceRecord(
        org_id=org_id,
        need_id=need.id,
        project=need.title[:MAX_PROJECT],
        period_end=local_today(),
        satisfaction=score,
        evaluation=grade,
        note=note_text,
    )
    add_recorded(
        session,
        actor,
        result,
        "outcome.record",
        "performance_record",
        need=need.id,
        organization=org_id,
        satisfaction=score,
        evaluation=grade,
        early_reason=early,
    )
    return result


def outcomes_for_need(session: Session, need_id: str) -> dict[str, PerformanceRecord]:
    """Recorded results of a need by organization id (for the office and the public notice)."""
    rows = session.scalars(select(PerformanceRecord).where(PerformanceRecord.need_id == need_id))
    return {r.org_id: r for r in rows}


def published_outcomes(
    session: Session, needs: list[Need]
) -> dict[tuple[str, str], PerformanceRecord]:
    """Results the public may see, by (need id, organization id): Art. 27 publishes evaluation
    results, and a need's results are published once it is closed (while it is only matched,
    the office may still be recording them). The caller shows grade, satisfaction and date
    only: the office's note may name beneficiaries."""
    closed = [n.id for n in needs if n.status == NeedStatus.CLOSED]
    if not closed:
        return {}
    rows = session.scalars(select(PerformanceRecord).where(PerformanceRecord.need_id.in_(closed)))
    return {(r.need_id, r.org_id): r for r in rows if r.need_id is not None}


def performance_history(session: Session, org_id: str) -> list[PerformanceRecord]:
    """An organization's performance records, newest first (imported ones included)."""
    return newest_first(session, PerformanceRecord, org_id, PerformanceRecord.period_end)
