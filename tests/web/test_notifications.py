"""Notifications through the API and the inbox page: the exact shape, newest first, the unread
count going down as things are read, and read-marking scoped to the owner."""

from __future__ import annotations

import pytest

from tests.web.api_world import ACCOUNTS, PASSWORD, Api, assert_json_error, build_world

ITEM_KEYS = {"id", "kind", "need_id", "text", "created_at", "read"}


def login(client, label: str) -> None:
    data = {"username": ACCOUNTS[label][0], "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 302


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


def test_submission_reaches_the_reviewer_in_the_api_shape(api, world):
    assert api.get("reviewer", "/api/v1/notifications").get_json() == {"unread": 0, "items": []}
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    body = api.get("reviewer", "/api/v1/notifications").get_json()
    assert body["unread"] == 1
    (item,) = body["items"]
    assert set(item) == ITEM_KEYS
    assert item["kind"] == "need_submitted" and item["need_id"] == world.needs["draft"]
    assert item["read"] is False and "待审核" in item["text"]
    # nobody else heard of it
    for who in ("office", "office_out", "organization", "planner"):
        assert api.get(who, "/api/v1/notifications").get_json()["unread"] == 0


def test_newest_first_and_reason_of_a_return(api, world):
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    r = api.post(
        "reviewer",
        f"/api/v1/needs/{world.needs['submitted']}/return",
        json={"reason": "请补充预算说明"},
    )
    assert r.status_code == 200, r.get_json()
    api.post(
        "reviewer", f"/api/v1/needs/{world.needs['draft']}/return", json={"reason": "重复需求"}
    )
    items = api.get("office", "/api/v1/notifications").get_json()["items"]
    assert [i["kind"] for i in items] == ["need_returned", "need_returned"]
    assert "重复需求" in items[0]["text"] and "请补充预算说明" in items[1]["text"]
    assert items[0]["id"] > items[1]["id"]


def test_english_reader_gets_english_text(api, world):
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    headers = {**api.headers("reviewer"), "Accept-Language": "en"}
    (item,) = api.client.get("/api/v1/notifications", headers=headers).get_json()["items"]
    assert item["text"].startswith("A need awaits your review")


def test_interest_reaches_the_office(api, world):
    api.post("organization", f"/api/v1/needs/{world.needs['listed']}/interest", json={})
    (item,) = api.get("office", "/api/v1/notifications").get_json()["items"]
    assert item["kind"] == "interest_expressed"
    assert api.get("office_out", "/api/v1/notifications").get_json()["items"] == []


def test_confirmation_reaches_the_organization(api, world, app):
    sid = world.suggestions["approved_o1"]
    r = api.post("office", f"/api/v1/suggestions/{sid}/confirm", json={"version": 1})
    assert r.status_code == 200, r.get_json()
    (item,) = api.get("organization", "/api/v1/notifications").get_json()["items"]
    assert item["kind"] == "suggestion_confirmed"


def test_read_one_then_all_and_the_count_goes_down(api, world):
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    api.post(
        "reviewer", f"/api/v1/needs/{world.needs['draft']}/return", json={"reason": "重复需求"}
    )
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    body = api.get("reviewer", "/api/v1/notifications").get_json()
    assert body["unread"] == 2
    first = body["items"][0]["id"]
    r = api.post("reviewer", f"/api/v1/notifications/{first}/read")
    assert r.status_code == 200 and r.get_json()["read"] is True
    assert api.get("reviewer", "/api/v1/notifications").get_json()["unread"] == 1
    r = api.post("reviewer", "/api/v1/notifications/read-all")
    assert r.get_json() == {"marked": 1}
    body = api.get("reviewer", "/api/v1/notifications").get_json()
    assert body["unread"] == 0 and all(i["read"] for i in body["items"])


def test_someone_elses_notification_is_404(api, world):
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    (item,) = api.get("reviewer", "/api/v1/notifications").get_json()["items"]
    for who in ("office", "planner", "admin"):
        assert_json_error(api.post(who, f"/api/v1/notifications/{item['id']}/read"), 404)
    assert_json_error(api.post("reviewer", "/api/v1/notifications/99999999999/read"), 404)
    assert api.get("reviewer", "/api/v1/notifications").get_json()["unread"] == 1


def test_anonymous_is_401(api):
    assert_json_error(api.get(None, "/api/v1/notifications"), 401)


def test_inbox_page_header_count_and_marking(api, world, client):
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    login(client, "reviewer")
    page = client.get("/inbox/").get_data(as_text=True)
    assert 'id="unread-count"' in page and "有新需求待审核" in page
    (item,) = api.get("reviewer", "/api/v1/notifications").get_json()["items"]
    r = client.post(f"/inbox/{item['id']}/read", data={"open": "1"})
    assert r.status_code == 302 and world.needs["draft"] in r.headers["Location"]
    page = client.get("/inbox/").get_data(as_text=True)
    assert 'id="unread-count"' not in page


def test_inbox_page_refuses_someone_elses(api, world, client):
    api.post("office", f"/api/v1/needs/{world.needs['draft']}/submit")
    (item,) = api.get("reviewer", "/api/v1/notifications").get_json()["items"]
    login(client, "office")
    assert client.post(f"/inbox/{item['id']}/read").status_code == 404
    assert client.post("/inbox/read-all").status_code == 302
    assert api.get("reviewer", "/api/v1/notifications").get_json()["unread"] == 1


@pytest.mark.parametrize("role", ["office", "reviewer", "organization", "planner", "admin"])
def test_every_role_has_an_inbox(client, world, role):
    login(client, role)
    r = client.get("/inbox/")
    assert r.status_code == 200 and 'id="inbox-link"' in r.get_data(as_text=True)
