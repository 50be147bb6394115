"""公示 done right (issue 13 items 11–12): the result notice exists only after a decision and
has a 公示期; objections are checked, recorded and answered by the area's reviewer; closing is
confirmed, reasoned and settles open suggestions; results wait for the service period; the
timeline tells the story and its public form hides reasons and accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from catalog.clock import local_today
from catalog.commands.needs import close_need
from catalog.commands.objections import answer_objection, raise_objection
from catalog.errors import (
    Conflict,
    IllegalTransition,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from catalog.lifecycle import SETTLED_REASON, transition
from catalog.models import AuditEvent, ResultNotice, Suggestion
from catalog.notices import NOTICE_DAYS_KEY, notice_is_open, public_objections, result_notice
from catalog.outcomes import add_months, record_outcome
from catalog.timeline import need_timeline

TEXT = "公示的承接组织不在本街道开展过服务，请核实"


@pytest.fixture
def matched(session, actors, make_need, make_org, make_suggestion):
    """A listed need with one confirmed and one undecided suggestion, then marked matched."""
    need = make_need(status="listed")
    org = make_org(1)
    confirmed = make_suggestion(need, org, "confirmed")
    confirmed.decided_at = dt.datetime.now(dt.UTC)
    make_suggestion(need, make_org(2), "suggested", rank=2)
    transition(session, need, "match", actors["office"])
    return need


def test_no_result_notice_before_a_decision(session, actors, make_need):
    need = make_need(status="listed")
    with pytest.raises(IllegalTransition):
        transition(session, need, "match", actors["office"])
    assert result_notice(session, need.id) is None
    with pytest.raises(NotFound):
        raise_objection(session, need, None, "13800138000", TEXT)


def test_matching_opens_a_seven_day_notice(session, matched):
    notice = result_notice(session, matched.id)
    assert notice.starts_on == local_today()
    assert notice.ends_on - notice.starts_on == dt.timedelta(days=6)
    assert notice_is_open(notice) and not notice_is_open(notice, notice.ends_on + dt.timedelta(1))


def test_notice_days_is_a_setting(session, actors, make_need, make_org, make_suggestion):
    session.info[NOTICE_DAYS_KEY] = 3
    try:
        need = make_need(status="listed")
        make_suggestion(need, make_org(), "confirmed")
        transition(session, need, "match", actors["office"])
        notice = result_notice(session, need.id)
        assert (notice.ends_on - notice.starts_on).days == 2
    finally:
        session.info.pop(NOTICE_DAYS_KEY)


@pytest.mark.parametrize(
    ("name", "contact", "text", "field"),
    [
        (None, "", TEXT, "contact"),
        (None, "not a phone", TEXT, "contact"),
        (None, "13800138000", "太短", "text"),
        (None, "13800138000", "长" * 2001, "text"),
        (None, "13800138000", "有控制\x07字符的异议内容", "text"),
        ("=HYPERLINK(1)", "13800138000", TEXT, "name"),
        ("名" * 51, "a@example.cn", TEXT, "name"),
    ],
)
def test_objection_fields_are_checked(session, matched, name, contact, text, field):
    with pytest.raises(ValidationFailed) as caught:
        raise_objection(session, matched, name, contact, text)
    assert [e.field for e in caught.value.errors] == [field]


def test_objection_outside_the_notice_period_is_refused(session, matched):
    notice = session.scalar(select(ResultNotice).where(ResultNotice.need_id == matched.id))
    notice.starts_on -= dt.timedelta(days=30)
    notice.ends_on -= dt.timedelta(days=30)
    with pytest.raises(IllegalTransition):
        raise_objection(session, matched, None, "13800138000", TEXT)


def test_objection_is_recorded_without_contact_in_the_audit_log(session, matched):
    made = raise_objection(session, matched, " 王先生 ", "0756-2212345", TEXT)
    assert (made.name, made.contact, made.text) == ("王先生", "0756-2212345", TEXT)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "objection.raise"))
    assert event.entity_id == matched.id and "0756" not in str(event.detail)
    assert "王先生" not in str(event.detail)


def test_only_the_areas_reviewer_answers_once(session, actors, matched):
    made = raise_objection(session, matched, None, "a@example.cn", TEXT)
    with pytest.raises(NotAllowed):
        answer_objection(session, actors["office"], made.id, "已核实", True)
    with pytest.raises(NotFound):
        answer_objection(session, actors["reviewer_other"], made.id, "已核实", True)
    with pytest.raises(ValidationFailed):
        answer_objection(session, actors["reviewer"], made.id, "  ", True)
    assert public_objections(session, matched.id) == []
    answer_objection(session, actors["reviewer"], made.id, "经核实，该组织符合条件", True)
    assert public_objections(session, matched.id) == [made]
    with pytest.raises(Conflict):
        answer_objection(session, actors["reviewer"], made.id, "再答一次", False)


def test_closing_needs_confirmation_and_reason(session, actors, matched):
    with pytest.raises(ValidationFailed) as caught:
        close_need(session, actors["office"], matched, reason=" ", confirmed=False)
    assert {e.field for e in caught.value.errors} == {"confirm", "reason"}
    with pytest.raises(ValidationFailed):
        close_need(session, actors["office"], matched, reason="长" * 2001, confirmed=True)
    assert matched.status == "matched"


def test_closing_settles_open_suggestions(session, actors, matched):
    close_need(session, actors["office"], matched, reason="服务已完成", confirmed=True)
    rows = session.scalars(select(Suggestion).where(Suggestion.need_id == matched.id))
    by_status = {s.status: s for s in rows}
    assert set(by_status) == {"confirmed", "rejected"}
    assert by_status["rejected"].decision_reason == SETTLED_REASON == "需求已结束"
    assert by_status["rejected"].decided_by == actors["office"].username
    close = session.scalar(select(AuditEvent).where(AuditEvent.action == "need.close"))
    assert close.detail["reason"] == "服务已完成"


def test_result_waits_for_the_service_period_or_a_reason(session, actors, matched):
    org_id = session.scalar(
        select(Suggestion.org_id).where(
            Suggestion.need_id == matched.id, Suggestion.status == "confirmed"
        )
    )
    with pytest.raises(ValidationFailed) as caught:
        record_outcome(session, actors["office"], matched.id, org_id, 90, "优秀")
    assert [e.field for e in caught.value.errors] == ["early_reason"]
    made = record_outcome(
        session, actors["office"], matched.id, org_id, 90, "优秀", early_reason="项目提前完成"
    )
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "outcome.record"))
    assert made.satisfaction == 90 and event.detail["early_reason"] == "项目提前完成"


def test_result_after_the_service_period_needs_no_reason(session, actors, matched):
    s = session.scalar(
        select(Suggestion).where(Suggestion.need_id == matched.id, Suggestion.status == "confirmed")
    )
    s.decided_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=31 * (matched.months + 1))
    assert record_outcome(session, actors["office"], matched.id, s.org_id, 80, "良好")


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_timeline_in_plain_words_and_its_public_form(session, actors, matched):
    close_need(session, actors["office"], matched, reason="内部原因：预算调整", confirmed=True)
    full = need_timeline(session, matched)
    texts = [e.zh for e in full]
    assert "标记为已对接，开始结果公示" in texts
    assert any("内部原因" in t for t in texts)
    assert any(e.who_zh.endswith(actors["office"].username) for e in full)
    public = need_timeline(session, matched, public=True)
    assert [e.action for e in public] == ["need.match", "need.close"]
    shown = " ".join(e.zh + e.en + e.who_zh + e.who_en for e in public)
    assert "内部原因" not in shown and actors["office"].username not in shown
    assert SETTLED_REASON not in shown
