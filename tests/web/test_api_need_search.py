"""`GET /api/v1/needs` searches and sorts as the office list and the review queue do: words in
either script, a date range, a sort column; a value the document does not allow is a 422
naming the parameter."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.models import Need
from tests.web.api_world import Api, assert_json_error, build_world


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.extensions["db"].session() as s:
        need = s.get(Need, world.needs["approved"])
        need.title, need.category_name = "青少年课后辅导", "社区教育"
        need.updated_at = dt.datetime(2024, 7, 3, tzinfo=dt.UTC)
        s.commit()
    return world


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [n["id"] for n in response.get_json()["items"]]


def test_words_in_either_script_find_the_need(api, world):
    tutoring = world.needs["approved"]
    for words in ("课后辅导", "課後輔導", "社区教育"):
        assert _ids(api.get("office", "/api/v1/needs", query_string={"q": words})) == [tutoring]
    assert _ids(api.get("office", "/api/v1/needs", query_string={"q": "不存在的词语"})) == []


def test_dates_and_sorting(api, world):
    tutoring = world.needs["approved"]
    dated = {"from": "2024-07-01", "to": "2024-07-31"}
    assert tutoring in _ids(api.get("office", "/api/v1/needs", query_string=dated))
    up = _ids(api.get("office", "/api/v1/needs", query_string={"sort": "title"}))
    down = _ids(api.get("office", "/api/v1/needs", query_string={"sort": "title", "dir": "desc"}))
    assert up == down[::-1] and up[-1] == tutoring  # 独… before 青…


@pytest.mark.parametrize(
    ("name", "value"), [("sort", "password"), ("dir", "sideways"), ("from", "2024-13-01")]
)
def test_values_outside_the_document_are_refused_by_name(api, world, name, value):
    response = api.get("office", "/api/v1/needs", query_string={name: value})
    assert_json_error(response, 422)
    assert name in response.get_data(as_text=True)
