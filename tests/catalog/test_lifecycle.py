"""The need lifecycle over the whole state × action table (expected table written out here,
independently of catalog.lifecycle), role and scope refusals, and the audit trail."""

import itertools

import pytest
from sqlalchemy import func, select

from catalog.errors import IllegalTransition, NotAllowed
from catalog.lifecycle import allowed_actions, transition
from catalog.models import AuditEvent, Need, NeedStatus, SuggestionStatus

STATES = [s.value for s in NeedStatus]
ACTIONS = ["submit", "approve", "return", "list", "match", "close", "withdraw"]

# draft → submitted → approved | returned (with reason) → listed → matched → closed;
# a returned need can be resubmitted; withdrawing (with reason) closes an unfinished need.
LEGAL = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("approved", "list"): "listed",
    ("listed", "match"): "matched",
    ("matched", "close"): "closed",
    ("draft", "withdraw"): "closed",
    ("returned", "withdraw"): "closed",
    ("approved", "withdraw"): "closed",
    ("listed", "withdraw"): "closed",
}
ROLES = {
    "submit": {"office", "admin"},
    "approve": {"reviewer", "admin"},
    "return": {"reviewer", "admin"},
    "list": {"office", "reviewer", "admin"},
    "match": {"office", "admin"},
    "close": {"office", "reviewer", "admin"},
    "withdraw": {"office", "reviewer", "admin"},
}
NEEDS_REASON = {"return", "withdraw", "close"}


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def source_of(action: str) -> str:
    return next(s for (s, a) in LEGAL if a == action)


@pytest.fixture
def confirmed_for(session, make_org, make_suggestion):
    def add(need: Need) -> None:
        make_suggestion(need, make_org(), SuggestionStatus.CONFIRMED)

    return add


@pytest.mark.parametrize(("state", "action"), list(itertools.product(STATES, ACTIONS)))
def test_state_action_table(session, actors, make_need, confirmed_for, state, action):
    need = make_need(status=state)
    if action == "match":
        confirmed_for(need)
    before = audit_count(session)
    reason = "理由" if action in NEEDS_REASON else None
    if (state, action) in LEGAL:
        transition(session, need, action, actors["admin"], reason=reason)
        assert need.status == LEGAL[(state, action)]
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert audit_count(session) == before + 1
        assert (event.action, event.entity_id, event.actor) == (f"need.{action}", need.id, "admin")
        assert event.detail["from_status"] == state
        assert event.detail["to_status"] == LEGAL[(state, action)]
    else:
        with pytest.raises(IllegalTransition) as exc:
            transition(session, need, action, actors["admin"], reason=reason)
        assert exc.value.zh and exc.value.en
        session.refresh(need)
        assert need.status == state
        assert audit_count(session) == before


@pytest.mark.parametrize(
    ("action", "role"),
    list(itertools.product(ACTIONS, ["office", "reviewer", "admin", "planner", "organization"])),
)
def test_roles(session, actors, make_need, confirmed_for, action, role):
    state = source_of(action)
    need = make_need(status=state)
    if action == "match":
        confirmed_for(need)
    before = audit_count(session)
    reason = "理由" if action in NEEDS_REASON else None
    if role in ROLES[action]:
        transition(session, need, action, actors[role], reason=reason)
        assert need.status == LEGAL[(state, action)]
    else:
        with pytest.raises(NotAllowed):
            transition(session, need, action, actors[role], reason=reason)
        assert need.status == state
        assert audit_count(session) == before


@pytest.mark.parametrize(
    ("action", "outsider"),
    [
        ("submit", "office_other"),
        ("list", "office_other"),
        ("approve", "reviewer_other"),
        ("return", "reviewer_other"),
        ("close", "reviewer_other"),
        ("withdraw", "office_other"),
    ],
)
def test_scope_refusals(session, actors, make_need, action, outsider):
    need = make_need(status=source_of(action))
    with pytest.raises(NotAllowed) as exc:
        transition(session, need, action, actors[outsider], reason="理由")
    assert "scope" in exc.value.en
    assert need.status == source_of(action)


def test_city_reviewer_covers_every_district(session, actors, make_need):
    need = make_need(status="submitted", street="440404100")
    transition(session, need, "approve", actors["reviewer_city"])
    assert need.status == "approved"


@pytest.mark.parametrize("action", sorted(NEEDS_REASON))
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_is_required(session, actors, make_need, action, reason):
    need = make_need(status=source_of(action))
    with pytest.raises(IllegalTransition):
        transition(session, need, action, actors["admin"], reason=reason)
    assert need.status == source_of(action)


def test_return_keeps_reason_and_resubmit_clears_it(session, actors, make_need):
    need = make_need(status="submitted")
    transition(session, need, "return", actors["reviewer"], reason="预算没有明细")
    assert need.return_reason == "预算没有明细" and need.decided_at is not None
    transition(session, need, "submit", actors["office"])
    assert need.status == "submitted" and need.return_reason is None


def test_match_needs_a_confirmed_suggestion(session, actors, make_need, make_org, make_suggestion):
    need = make_need(status="listed")
    make_suggestion(need, make_org(1), SuggestionStatus.SUGGESTED)
    make_suggestion(need, make_org(2), SuggestionStatus.REJECTED, rank=2)
    with pytest.raises(IllegalTransition):
        transition(session, need, "match", actors["office"])
    assert need.status == "listed"


def test_unknown_action(session, actors, make_need):
    need = make_need()
    with pytest.raises(IllegalTransition):
        transition(session, need, "publish", actors["admin"])


def test_submit_screens_for_prohibited_types(session, actors, make_need):
    need = make_need(
        title="招聘专职保洁员", description="想通过购买服务招聘4名专职保洁员每天打扫小区楼道。"
    )
    transition(session, need, "submit", actors["office"])
    assert need.prohibited and need.prohibited_rule == "full_time_staff"
    assert need.status == "submitted"  # flagged for the reviewer, never dropped


def test_full_path_stamps_times(session, actors, make_need, confirmed_for):
    need = make_need()
    transition(session, need, "submit", actors["office"])
    transition(session, need, "approve", actors["reviewer"])
    transition(session, need, "list", actors["office"])
    confirmed_for(need)
    transition(session, need, "match", actors["office"])
    transition(session, need, "close", actors["office"], reason="服务已完成")
    assert need.status == "closed"
    assert all([need.submitted_at, need.decided_at, need.listed_at, need.closed_at])
    actions = list(
        session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == need.id).order_by(AuditEvent.id)
        )
    )
    assert actions == ["need.submit", "need.approve", "need.list", "need.match", "need.close"]


def test_allowed_actions_match_the_table(session, actors, make_need):
    for state in STATES:
        need = make_need(n=STATES.index(state) + 1, status=state)
        expected = {a for (s, a) in LEGAL if s == state and "office" in ROLES[a]}
        assert set(allowed_actions(need, actors["office"])) == expected, state
        assert allowed_actions(need, actors["office_other"]) == []
        assert allowed_actions(need, actors["planner"]) == []
