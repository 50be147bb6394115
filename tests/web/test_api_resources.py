"""Organizations, opportunities and interest, the public notice, and the OpenAPI document."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog import opportunities
from catalog.actors import Actor
from catalog.decisions import decide
from catalog.lifecycle import transition
from catalog.models import Need, Opportunity
from matching import facade
from tests.web.api_world import (
    GONGBEI,
    PASSWORD,
    XIANGZHOU,
    Api,
    assert_json_error,
    build_world,
    statements_run,
)
from web.api.spec import HIDDEN_ATTR


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


# ------------------------------------------------------------------ organizations


def test_organization_profiles_are_public_fields_only(api):
    orgs = api.get("office", "/api/v1/organizations").get_json()
    assert orgs["total"] == 2
    o1 = api.get("planner", "/api/v1/organizations/o1").get_json()
    assert o1["categories"] == ["居家养老"] and o1["service_areas"] == [XIANGZHOU]
    assert "credit_events" not in o1 and "performance" not in o1
    by_area = api.get("office", f"/api/v1/organizations?area={GONGBEI}").get_json()
    assert [o["id"] for o in by_area["items"]] == ["o2"]
    by_cat = api.get("office", "/api/v1/organizations?category=社区矫正").get_json()
    assert [o["id"] for o in by_cat["items"]] == ["o2"]


def test_organization_edits_only_itself(api, monkeypatch):
    queued: list[str] = []
    monkeypatch.setattr("web.tasks.update_org_index.delay", queued.append)
    r = api.patch(
        "organization",
        "/api/v1/organizations/o1",
        json={
            "capacity": 5,
            "service_areas": [GONGBEI, "440403"],
            "categories": ["居家养老", "心理咨询"],
        },
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["capacity"] == 5 and body["service_areas"] == [GONGBEI, "440403"]
    assert body["categories"] == ["居家养老", "心理咨询"] and body["profile_version"] == 2
    assert queued == ["o1"]
    assert_json_error(
        api.patch("organization", "/api/v1/organizations/o2", json={"capacity": 1}), 403
    )
    assert_json_error(api.patch("office", "/api/v1/organizations/o1", json={"capacity": 1}), 403)
    error = assert_json_error(
        api.patch("organization", "/api/v1/organizations/o1", json={"service_areas": ["123"]}), 422
    )
    assert error["fields"][0]["field"] == "service_areas"
    assert_json_error(
        api.patch("organization", "/api/v1/organizations/o1", json={"credit_code": "X"}), 422
    )
    assert_json_error(
        api.patch("organization", "/api/v1/organizations/o1", json={"categories": "居家养老"}), 422
    )


# ------------------------------------------------------------------ opportunities and interest


def test_opportunities_list_listed_needs_with_reasons(api, world):
    r = api.get("organization", "/api/v1/opportunities")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    ids = [o["id"] for o in body["items"]]
    assert world.needs["listed"] in ids
    assert all(o["status"] == "listed" for o in body["items"])
    assert all(o["reasons"] for o in body["items"])
    assert body["source"] in ("matcher", "profile")
    assert_json_error(api.get("office", "/api/v1/opportunities"), 403)


# Opportunities are matching's results, read per organization from the `opportunity` table
# that every write step keeps current; nothing is ranked in a request.


def _no_matcher(*_args, **_kwargs):
    raise AssertionError("a request built a matcher")


def _rows(app, org_id: str) -> list[tuple[str, float]]:
    with app.extensions["db"].session() as s:
        return [(r.id, r.score) for r in opportunities.page(s, org_id)]


def test_opportunities_come_from_matching_results_for_page_and_api(
    app, client, api, world, monkeypatch
):
    """The organization's own suggestions for listed needs (not where the office rejected it,
    nor a need still approved), the same on the dashboard and the API, with no matcher."""
    monkeypatch.setattr(facade, "shared_matcher", _no_matcher)
    monkeypatch.setattr(facade, "build_matcher", _no_matcher)
    app.config["MATCHER_FACTORY"] = _no_matcher
    body = api.get("organization", "/api/v1/opportunities").get_json()
    assert body["source"] == "matcher"
    assert [(o["id"], o["score"], o["rank"]) for o in body["items"]] == [
        (world.needs["listed"], 0.9, 1)
    ]
    assert body["items"][0]["reasons"][0]["en"] == "home care"  # the suggestion's own reasons
    assert body["items"][0]["street_name"] and body["items"][0]["district"]
    r = client.post("/login", data={"username": "org_o1", "password": PASSWORD})
    assert r.status_code == 302
    page = client.get("/org/").get_data(as_text=True)
    assert re.findall(r'<article class="card opportunity" id="need-([^"]+)"', page) == [
        o["id"] for o in body["items"]
    ]
    assert _rows(app, "o2") == []  # the office rejected o2 for n-listed; n-approved is unlisted


def test_every_write_step_keeps_the_table_current(app, api, world):
    """Listing a need adds its rows, a rejection removes one, leaving the listed state removes
    the rest: the table always says what suggestions and statuses say."""
    admin = Actor.system("test")
    listed, approved = world.needs["listed"], world.needs["approved"]
    with app.extensions["db"].session() as s:
        transition(s, s.get(Need, approved), "list", admin)
    assert {n for n, _ in _rows(app, "o1")} == {listed, approved}
    assert [n for n, _ in _rows(app, "o2")] == [approved]
    two = api.get("organization", "/api/v1/opportunities?limit=1&offset=1").get_json()["items"]
    assert len(two) == 1 and two[0]["rank"] == 2
    with app.extensions["db"].session() as s:
        decide(s, world.suggestions["approved_o2"], "reject", admin, reason="不在服务范围")
    assert _rows(app, "o2") == []
    with app.extensions["db"].session() as s:
        transition(s, s.get(Need, listed), "match", admin)  # o1 was confirmed for it
    assert [n for n, _ in _rows(app, "o1")] == [approved]
    with app.extensions["db"].session() as s:
        opportunities.rebuild(s)  # the bulk rule agrees with the per-need one
        assert [(o.need_id, o.org_id) for o in s.scalars(select(Opportunity))] == [(approved, "o1")]


def test_the_api_reads_a_page_in_one_statement(app, api, world):
    """Token, organization id, one page (need, street, suggestion reasons and interest joined):
    the count does not grow with the catalog or the page."""
    assert api.get("organization", "/api/v1/opportunities").status_code == 200
    with statements_run(app) as statements:
        assert api.get("organization", "/api/v1/opportunities").status_code == 200
    reads = [s for s in statements if "FROM opportunity" in s]
    assert len(reads) == 1, statements
    assert "ORDER BY opportunity.score DESC, opportunity.listed_at DESC" in reads[0]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects


def test_interest_express_and_withdraw(api, world):
    listed = world.needs["listed"]
    url = f"/api/v1/needs/{listed}/interest"
    r = api.post("organization", url, json={"note": "我们有送餐车"})
    assert r.status_code == 200 and r.get_json()["active"] is True
    assert api.post("organization", url).status_code == 200  # idempotent
    opp = api.get("organization", "/api/v1/opportunities").get_json()["items"]
    assert [o["interested"] for o in opp if o["id"] == listed] == [True]
    assert api.delete("organization", url).status_code == 204
    assert_json_error(api.delete("organization", url), 404)
    assert_json_error(
        api.post("organization", f"/api/v1/needs/{world.needs['draft']}/interest"), 404
    )
    assert_json_error(api.post("organization", url, json={"note": 5}), 422)
    assert_json_error(api.post("office", url), 403)


# ------------------------------------------------------------------ public notice


def test_public_notice_shows_confirmed_organizations_only(api, world):
    r = api.get(None, "/api/v1/public/needs")
    assert r.status_code == 200
    items = {n["id"]: n for n in r.get_json()["items"]}
    assert set(items) == {world.needs["listed"], world.needs["other_listed"]}
    listed = items[world.needs["listed"]]
    assert [o["id"] for o in listed["confirmed_organizations"]] == ["o1"]
    text = r.get_data(as_text=True)
    for private in ("posted_by", "拱北街道办事处", "return_reason", "decided_by", "prohibited"):
        assert private not in text
    detail = api.get(None, f"/api/v1/public/needs/{world.needs['listed']}").get_json()
    assert detail["confirmed_organizations"][0]["name"].startswith("珠海市")
    assert_json_error(api.get(None, f"/api/v1/public/needs/{world.needs['approved']}"), 404)


def test_public_notice_filters(api, world):
    def ids(query: str) -> set[str]:
        return {n["id"] for n in api.get(None, f"/api/v1/public/needs?{query}").get_json()["items"]}

    assert ids(f"street={GONGBEI}") == {world.needs["listed"]}
    assert ids("district=440402") == {world.needs["listed"], world.needs["other_listed"]}
    assert ids("district=440403") == set()
    assert ids("category=居家养老") == {world.needs["listed"], world.needs["other_listed"]}
    assert ids("q=n-listed") == {world.needs["listed"]}
    # A status the notice never shows is not a filter value (the document's enum): refused.
    assert_json_error(api.get(None, "/api/v1/public/needs?status=draft"), 422)


# ------------------------------------------------------------------ OpenAPI


def test_openapi_describes_every_api_route(app, api):
    r = api.get(None, "/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.get_json()
    assert doc["openapi"].startswith("3.0")
    for ops in doc["paths"].values():
        for op in ops.values():
            assert op["summary"] and op["responses"] and op["operationId"]
    described = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    hidden = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        if getattr(app.view_functions[rule.endpoint], HIDDEN_ATTR, False):
            hidden.add(rule.endpoint)  # a page about the API, not an operation
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len("/api/v1") :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {rule.rule} missing from OpenAPI"
    assert hidden == {"apidocs.page", "apidocs.asset"}
    assert ("/gaps", "get") in described or not any(
        r.rule == "/api/v1/gaps" for r in app.url_map.iter_rules()
    )
    confirm = doc["paths"]["/suggestions/{suggestion_id}/confirm"]["post"]
    schema = confirm["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["version"]
    assert confirm["x-roles"] == ["admin", "office"]
    assert "409" in confirm["responses"]
    assert doc["paths"]["/public/needs"]["get"]["security"] == []
