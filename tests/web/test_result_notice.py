"""公示 done right on pages and API (issue 13 items 11, 12, 14 and the timeline): the result
notice appears only after a decision, anyone may object during its 公示期 from the public page
or the API, the reviewer sees the contact and answers, nobody else ever sees the contact;
closing needs a confirmation and a reason; a refused result form keeps what was typed."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from catalog.models import Need, Notification, Objection, Suggestion
from tests.web.api_world import Api, assert_json_error
from tests.web.web_world import build_world, login

CONTACT = "13912345678"
NAME = "居民李四"
TEXT = "承接组织此前未在本社区服务过，请核实其资质"


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def matched(app, client, world):
    """n-listed marked matched by its office through the page: the result notice opens."""
    login(client, "office")
    r = client.post("/office/needs/n-listed/action/match")
    assert r.status_code == 302
    client.post("/logout")
    return "n-listed"


def _page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def test_listed_need_is_a_call_for_interest_not_a_result(app, client, world):
    page = _page(client, "/notice/n-listed")
    assert "征集中" in page and "已公示" not in page
    assert 'id="result-notice"' not in page and 'id="objection-form"' not in page
    board = _page(client, "/")
    assert "已公示" not in board and "尚未确认" not in board
    r = client.post("/notice/n-listed/objections", data={"contact": CONTACT, "text": TEXT})
    assert r.status_code == 302
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Objection.id)) is None


def test_office_next_steps_never_offer_a_result_notice_before_a_decision(app, client, world):
    login(client, "office")
    page = _page(client, "/office/needs/n-approved")
    assert "发布征集" in page and "确认对接并公示结果" not in page


def test_anyone_objects_from_the_public_page(app, client, matched):
    page = _page(client, "/notice/n-listed")
    assert 'id="notice-period"' in page and 'id="objection-form"' in page
    r = client.post(
        "/notice/n-listed/objections", data={"name": NAME, "contact": CONTACT, "text": TEXT}
    )
    assert r.status_code == 302
    with app.extensions["db"].session() as s:
        [made] = s.scalars(select(Objection)).all()
        assert (made.name, made.contact, made.text) == (NAME, CONTACT, TEXT)
        kinds = {n.kind for n in s.scalars(select(Notification))}
        assert "objection_received" in kinds
    assert CONTACT not in _page(client, "/notice/n-listed")


def test_refused_objection_keeps_what_was_typed(app, client, matched):
    r = client.post(
        "/notice/n-listed/objections", data={"name": NAME, "contact": "不是电话", "text": TEXT}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="objection-contact-error"' in page and page.count("联系方式须为") == 1
    assert TEXT in page and f'value="{NAME}"' in page
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Objection.id)) is None


def test_reviewer_sees_contact_and_answers_office_does_not_see_contact(app, client, matched):
    client.post("/notice/n-listed/objections", data={"contact": CONTACT, "text": TEXT})
    login(client, "office")
    office_page = _page(client, "/office/needs/n-listed")
    assert TEXT in office_page and CONTACT not in office_page
    client.post("/logout")
    login(client, "reviewer")
    page = _page(client, "/reviewer/needs/n-listed")
    assert CONTACT in page and TEXT in page
    with app.extensions["db"].session() as s:
        objection_id = s.scalar(select(Objection.id))
    r = client.post(
        f"/reviewer/objections/{objection_id}/answer",
        data={"answer": "经核实，该组织资质齐全", "public": "yes"},
    )
    assert r.status_code == 302
    client.post("/logout")
    public = _page(client, "/notice/n-listed")
    assert "经核实，该组织资质齐全" in public and TEXT in public and CONTACT not in public


def test_contact_never_leaves_through_public_channels(app, client, matched):
    api = Api(app, client)
    r = api.post(
        None,
        "/api/v1/public/needs/n-listed/objections",
        json={"name": NAME, "contact": CONTACT, "text": TEXT},
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    objection_id = r.get_json()["id"]
    api.post(
        "reviewer",
        f"/api/v1/objections/{objection_id}/answer",
        json={"answer": "已核实", "public": True},
    )
    for url in (
        "/api/v1/public/needs/n-listed/result-notice",
        "/api/v1/public/needs/n-listed",
        "/api/v1/public/needs",
        "/notice.csv",
        "/notice.ocds.json",
        "/notice/n-listed",
        "/hsds/organizations",
    ):
        body = client.get(url).get_data(as_text=True)
        assert CONTACT not in body and NAME not in body, url
    notice = api.get(None, "/api/v1/public/needs/n-listed/result-notice").get_json()
    assert notice["open"] is True and notice["objections"][0]["answer"] == "已核实"
    office = api.get("office", "/api/v1/needs/n-listed/objections").get_json()["items"]
    assert office[0]["contact"] is None and office[0]["text"] == TEXT
    reviewer = api.get("reviewer", "/api/v1/needs/n-listed/objections").get_json()["items"]
    assert reviewer[0]["contact"] == CONTACT
    assert_json_error(
        api.post("office", f"/api/v1/objections/{objection_id}/answer", json={"answer": "x"}), 403
    )
    assert_json_error(
        api.post("reviewer", f"/api/v1/objections/{objection_id}/answer", json={"answer": "again"}),
        409,
    )


def test_api_objection_checks_fields_and_period(app, client, world, matched):
    api = Api(app, client)
    r = api.post(
        None, "/api/v1/public/needs/n-listed/objections", json={"contact": "x", "text": TEXT}
    )
    assert "contact" in {f["field"] for f in assert_json_error(r, 422)["fields"]}
    assert_json_error(
        api.post(
            None,
            "/api/v1/public/needs/n-approved/objections",
            json={"contact": CONTACT, "text": TEXT},
        ),
        404,
    )


def test_closing_needs_confirmation_and_reason_on_page(app, client, matched):
    login(client, "office")
    page = _page(client, "/office/needs/n-listed")
    assert 'id="close-confirm"' in page and 'id="close-reason"' in page
    client.post("/office/needs/n-listed/action/close", data={"reason": "服务完成"})
    client.post("/office/needs/n-listed/action/close", data={"confirm": "yes"})
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-listed").status == "matched"
    client.post(
        "/office/needs/n-listed/action/close", data={"confirm": "yes", "reason": "服务完成"}
    )
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-listed").status == "closed"


def test_closing_through_the_api_settles_open_suggestions(app, client, matched):
    with app.extensions["db"].session() as s:
        s.add(Suggestion(need_id="n-listed", org_id="org-youth", score=0.5, rank=3, reasons=[]))
    api = Api(app, client)
    r = api.post("office", "/api/v1/needs/n-listed/close", json={"reason": "服务完成"})
    assert "confirm" in {f["field"] for f in assert_json_error(r, 422)["fields"]}
    r = api.post(
        "office", "/api/v1/needs/n-listed/close", json={"confirm": True, "reason": "服务完成"}
    )
    assert r.status_code == 200 and r.get_json()["status"] == "closed"
    with app.extensions["db"].session() as s:
        youth = s.scalar(
            select(Suggestion).where(
                Suggestion.need_id == "n-listed", Suggestion.org_id == "org-youth"
            )
        )
        assert (youth.status, youth.decision_reason) == ("rejected", "需求已结束")


def test_submitting_says_what_happens_next(app, client, world):
    login(client, "office")
    r = client.post(
        "/office/needs/n-draft/edit",
        data={
            "title": "独居老人吃饭难",
            "description": "辖区独居老人约三十人，午餐没有着落，希望有组织上门送餐。",
            "beneficiaries": "独居老人",
            "beneficiary_count": "30",
            "budget_yuan": "50000",
            "months": "12",
            "funding": "财政资金",
            "submit_for_review": "1",
        },
        follow_redirects=True,
    )
    page = r.get_data(as_text=True)
    assert "已提交审核。审核通过后" in page
    assert "草稿或被退回时可以修改" not in page


def test_refused_result_keeps_what_was_typed_and_shows_one_error(app, client, matched):
    login(client, "office")
    with app.extensions["db"].session() as s:
        s.scalar(
            select(Suggestion).where(
                Suggestion.need_id == "n-listed", Suggestion.org_id == "org-elder"
            )
        ).decided_at = dt.datetime.now(dt.UTC)
    data = {"satisfaction": "88", "evaluation": "良好", "note": "长者满意（内部）"}
    r = client.post("/office/needs/n-listed/outcomes/org-elder", data=data)
    assert r.status_code == 302
    page = _page(client, "/office/needs/n-listed")
    assert len(re.findall("提前登记验收结果须说明理由", page)) == 1
    assert 'value="88"' in page and '<option value="良好" selected>' in page
    assert "长者满意（内部）" in page
    data["early_reason"] = "项目提前完成"
    client.post("/office/needs/n-listed/outcomes/org-elder", data=data)
    page = _page(client, "/office/needs/n-listed")
    assert "验收结果已登记" in page


def test_timeline_on_the_pages(app, client, matched):
    client.post("/notice/n-listed/objections", data={"contact": CONTACT, "text": TEXT})
    login(client, "office")
    page = _page(client, "/office/needs/n-listed")
    assert 'id="timeline"' in page and "标记为已对接，开始结果公示" in page
    assert "公众在公示期内提出异议" in page
    client.post(
        "/office/needs/n-listed/action/close", data={"confirm": "yes", "reason": "内部：预算调整"}
    )
    client.post("/logout")
    public = _page(client, "/notice/n-listed")
    assert 'id="timeline"' in public and "发布结果公示" in public
    assert "内部：预算调整" not in public and "office_gb" not in public
    client.get("/", headers={"Accept-Language": "en"})
    login(client, "reviewer")
    timeline = Api(app, client).get("reviewer", "/api/v1/needs/n-listed/timeline").get_json()
    actions = [i["action"] for i in timeline["items"]]
    assert "need.match" in actions and "objection.raise" in actions and "need.close" in actions


def test_new_routes_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/public/needs/{need_id}/result-notice",
        "/public/needs/{need_id}/objections",
        "/needs/{need_id}/objections",
        "/objections/{objection_id}/answer",
        "/needs/{need_id}/timeline",
    ):
        assert path in doc["paths"], path
    body = doc["paths"]["/needs/{need_id}/{action}"]["post"]["requestBody"]
    assert "confirm" in json.dumps(body)
