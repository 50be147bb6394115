"""Inviting a proposed team (组团) of a gap need: scope, state, idempotence, audit; members
become ordinary suggestions, decided one by one with the usual rules."""

import pytest
from sqlalchemy import select

from catalog.decisions import decide
from catalog.errors import IllegalTransition, NotAllowed, NotFound
from catalog.models import AuditEvent, Suggestion
from catalog.teams import invite_team, is_team_invite, proposals


def _team(*members: tuple[str, str]) -> dict:
    return {
        "shape": "outside_lead",
        "categories": ["居家养老"],
        "members": [
            {
                "org_id": oid,
                "role": role,
                "category": None,
                "reasons": [{"kind": "area", "zh": "覆盖", "zh_hant": "覆蓋", "en": "covers"}],
            }
            for oid, role in members
        ],
        "reasons": [{"kind": "team", "zh": "组团", "zh_hant": "組團", "en": "team"}],
    }


@pytest.fixture
def gap_need(make_need, make_org):
    for n in (1, 2, 3):
        make_org(n)
    need = make_need(status="listed")
    need.gap, need.gap_reason = True, "no_coverage"
    need.team_proposals = [
        _team(("org-001", "lead"), ("org-002", "partner")),
        _team(("org-003", "lead"), ("org-002", "partner")),
    ]
    return need


def _suggestions(session, need_id):
    return {
        s.org_id: s
        for s in session.scalars(select(Suggestion).where(Suggestion.need_id == need_id))
    }


def test_invite_turns_members_into_suggestions_and_audits(session, actors, gap_need):
    inv = invite_team(session, actors["office"], gap_need.id, 0)
    assert (inv.team_number, inv.invited, inv.already) == (1, ["org-001", "org-002"], [])
    got = _suggestions(session, gap_need.id)
    assert set(got) == {"org-001", "org-002"}
    lead = got["org-001"]
    assert lead.status == "suggested" and is_team_invite(lead)
    first = lead.reasons[0]
    assert "第 1 组" in first["zh"] and "牵头机构" in first["zh"]
    assert "测试社会工作服务中心2" in first["zh"] and "team 1" in first["en"]
    assert first["zh_hant"] and lead.reasons[1]["kind"] == "area"
    assert lead.features == {}  # retraining leaves team members out
    assert [s.rank for s in sorted(got.values(), key=lambda s: s.rank)] == [1, 2]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "need.invite_team")).one()
    assert event.entity_id == gap_need.id and event.actor == "gongbei"
    assert event.detail["team"] == 1 and event.detail["invited"] == ["org-001", "org-002"]


def test_invite_is_idempotent_and_leaves_existing_suggestions(
    session, actors, gap_need, make_suggestion
):
    invite_team(session, actors["office"], gap_need.id, 0)
    again = invite_team(session, actors["admin"], gap_need.id, 0)
    assert again.invited == [] and again.already == ["org-001", "org-002"]
    assert len(_suggestions(session, gap_need.id)) == 2
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "need.invite_team"))
    assert len(events.all()) == 1  # nothing changed the second time
    # Team 2 shares org-002, which stays as it was; only org-003 is new.
    partner = _suggestions(session, gap_need.id)["org-002"]
    decide(session, partner.id, "reject", actors["office"], reason="人手不足")
    inv = invite_team(session, actors["office"], gap_need.id, 1)
    assert inv.invited == ["org-003"] and inv.already == ["org-002"]
    got = _suggestions(session, gap_need.id)
    assert got["org-002"].status == "rejected"
    assert "第 2 组" in got["org-003"].reasons[0]["zh"]


def test_invited_members_are_decided_with_the_usual_rules(session, actors, gap_need):
    invite_team(session, actors["office"], gap_need.id, 0)
    s = _suggestions(session, gap_need.id)["org-001"]
    decided = decide(session, s.id, "confirm", actors["office"], expected_version=s.version)
    assert decided.status == "confirmed"


@pytest.mark.parametrize("who", ["office_other", "reviewer", "planner", "organization"])
def test_only_the_posting_office_or_admin_may_invite(session, actors, gap_need, who):
    with pytest.raises(NotAllowed):
        invite_team(session, actors[who], gap_need.id, 0)
    assert _suggestions(session, gap_need.id) == {}


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "closed"])
def test_state_must_allow_suggestions(session, actors, gap_need, status):
    gap_need.status = status
    with pytest.raises(IllegalTransition):
        invite_team(session, actors["office"], gap_need.id, 0)
    assert _suggestions(session, gap_need.id) == {}


@pytest.mark.parametrize("index", [2, -1, 99])
def test_unknown_team_or_need(session, actors, gap_need, index):
    with pytest.raises(NotFound):
        invite_team(session, actors["office"], gap_need.id, index)
    with pytest.raises(NotFound):
        invite_team(session, actors["office"], "no-such-need", 0)


def test_no_proposals_once_the_need_is_no_gap(session, actors, gap_need):
    gap_need.gap = False
    assert proposals(gap_need) == []
    with pytest.raises(NotFound):
        invite_team(session, actors["office"], gap_need.id, 0)


def test_deleted_member_is_skipped(session, actors, gap_need):
    gap_need.team_proposals = [_team(("org-001", "lead"), ("org-gone", "partner"))]
    inv = invite_team(session, actors["office"], gap_need.id, 0)
    assert inv.invited == ["org-001"]
    assert "其他成员" in _suggestions(session, gap_need.id)["org-001"].reasons[0]["zh"]
