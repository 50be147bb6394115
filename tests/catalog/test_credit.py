"""The credit archive (Art. 24): reviewers and admins add entries; kinds, dates (never in the
future, in Zhuhai time), the issuing authority, audit, and newest-first reading."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from catalog import clock, credit
from catalog.credit import CREDIT_KINDS, credit_archive, record_credit_event
from catalog.errors import NotAllowed, NotFound, ValidationFailed
from catalog.models import AuditEvent, CreditEvent

TODAY = dt.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(credit, "local_today", lambda: TODAY)


@pytest.fixture
def org(make_org):
    return make_org()


@pytest.mark.parametrize("kind", sorted(CREDIT_KINDS))
@pytest.mark.parametrize("who", ["reviewer", "reviewer_other", "reviewer_city", "admin"])
def test_reviewers_and_admins_record_every_kind(session, actors, org, kind, who):
    event = record_credit_event(
        session, actors[who], org.id, kind, "2025-06-30", " 珠海市民政局 ", "年度检查"
    )
    assert (event.org_id, event.kind, event.date) == (org.id, kind, TODAY)
    assert (event.source, event.note) == ("珠海市民政局", "年度检查")
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "credit.record")).one()
    assert (audit.entity_type, audit.entity_id) == ("credit_event", str(event.id))
    assert audit.actor == actors[who].username
    assert audit.detail == {
        "organization": org.id,
        "kind": kind,
        "date": "2025-06-30",
        "source": "珠海市民政局",
    }


@pytest.mark.parametrize("who", ["office", "planner", "organization"])
def test_other_roles_may_not(session, actors, org, who):
    with pytest.raises(NotAllowed):
        record_credit_event(session, actors[who], org.id, "warning", TODAY, "珠海市民政局")
    assert session.scalars(select(CreditEvent)).all() == []


def test_unknown_organization(session, actors):
    with pytest.raises(NotFound):
        record_credit_event(session, actors["reviewer"], "nobody", "warning", TODAY, "民政局")


@pytest.mark.parametrize(
    ("kind", "date", "source", "note", "fields"),
    [
        ("praise", TODAY, "民政局", None, {"kind"}),
        ("", TODAY, "民政局", None, {"kind"}),
        ("warning", TODAY + dt.timedelta(days=1), "民政局", None, {"date"}),
        ("warning", "2025-07-01", "民政局", None, {"date"}),
        ("warning", "9999-99-99", "民政局", None, {"date"}),
        ("warning", "", "民政局", None, {"date"}),
        ("warning", None, "民政局", None, {"date"}),
        ("warning", "1900-01-01", "民政局", None, {"date"}),
        ("warning", TODAY, "", None, {"source"}),
        ("warning", TODAY, "   ", None, {"source"}),
        ("warning", TODAY, "局" * 121, None, {"source"}),
        ("warning", TODAY, "民政局", "x" * 2001, {"note"}),
        ("x", "tomorrow", None, "x" * 2001, {"kind", "date", "source", "note"}),
    ],
)
def test_field_validation_names_the_field(session, actors, org, kind, date, source, note, fields):
    with pytest.raises(ValidationFailed) as exc:
        record_credit_event(session, actors["reviewer"], org.id, kind, date, source, note)
    assert {e.field for e in exc.value.errors} == fields
    assert all(e.zh and e.en for e in exc.value.errors)
    assert session.scalars(select(CreditEvent)).all() == []
    assert session.scalars(select(AuditEvent)).all() == []


def test_future_date_message(session, actors, org):
    with pytest.raises(ValidationFailed) as exc:
        record_credit_event(session, actors["reviewer"], org.id, "warning", "2025-07-01", "民政局")
    [error] = exc.value.errors
    assert (error.zh, error.en) == ("日期不能晚于今天", "date cannot be in the future")


def test_archive_is_newest_first_and_corrections_are_new_entries(session, actors, org):
    first = record_credit_event(
        session, actors["reviewer"], org.id, "warning", "2024-01-05", "区民政局"
    )
    later = record_credit_event(
        session, actors["reviewer"], org.id, "commendation", "2025-02-01", "市民政局"
    )
    fix = record_credit_event(
        session,
        actors["reviewer"],
        org.id,
        "other",
        "2025-02-01",
        "区民政局",
        "更正：撤销2024-01-05警告",
    )
    assert credit_archive(session, org.id) == [fix, later, first]
    assert first.kind == "warning"  # the corrected entry itself is untouched


def test_local_today_is_zhuhai_time(monkeypatch):
    monkeypatch.undo()
    assert credit.local_today() == dt.datetime.now(clock.ZHUHAI).date()
