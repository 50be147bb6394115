"""Read-only API of credit entries, acceptance results and inspections: what each role reads,
what it is refused, and that every read of these non-public records is on record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.inspections import sample
from catalog.models import ReadEvent
from tests.web.api_records_contract import add_inspection
from tests.web.api_world import Api, add_outcomes_and_gaps, assert_json_error, build_world


@pytest.fixture
def api(app, client, monkeypatch):
    monkeypatch.setattr("web.tasks.update_org_index.delay", lambda _org_id: None)
    build_world(app)
    add_outcomes_and_gaps(app)
    return Api(app, client)


def test_credit_archive_by_role(api, app):
    add_inspection(app)
    body = api.get("reviewer", "/api/v1/organizations/o1/credit").get_json()
    (entry,) = body["items"]
    assert (entry["kind"], entry["kind_zh"], entry["source"]) == (
        "inspection_pass",
        "年检/抽查合格",
        "香洲区民政局",
    )
    assert "现场查看台账齐全" in entry["note"]
    assert api.get("organization", "/api/v1/organizations/o1/credit").get_json() == body
    assert_json_error(api.get("organization", "/api/v1/organizations/o2/credit"), 403)
    for label in ("office", "planner", None):
        status = 401 if label is None else 403
        assert_json_error(api.get(label, "/api/v1/organizations/o1/credit"), status)


def test_outcomes_of_an_organization_and_of_a_need(api):
    (result,) = api.get("admin", "/api/v1/organizations/o1/outcomes").get_json()["items"]
    assert (result["need_id"], result["evaluation"], result["satisfaction"]) == (
        "n-closed",
        "良好",
        88.5,
    )
    assert result["note"] == "内部备注"  # not public: only these roles read it
    for label in ("office", "reviewer", "admin"):
        items = api.get(label, "/api/v1/needs/n-closed/outcomes").get_json()["items"]
        assert [r["organization_id"] for r in items] == ["o1"], label
    assert_json_error(api.get("office_out", "/api/v1/needs/n-closed/outcomes"), 404)
    assert_json_error(api.get("organization", "/api/v1/needs/n-closed/outcomes"), 403)
    assert_json_error(api.get("office", "/api/v1/needs/no-such/outcomes"), 404)


def test_inspections_can_be_recomputed_from_the_answer(api, app):
    draw_id = add_inspection(app)
    (summary,) = api.get("reviewer", "/api/v1/inspections").get_json()["items"]
    assert (summary["id"], summary["population_size"], summary["drawn"], summary["recorded"]) == (
        draw_id,
        2,
        2,
        1,
    )
    detail = api.get("admin", f"/api/v1/inspections/{draw_id}").get_json()
    population = [(p["need_id"], p["organization_id"]) for p in detail["population"]]
    drawn = sample(population, detail["rate"], int(detail["seed"]))
    assert drawn == [(i["need_id"], i["organization_id"]) for i in detail["items"]]
    assert [i["result"] for i in detail["items"]].count("pass") == 1
    assert_json_error(api.get("planner", "/api/v1/inspections"), 403)
    assert_json_error(api.get("reviewer", f"/api/v1/inspections/{draw_id + 5}"), 404)
    assert_json_error(api.get("reviewer", f"/api/v1/inspections/{2**70}"), 404)  # no overflow


def test_every_read_is_on_record(api, app):
    draw_id = add_inspection(app)
    for label, url in (
        ("reviewer", "/api/v1/organizations/o1/credit"),
        ("organization", "/api/v1/organizations/o1/outcomes"),
        ("office", "/api/v1/needs/n-closed/outcomes"),
        ("reviewer", "/api/v1/inspections"),
        ("admin", f"/api/v1/inspections/{draw_id}"),
    ):
        assert api.get(label, url).status_code == 200, url
    with app.extensions["db"].session() as s:
        events = list(s.scalars(select(ReadEvent).order_by(ReadEvent.id)))
    assert [(e.endpoint, e.entity_id) for e in events] == [
        ("api.organization_credit", "o1"),
        ("api.organization_outcomes", "o1"),
        ("api.need_outcomes", "n-closed"),
        ("api.inspection_draws", None),
        ("api.inspection_draw", str(draw_id)),
    ]
    assert all(e.channel == "api" for e in events)
