"""Hostile and malformed input gets a 4xx JSON error naming the problem, never an HTML page, a
stack trace or a 5xx; a database that is gone is a clear 503."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from tests.web.api_world import Api, assert_json_error, build_world
from tests.web.test_api_needs import NEW_NEED


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


def test_unknown_api_urls_and_methods_are_json(api):
    assert_json_error(api.get(None, "/api/v1/nothing-here"), 404, "not_found")
    assert_json_error(api.get("admin", "/api/v2/needs"), 404)
    r = api.delete("admin", "/api/v1/needs")
    assert_json_error(r, 405, "method_not_allowed")
    assert "GET" in r.headers["Allow"]
    assert_json_error(api.client.put("/api/v1/public/needs"), 405)


def test_wrong_content_type_is_415(api):
    r = api.post(
        "office", "/api/v1/needs", data="title=x", content_type="application/x-www-form-urlencoded"
    )
    assert_json_error(r, 415, "unsupported_media_type")
    assert_json_error(
        api.post("office", "/api/v1/needs", data="hello", content_type="text/plain"), 415
    )
    assert_json_error(api.post("office", "/api/v1/needs"), 415)


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        "{'single': 'quotes'}",
        "[1, 2",
        "NaN",
        '{"a": NaN}',
        "\xff\xfe",
        "[" * 5000 + "]" * 5000,
    ],
)
def test_bad_json_is_400(api, raw):
    r = api.post(
        "office",
        "/api/v1/needs",
        data=raw.encode("utf-8", "surrogateescape"),
        content_type="application/json",
    )
    assert_json_error(r, 400, "bad_json")


@pytest.mark.parametrize("body", [[], "a string", 42, None])
def test_json_that_is_not_an_object_is_422(api, body):
    import json

    r = api.post("office", "/api/v1/needs", data=json.dumps(body), content_type="application/json")
    assert_json_error(r, 422)


def test_wrong_types_name_the_field(api):
    for field, value in [
        ("title", ["a"]),
        ("budget_yuan", "1000"),
        ("months", 1.5),
        ("beneficiary_count", True),
        ("funding", 3),
        ("lang", "klingon"),
        ("category", {"x": 1}),
        ("street", 440402005),
    ]:
        error = assert_json_error(
            api.post("admin", "/api/v1/needs", json={**NEW_NEED, field: value}), 422
        )
        assert field in {f["field"] for f in error["fields"]}, (field, error)


def test_nul_and_control_characters(api, world):
    error = assert_json_error(
        api.post("office", "/api/v1/needs", json={**NEW_NEED, "title": "a\x00b"}), 422
    )
    assert error["fields"][0]["field"] == "title"
    assert_json_error(api.get("admin", "/api/v1/needs/abc%00def"), 404)
    assert_json_error(api.get("admin", "/api/v1/needs?street=44%0004"), 422)
    assert_json_error(api.get(None, "/api/v1/public/needs?q=%00"), 422)
    assert_json_error(api.get("admin", "/api/v1/organizations/o%001"), 404)


def test_oversize_text_and_bodies(app, api):
    long = {**NEW_NEED, "description": "长" * 2001}
    error = assert_json_error(api.post("office", "/api/v1/needs", json=long), 422)
    assert error["fields"][0]["field"] == "description"
    huge = {**NEW_NEED, "description": "长" * 5000}
    assert_json_error(api.post("office", "/api/v1/needs", json=huge), 422)
    body = '{"title": "' + "x" * (300 * 1024) + '"}'
    r = api.post("office", "/api/v1/needs", data=body, content_type="application/json")
    assert_json_error(r, 413, "too_large")
    assert app.config["MAX_CONTENT_LENGTH"]


def test_unknown_ids(api):
    assert_json_error(api.get("admin", "/api/v1/needs/" + "x" * 500), 404)
    assert_json_error(api.get("admin", "/api/v1/organizations/nope"), 404)
    assert_json_error(api.get("admin", "/api/v1/needs/nope/suggestions"), 404)
    assert_json_error(api.post("organization", "/api/v1/needs/nope/interest"), 404)
    assert_json_error(api.get(None, "/api/v1/public/needs/nope"), 404)


def test_unexpected_errors_are_json_500_without_a_trace(app, api, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("web.api.needs.need_json", boom)
    r = api.get("admin", "/api/v1/needs")
    error = assert_json_error(r, 500, "internal_error")
    assert "secret" not in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    assert error["message"] == "internal server error"


def test_database_gone_is_503(app, api):
    api.headers("admin")  # mint the token while the database is still there
    dead = create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    app.extensions["db"].Session = sessionmaker(bind=dead)
    try:
        assert_json_error(api.get("admin", "/api/v1/needs"), 503, "database_unavailable")
    finally:
        dead.dispose()


def test_errors_carry_security_headers(api):
    r = api.get(None, "/api/v1/nothing")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
