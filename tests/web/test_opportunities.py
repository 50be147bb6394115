"""An organization's opportunities: what matching wrote, read per organization from the
`opportunity` table that every write step keeps current; nothing is ranked in a request."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from catalog import opportunities
from catalog.actors import Actor
from catalog.decisions import decide
from catalog.lifecycle import transition
from catalog.models import Need, Opportunity
from matching import facade
from tests.web.api_world import PASSWORD, Api, build_world


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


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
    assert client.post("/login", data={"username": "org_o1", "password": PASSWORD}).status_code
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
    statements: list[str] = []
    engine = app.extensions["db"].engine

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert api.get("organization", "/api/v1/opportunities").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    reads = [s for s in statements if "FROM opportunity" in s]
    assert len(reads) == 1, statements
    assert "ORDER BY opportunity.score DESC, opportunity.listed_at DESC" in reads[0]
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 3, selects
