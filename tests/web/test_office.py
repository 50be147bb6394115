"""Street office journey with the test client: posting (validated as the catalog validates),
screening, scope, lifecycle actions and decisions on suggestions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import AuditEvent, Need, Suggestion
from tests.web.web_world import build_world, login

GOOD = {
    "title": "独居老人吃饭难",
    "description": "辖区内很多独居老人做饭不便，希望有人每天送餐上门并定期探访。",
    "beneficiaries": "独居长者",
    "beneficiary_count": "40",
    "budget_yuan": "80000",
    "months": "12",
    "funding": "财政资金",
    "street": "440402005",
}


@pytest.fixture
def world(app):
    return build_world(app)


def _need(app, need_id):
    with app.extensions["db"].session() as s:
        return s.get(Need, need_id)


def test_form_shows_field_errors(app, client, world):
    login(client, "office")
    bad = dict(GOOD, title="x", beneficiary_count="many", months="48")
    page = client.post("/office/needs/new", data=bad).get_data(as_text=True)
    errors = dict(re.findall(r'id="error-(\w+)">([^<]*)<', page))
    assert errors["title"] == "至少2个字"
    assert errors["beneficiary_count"] == "必须是整数"
    assert errors["months"] == "不能大于36"
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Need).where(Need.title == "x")) is None


def test_post_submit_shows_category_and_prohibited_warning(app, client, world):
    login(client, "office")
    r = client.post("/office/needs/new", data=dict(GOOD, submit_for_review="1"))
    assert r.status_code == 302
    need_id = r.headers["Location"].split("?")[0].rsplit("/", 1)[1]
    need = _need(app, need_id)
    assert need.status == "submitted" and need.posted_by == "拱北街道办事处"
    assert need.category_name == "居家养老" and need.category_source == "model"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "系统推荐的服务类别为“居家养老”" in page

    flagged = dict(
        GOOD, title="社区道路维修", description="请社会组织承担辖区市政道路维修和路灯维护工作。"
    )
    r = client.post("/office/needs/new", data=dict(flagged, submit_for_review="1"))
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="prohibited-warning"' in page
    # The reviewer's queue names the rule in words, never by its code.
    login(client, "reviewer")
    queue = client.get("/reviewer/?lang=zh_Hans_CN").get_data(as_text=True)
    assert "市政道路" in queue and "municipal_maintenance" not in queue


def test_office_sees_only_its_street(client, world):
    login(client, "office")
    assert client.get("/office/needs/n-other_draft").status_code == 404
    assert client.post("/office/needs/n-other_draft/action/submit").status_code == 404
    listing = client.get("/office/").get_data(as_text=True)
    assert "n-draft" in listing and "n-other_draft" not in listing
    login(client, "office_out")
    assert client.get("/office/needs/n-draft").status_code == 404


def test_office_posts_only_for_its_own_street(app, client, world):
    """A forged street field is ignored: an office's needs always belong to its street."""
    login(client, "office")
    r = client.post("/office/needs/new", data=dict(GOOD, street="440402004"))
    need_id = r.headers["Location"].split("?")[0].rsplit("/", 1)[1]
    assert _need(app, need_id).street_code == "440402005"


def test_edit_and_submit_draft(app, client, world):
    login(client, "office")
    r = client.post(
        "/office/needs/n-draft/edit", data=dict(GOOD, title="修改后的标题", category="居家养老")
    )
    assert r.status_code == 302
    client.post("/office/needs/n-draft/action/submit")
    need = _need(app, "n-draft")
    assert need.title == "修改后的标题" and need.status == "submitted"
    assert need.category_source == "office"
    assert client.get("/office/needs/n-draft/edit").status_code == 409


