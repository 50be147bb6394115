"""Team proposals (组团建议) on the office and reviewer need pages, and inviting a team: the
members become ordinary suggestions; a bad team or a need in the wrong state is a 4xx."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import AuditEvent, Need, Suggestion
from tests.web.web_world import TEAM_REASON, add_gap_with_teams, build_world, login


@pytest.fixture
def world(app):
    world = build_world(app)
    add_gap_with_teams(app)
    return world


def _suggestions(app, need_id: str) -> dict[str, Suggestion]:
    with app.extensions["db"].session() as s:
        rows = s.scalars(select(Suggestion).where(Suggestion.need_id == need_id))
        return {x.org_id: x for x in rows}


def test_office_sees_proposals_and_invites_a_team(app, client, world):
    login(client, "office")
    page = client.get("/office/needs/n-gap").get_data(as_text=True)
    assert 'id="teams"' in page and "组团建议" in page
    assert 'id="team-1"' in page and 'id="team-2"' in page
    assert "珠海市香洲区邻里助餐社工站" in page and "牵头机构" in page and "在地伙伴" in page
    assert TEAM_REASON["zh"] in page and "服务范围覆盖全区" in page
    assert 'id="invite-team-1"' in page
    assert "org-deleted" not in page  # a member deleted since matching is left out

    r = client.post("/office/needs/n-gap/teams/0/invite")
    assert r.status_code == 302 and r.headers["Location"].endswith("/office/needs/n-gap")
    got = _suggestions(app, "n-gap")
    assert set(got) == {"org-meal", "org-youth"}
    assert all(s.status == "suggested" for s in got.values())
    page = client.get("/office/needs/n-gap").get_data(as_text=True)
    assert "已邀请第 1 组" in page  # flash
    assert "组团建议第 1 组的牵头机构" in page  # the suggestion's own reason
    assert 'id="invite-team-1"' not in page and "已在推荐名单中" in page
    assert f'href="#suggestion-{got["org-meal"].id}"' in page  # to decide it below
    assert 'id="invite-team-2"' not in page  # org-meal already in; the other member is gone
    with app.extensions["db"].session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "need.invite_team")).one()
        assert event.actor == "office_gb" and event.detail["team"] == 1

    # Inviting again changes nothing and says so.
    r = client.post("/office/needs/n-gap/teams/0/invite", follow_redirects=True)
    assert r.status_code == 200 and "已在推荐名单中" in r.get_data(as_text=True)
    assert len(_suggestions(app, "n-gap")) == 2


def test_invited_member_is_confirmed_as_usual(app, client, world):
    login(client, "office")
    client.post("/office/needs/n-gap/teams/0/invite")
    s = _suggestions(app, "n-gap")["org-meal"]
    r = client.post(f"/office/suggestions/{s.id}/confirm", data={"version": str(s.version)})
    assert r.status_code == 302
    assert _suggestions(app, "n-gap")["org-meal"].status == "confirmed"


def test_bad_team_and_wrong_state_are_4xx(app, client, world):
    login(client, "office")
    assert client.post("/office/needs/n-gap/teams/5/invite").status_code == 404
    assert client.post("/office/needs/n-gap/teams/-1/invite").status_code == 404
    assert client.post("/office/needs/n-gap/teams/x/invite").status_code == 404
    assert client.post("/office/needs/no-such/teams/0/invite").status_code == 404
    assert client.post("/office/needs/n-listed/teams/0/invite").status_code == 404  # no gap
    with app.extensions["db"].session() as s:
        s.get(Need, "n-gap").status = "closed"
    assert client.post("/office/needs/n-gap/teams/0/invite").status_code == 409
    assert _suggestions(app, "n-gap") == {}
    page = client.get("/office/needs/n-gap").get_data(as_text=True)
    assert 'id="team-1"' in page and 'id="invite-team-1"' not in page


@pytest.mark.parametrize("who,status", [("office_out", 404), ("reviewer", 403), ("planner", 403)])
def test_others_may_not_invite(app, client, world, who, status):
    login(client, who)
    assert client.post("/office/needs/n-gap/teams/0/invite").status_code == status
    assert _suggestions(app, "n-gap") == {}


def test_reviewer_sees_proposals_read_only(client, world):
    login(client, "reviewer")
    page = client.get("/reviewer/needs/n-gap").get_data(as_text=True)
    assert 'id="team-1"' in page and TEAM_REASON["zh"] in page
    assert "invite" not in page


@pytest.mark.parametrize(
    "lang,heading,reason",
    [
        ("en", "Team proposals", TEAM_REASON["en"]),
        ("zh_Hant_TW", "組團建議", TEAM_REASON["zh_hant"]),
    ],
)
def test_other_languages(client, world, lang, heading, reason):
    login(client, "office")
    page = client.get(f"/office/needs/n-gap?lang={lang}").get_data(as_text=True)
    assert heading in page and reason in page
