"""Human decisions on suggestions: who may decide, reasons, double decisions and stale versions
(optimistic locking), and organizations' interest in listed needs."""

import pytest
from sqlalchemy import select

from catalog.decisions import decide, express_interest, withdraw_interest
from catalog.errors import Conflict, IllegalTransition, NotAllowed, NotFound
from catalog.exchange import import_directory
from catalog.models import AuditEvent, Interest, Suggestion


@pytest.fixture
def suggestion(make_need, make_org, make_suggestion):
    return make_suggestion(make_need(status="listed"), make_org())


def test_confirm_records_who_when_and_audits(session, actors, suggestion):
    s = decide(session, suggestion.id, "confirm", actors["office"], reason="经验丰富")
    assert (s.status, s.decided_by, s.decision_reason) == ("confirmed", "gongbei", "经验丰富")
    assert s.decided_at is not None
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "suggestion.confirm")
    ).one()
    assert event.entity_id == str(s.id) and event.detail["organization"] == s.org_id


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_reject_needs_a_reason(session, actors, suggestion, reason):
    with pytest.raises(IllegalTransition):
        decide(session, suggestion.id, "reject", actors["office"], reason=reason)
    assert session.get(Suggestion, suggestion.id).status == "suggested"


def test_reject_with_reason(session, actors, suggestion):
    s = decide(session, suggestion.id, "reject", actors["office"], reason="不覆盖该社区")
    assert s.status == "rejected"


def test_double_decision_is_a_conflict(session, actors, suggestion):
    decide(session, suggestion.id, "confirm", actors["office"])
    with pytest.raises(Conflict):
        decide(session, suggestion.id, "reject", actors["admin"], reason="改主意")
    assert session.get(Suggestion, suggestion.id).status == "confirmed"


def test_stale_expected_version_is_a_conflict(session, actors, suggestion):
    with pytest.raises(Conflict):
        decide(
            session,
            suggestion.id,
            "confirm",
            actors["office"],
            expected_version=suggestion.version + 1,
        )
    assert suggestion.status == "suggested"


def test_concurrent_decision_in_two_sessions_is_a_conflict(
    db, actors, org_rec, need_rec, tmp_path, jsonl
):
    jsonl(tmp_path / "organizations.jsonl", [org_rec(1)])
    jsonl(tmp_path / "needs.jsonl", [need_rec(1, status="listed")])
    with db.session() as s:
        import_directory(s, tmp_path)
        suggestion = Suggestion(need_id="need-001", org_id="org-001", score=0.9, rank=1)
        s.add(suggestion)
        s.flush()
        sid = suggestion.id
    with db.Session() as a, db.Session() as b:
        a.get(Suggestion, sid)
        a.commit()  # A has read version 1 and holds no lock (SQLite would block B otherwise)
        decide(b, sid, "confirm", actors["office"])
        b.commit()
        with pytest.raises(Conflict):
            decide(a, sid, "reject", actors["admin"], reason="晚了一步")
        a.rollback()
    with db.Session() as c:
        assert c.get(Suggestion, sid).status == "confirmed"


@pytest.mark.parametrize("who", ["reviewer", "planner", "organization", "office_other"])
def test_only_the_posting_office_or_admin_decides(session, actors, suggestion, who):
    with pytest.raises(NotAllowed):
        decide(session, suggestion.id, "confirm", actors[who])
    assert suggestion.status == "suggested"


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "closed"])
def test_no_decision_before_approval_or_after_close(
    session, actors, make_need, make_org, make_suggestion, status
):
    s = make_suggestion(make_need(status=status), make_org())
    with pytest.raises(IllegalTransition):
        decide(session, s.id, "confirm", actors["office"])


def test_unknown_decision_and_missing_suggestion(session, actors, suggestion):
    with pytest.raises(IllegalTransition):
        decide(session, suggestion.id, "maybe", actors["office"])
    with pytest.raises(NotFound):
        decide(session, 999_999, "confirm", actors["office"])


def test_interest_only_by_organizations_on_listed_needs(session, actors, make_need, make_org):
    make_org(id="org-a")
    listed = make_need(n=1, status="listed")
    approved = make_need(n=2, status="approved")
    with pytest.raises(NotAllowed):
        express_interest(session, listed.id, actors["office"])
    with pytest.raises(NotFound):
        express_interest(session, approved.id, actors["organization"])
    first = express_interest(session, listed.id, actors["organization"], note="我们可以做")
    again = express_interest(session, listed.id, actors["organization"])
    assert first.id == again.id and first.active
    withdraw_interest(session, listed.id, actors["organization"])
    assert session.get(Interest, first.id).active is False
    with pytest.raises(NotFound):
        withdraw_interest(session, listed.id, actors["organization"])
    actions = list(
        session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == listed.id))
    )
    assert actions == ["interest.express", "interest.withdraw"]
