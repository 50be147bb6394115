"""Hostile values against the JSON API (issue 17, findings 8, 13 and 14): lone surrogates, huge
ids, days at the ends of the calendar, repeated or empty query arguments, LIKE wildcards,
text-direction controls, the token throttle's Retry-After and the cap on live tokens; and the
OpenAPI document declaring each of these rules."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from catalog import schema
from catalog.models import Account, ApiToken
from catalog.validation import MAX_REASON
from tests.web.api_world import (
    GONGBEI,
    PASSWORD,
    Api,
    assert_json_error,
    bearer,
    build_world,
)
from tests.web.test_api_tokens import basic

HUGE = "99999999999999999999"
RLO = "\u202e"
NEW_NEED = {
    "title": "独居老人吃饭难",
    "description": "辖区内很多独居老人做饭不便，希望有人每天送餐上门。",
    "beneficiaries": "独居长者",
    "beneficiary_count": 40,
    "budget_yuan": 80000,
    "months": 12,
    "funding": "财政资金",
}


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


def test_a_lone_surrogate_in_json_is_400_naming_the_field(api):
    raw = '{"title": "\\ud800 x", "description": "y"}'
    r = api.post("office", "/api/v1/needs", data=raw, content_type="application/json")
    error = assert_json_error(r, 400, "bad_json")
    assert error["fields"][0]["field"] == "title"
    nested = '{"categories": ["\\udfff"]}'
    r = api.patch(
        "organization", "/api/v1/organizations/o1", data=nested, content_type="application/json"
    )
    assert assert_json_error(r, 400)["fields"][0]["field"] == "categories[0]"


def test_huge_ids_are_no_such_resource(api, world):
    assert_json_error(
        api.post("office", f"/api/v1/suggestions/{HUGE}/confirm", json={"version": 1}), 404
    )
    assert_json_error(api.post("office", "/api/v1/suggestions/٣/confirm", json={"version": 1}), 404)


@pytest.mark.parametrize("path", ["/api/v1/gaps", "/api/v1/gaps/needs"])
def test_planner_api_refuses_malformed_filters_by_name(api, path):
    for query, name in (
        ("until=9999-12-31", "until"),
        ("since=0001-01-01", "since"),
        ("until=null", "until"),
        ("since=2024-02-30", "since"),
        ("status=bogus", "status"),
        ("district=4404%25", "district"),
        ("street=44040200", "street"),
        ("status=all&status=draft", "status"),
    ):
        error = assert_json_error(api.get("planner", f"{path}?{query}"), 422, "validation_failed")
        assert [f["field"] for f in error["fields"]] == [name], query
    assert (
        api.get("planner", f"{path}?since=1900-01-01&until=2999-12-31&status=all").status_code
        == 200
    )


def test_lists_refuse_repeated_and_empty_arguments(api):
    for query, name in (
        ("limit=1&limit=2", "limit"),
        ("offset=", "offset"),
        ("limit=²", "limit"),
        ("offset=99999999999", "offset"),
        ("district=%25", "district"),
        ("q=a%00b", "q"),
        ("street=", "street"),
    ):
        error = assert_json_error(api.get(None, f"/api/v1/public/needs?{query}"), 422)
        assert [f["field"] for f in error["fields"]] == [name], query
    assert_json_error(api.get("office", "/api/v1/needs?district=4404_2"), 422)


def test_words_search_takes_wildcards_literally(api, world):
    def ids(words: str) -> set[str]:
        r = api.get(None, "/api/v1/public/needs", query_string={"q": words})
        return {n["id"] for n in r.get_json()["items"]}

    assert ids("n-listed") == {world.needs["listed"]}
    assert ids("%") == set()
    assert ids("n_listed") == set()  # "_" is an underscore, not "any character"
    assert ids("other_listed") == {world.needs["other_listed"]}


@pytest.mark.parametrize("field", ["title", "description", "beneficiaries", "posted_by"])
def test_text_direction_controls_refused_in_api_text(api, field):
    body = {**NEW_NEED, field: NEW_NEED.get(field, "拱北街道办事处") + RLO + "txt"}
    error = assert_json_error(api.post("office", "/api/v1/needs", json=body), 422)
    assert [f["field"] for f in error["fields"]] == [field]
    assert "U+202E" in error["message"]


def test_text_direction_controls_refused_in_names_and_reasons(api, world):
    r = api.patch("organization", "/api/v1/organizations/o1", json={"name": "乐龄" + RLO + "中心"})
    assert [f["field"] for f in assert_json_error(r, 422)["fields"]] == ["name"]
    r = api.post("office", f"/api/v1/needs/{world.needs['draft']}/withdraw", json={"reason": RLO})
    assert [f["field"] for f in assert_json_error(r, 422)["fields"]] == ["reason"]


def test_blank_or_overlong_reason_refused(api, world):
    url = f"/api/v1/needs/{world.needs['draft']}/withdraw"
    for reason in ("", "   ", "x" * (MAX_REASON + 1)):
        r = api.post("office", url, json={"reason": reason})
        assert [f["field"] for f in assert_json_error(r, 422)["fields"]] == ["reason"]


def test_token_429_retry_after_is_the_real_window(database_url, tmp_path):
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "API_LOGIN_LIMIT_USER": "3 per 15 minutes",
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    schema.upgrade(app.extensions["db"])
    build_world(app)
    client = app.test_client()
    for _ in range(3):
        client.post("/api/v1/tokens", headers=basic("office_gb", "wrong-guess-123"))
    blocked = client.post("/api/v1/tokens", headers=basic("office_gb", PASSWORD))
    assert_json_error(blocked, 429)
    wait = int(blocked.headers["Retry-After"])
    assert 14 * 60 < wait <= 15 * 60 + 1, wait  # whole-second reset time, rounded up
    app.extensions["db"].dispose()


def test_live_tokens_per_account_are_capped(app, client, world):
    app.config["API_MAX_TOKENS"] = 3
    tokens = []
    for _ in range(4):
        r = client.post("/api/v1/tokens", headers=basic("office_gb", PASSWORD))
        assert r.status_code == 201
        tokens.append(r.get_json()["token"])
    assert client.get("/api/v1/needs", headers=bearer(tokens[0])).status_code == 401
    for token in tokens[1:]:
        assert client.get("/api/v1/needs", headers=bearer(token)).status_code == 200
    with app.extensions["db"].session() as s:
        account_id = s.scalar(select(Account.id).where(Account.username == "office_gb"))
        live = s.scalar(select(func.count()).where(ApiToken.account_id == account_id))
    assert live == 3


def test_the_document_declares_the_rules(api):
    from web.api.fields import text_pattern

    doc = api.get(None, "/api/v1/openapi.json").get_json()
    post = doc["paths"]["/needs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    title = post["properties"]["title"]
    assert title["minLength"] == 2 and title["pattern"] == text_pattern(2)
    assert GONGBEI in post["properties"]["street"]["enum"]
    action = doc["paths"]["/needs/{need_id}/{action}"]["post"]
    reason = action["requestBody"]["content"]["application/json"]["schema"]["properties"]["reason"]
    assert reason["minLength"] == 1 and reason["maxLength"] == MAX_REASON
    gaps = {p["name"]: p["schema"] for p in doc["paths"]["/gaps"]["get"]["parameters"]}
    assert "draft" in gaps["status"]["enum"] and gaps["until"]["format"] == "date"
    assert gaps["district"]["pattern"] == "^[0-9]{6}$"
    public = {p["name"]: p["schema"] for p in doc["paths"]["/public/needs"]["get"]["parameters"]}
    assert public["offset"]["maximum"] and public["q"]["pattern"] and public["q"]["minLength"] == 1
    path = doc["paths"]["/suggestions/{suggestion_id}/confirm"]["post"]["parameters"][0]
    assert path["schema"]["maximum"] == 2**31 - 1


def test_text_pattern_is_pythons_strip_and_the_refused_characters():
    """The pattern's blanks are exactly what str.strip() removes (less refused controls), so
    the document and catalog.validation count a title's length the same way."""
    import sys

    from web.api.fields import BLANKS, text_pattern

    blanks = re.compile(f"[{BLANKS}]")
    refused = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")
    stripped = {chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()}
    assert {c for c in stripped if not refused.match(c)} == {
        chr(i) for i in range(sys.maxunicode + 1) if blanks.match(chr(i))
    }
    two = re.compile(text_pattern(2))
    assert two.fullmatch("  ab ") and not two.fullmatch(" a  ") and not two.fullmatch("a\u202eb")