def test_confirm_reject_and_list(app, client, world):
    login(client, "office")
    with app.extensions["db"].session() as s:
        ids = {
            x.org_id: (x.id, x.version)
            for x in s.scalars(select(Suggestion).where(Suggestion.need_id == "n-approved"))
        }
    sid, version = ids["org-elder"]
    client.post(f"/office/suggestions/{sid}/confirm", data={"version": version})
    rid, rversion = ids["org-meal"]
    client.post(f"/office/suggestions/{rid}/reject", data={"version": rversion})
    page = client.get("/office/needs/n-approved").get_data(as_text=True)
    assert "否决时必须填写理由" in page  # refused: no reason
    client.post(
        f"/office/suggestions/{rid}/reject", data={"version": rversion, "reason": "人手不足"}
    )
    client.post("/office/needs/n-approved/action/list")
    with app.extensions["db"].session() as s:
        statuses = {
            x.org_id: x.status
            for x in s.scalars(select(Suggestion).where(Suggestion.need_id == "n-approved"))
        }
        assert statuses == {"org-elder": "confirmed", "org-meal": "rejected"}
        assert s.get(Need, "n-approved").status == "listed"
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor == "office_gb")))
    assert {"suggestion.confirm", "suggestion.reject", "need.list"} <= actions


def test_stale_version_is_a_conflict(app, client, world):
    login(client, "office")
    with app.extensions["db"].session() as s:
        sid = s.scalar(select(Suggestion.id).where(Suggestion.need_id == "n-approved"))
    client.post(f"/office/suggestions/{sid}/confirm", data={"version": "99"})
    page = client.get("/office/needs/n-approved").get_data(as_text=True)
    assert "该推荐已被他人处理" in page


def test_withdraw_needs_reason(app, client, world):
    login(client, "office")
    client.post("/office/needs/n-draft/action/withdraw")
    assert _need(app, "n-draft").status == "draft"
    client.post("/office/needs/n-draft/action/withdraw", data={"reason": "需求已由其他渠道解决"})
    assert _need(app, "n-draft").status == "closed"


def test_english_flash_for_domain_error(client, world):
    login(client, "office")
    client.get("/?lang=en")
    client.post("/office/needs/n-listed/action/submit")
    page = client.get("/office/needs/n-listed").get_data(as_text=True)
    assert "cannot submit a need that is listed" in page


def test_other_roles_are_refused(client, world):
    login(client, "organization")
    assert client.get("/office/").status_code == 403
    client.post("/logout")
    r = client.get("/office/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_long_lists_are_paged_not_cut_off(app, client, world):
    """A busy street has hundreds of needs: every one is reachable, page by page, in the
    office's list and in the review queue."""
    from tests.web.web_world import GONGBEI, add_need

    with app.extensions["db"].session() as s:
        before = s.query(Need).filter(Need.street_code == GONGBEI).count()
        for i in range(230 - before):
            add_need(s, f"bulk-{i:03d}", GONGBEI, "submitted")
    login(client, "office")
    seen: set[str] = set()
    for page in (1, 2, 3):
        html = client.get(f"/office/?page={page}").get_data(as_text=True)
        seen |= set(re.findall(r'href="/office/needs/([^"/]+)"', html)) - {"new"}
    assert len(seen) == 230
    first = client.get("/office/").get_data(as_text=True)
    assert 'rel="next"' in first and "page=2" in first
    last = client.get("/office/?page=3&status=").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    client.get("/logout")
    login(client, "reviewer")
    queue = client.get("/reviewer/?status=submitted&page=2").get_data(as_text=True)
    assert 'rel="prev"' in queue and "status=submitted" in queue


def test_a_thin_draft_asks_who_what_where_before_submitting(client, world):
    """A title-only draft: the need page says so and asks who is served, what problem, where;
    a described one does not."""
    login(client, "office")
    thin = dict(GOOD, title="“幸福家园”行动", description="拟通过购买服务实施本行动。")
    r = client.post("/office/needs/new?lang=zh_Hans_CN", data=thin)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="text-prompt"' in page and "title_only" in page
    assert "服务谁" in page and "要解决什么问题" in page and "在哪里" in page
    r = client.post("/office/needs/new?lang=zh_Hans_CN", data=GOOD)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "title_only" not in page


@pytest.mark.parametrize(("confidence", "flagged"), [(0.31, True), (0.93, False)])
def test_low_confidence_category_guess_is_marked(app, client, world, confidence, flagged):
    """A weak guess must not look like a confident one: below one half it says so."""
    with app.extensions["db"].session() as s:
        need = s.get(Need, "n-approved")
        need.category_source, need.category_confidence = "model", confidence
        s.commit()
    login(client, "office")
    page = client.get("/office/needs/n-approved?lang=zh_Hans_CN").get_data(as_text=True)
    assert f"({round(confidence * 100)}%)" in page
    assert ("把握不大，请核对" in page) is flagged
