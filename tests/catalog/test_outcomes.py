"""Acceptance results (Art. 26–27): who may record them, on which needs and organizations, one
per need × organization, field validation with bilingual messages, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from catalog import credit
from catalog.errors import Conflict, IllegalTransition, NotAllowed, NotFound, ValidationFailed
from catalog.models import AuditEvent, PerformanceRecord
from catalog.outcomes import outcomes_for_need, performance_history, record_outcome
from tests.catalog.conftest import JIDA


@pytest.fixture
def matched(make_need, make_org, make_suggestion):
    """A matched need of 拱北 with one confirmed and one rejected organization."""
    need = make_need(status="matched")
    confirmed, rejected = make_org(1), make_org(2)
    make_suggestion(need, confirmed, status="confirmed", rank=1)
    make_suggestion(need, rejected, status="rejected", rank=2)
    return need, confirmed, rejected


def test_office_records_an_outcome_with_audit(session, actors, matched, monkeypatch):
    need, org, _ = matched
    monkeypatch.setattr(credit, "local_today", lambda: dt.date(2025, 3, 31))
    monkeypatch.setattr("catalog.outcomes.local_today", lambda: dt.date(2025, 3, 31))
    result = record_outcome(
        session, actors["office"], need.id, org.id, "92.5", "优秀", " 按时完成 "
    )
    assert (result.need_id, result.org_id, result.project) == (need.id, org.id, need.title)
    assert (result.satisfaction, result.evaluation, result.note) == (92.5, "优秀", "按时完成")
    assert result.period_end == dt.date(2025, 3, 31)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "outcome.record")).one()
    assert (event.actor, event.entity_type, event.entity_id) == (
        "gongbei",
        "performance_record",
        str(result.id),
    )
    assert event.detail == {
        "need": need.id,
        "organization": org.id,
        "satisfaction": 92.5,
        "evaluation": "优秀",
    }
    assert outcomes_for_need(session, need.id) == {org.id: result}
    assert performance_history(session, org.id) == [result]


def test_admin_may_record_on_a_closed_need(session, actors, matched):
    need, org, _ = matched
    need.status = "closed"
    result = record_outcome(session, actors["admin"], need.id, org.id, 60, "合格")
    assert result.satisfaction == 60.0


@pytest.mark.parametrize("who", ["office_other", "reviewer", "planner", "organization"])
def test_others_may_not_record(session, actors, matched, who):
    need, org, _ = matched
    with pytest.raises(NotAllowed):
        record_outcome(session, actors[who], need.id, org.id, 90, "优秀")
    assert session.scalars(select(PerformanceRecord)).all() == []


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "listed"])
def test_only_matched_or_closed_needs(session, actors, matched, status):
    need, org, _ = matched
    need.status = status
    with pytest.raises(IllegalTransition) as exc:
        record_outcome(session, actors["office"], need.id, org.id, 90, "优秀")
    assert "已对接或已结束" in exc.value.zh


def test_only_confirmed_organizations(session, actors, matched, make_org):
    need, _, rejected = matched
    for org_id in (rejected.id, make_org(3).id, "no-such-org"):
        with pytest.raises(NotFound) as exc:
            record_outcome(session, actors["office"], need.id, org_id, 90, "优秀")
        assert "未被确认承接" in exc.value.zh and "not confirmed" in exc.value.en


def test_unknown_need(session, actors):
    with pytest.raises(NotFound):
        record_outcome(session, actors["office"], "no-such-need", "org-001", 90, "优秀")


def test_second_result_is_a_conflict(session, actors, matched):
    need, org, _ = matched
    record_outcome(session, actors["office"], need.id, org.id, 90, "优秀")
    with pytest.raises(Conflict) as exc:
        record_outcome(session, actors["admin"], need.id, org.id, 50, "不合格")
    assert "已登记" in exc.value.zh
    [kept] = session.scalars(select(PerformanceRecord)).all()
    assert kept.evaluation == "优秀"


def test_need_of_another_street_is_out_of_scope(
    session, actors, make_need, make_org, make_suggestion
):
    need = make_need(7, status="matched", street=JIDA)
    org = make_org(7)
    make_suggestion(need, org, status="confirmed")
    with pytest.raises(NotAllowed):
        record_outcome(session, actors["office"], need.id, org.id, 90, "优秀")
    assert record_outcome(session, actors["office_other"], need.id, org.id, 90, "优秀")


@pytest.mark.parametrize(
    ("satisfaction", "evaluation", "note", "fields"),
    [
        (None, "优秀", None, {"satisfaction"}),
        ("", "优秀", None, {"satisfaction"}),
        ("很好", "优秀", None, {"satisfaction"}),
        ("NaN", "优秀", None, {"satisfaction"}),
        ("1e309", "优秀", None, {"satisfaction"}),
        (True, "优秀", None, {"satisfaction"}),
        (-1, "优秀", None, {"satisfaction"}),
        (100.5, "优秀", None, {"satisfaction"}),
        (90, "", None, {"evaluation"}),
        (90, "excellent", None, {"evaluation"}),
        (90, "优秀", "x" * 2001, {"note"}),
        ("abc", "A", "x" * 2001, {"satisfaction", "evaluation", "note"}),
    ],
)
def test_field_validation_names_the_field(
    session, actors, matched, satisfaction, evaluation, note, fields
):
    need, org, _ = matched
    with pytest.raises(ValidationFailed) as exc:
        record_outcome(session, actors["office"], need.id, org.id, satisfaction, evaluation, note)
    assert {e.field for e in exc.value.errors} == fields
    for e in exc.value.errors:
        assert e.zh and e.en and e.zh != e.en
    assert session.scalars(select(PerformanceRecord)).all() == []
    assert session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize("value", [0, "0", 100, "100", " 75 ", 99.9])
def test_satisfaction_bounds_are_inclusive(session, actors, matched, value):
    need, org, _ = matched
    result = record_outcome(session, actors["office"], need.id, org.id, value, "良好")
    assert result.satisfaction == float(str(value).strip())
