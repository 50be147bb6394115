"""Sampled inspections on the reviewer's pages: draw, see the draw with its seed and population,
record a result that lands in the organization's credit archive, and the refusals (bad share,
another area, a result twice) as messages or 404, never 5xx; reads of the pages are on record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.inspections import sample
from catalog.models import CreditEvent, InspectionDraw, InspectionItem, ReadEvent
from tests.web.web_world import add_outcomes, build_world, login


@pytest.fixture
def world(app):
    """Projects of 拱北 (Xiangzhou): n-matched and n-closed, org-elder confirmed on both."""
    w = build_world(app)
    add_outcomes(app)
    return w


def _draws(app) -> list[InspectionDraw]:
    with app.extensions["db"].session() as s:
        return list(s.scalars(select(InspectionDraw)))


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash (\w+)" role="status">([^<]*)</p>', html)


def test_reviewer_draws_and_records_a_result(app, client, world):
    login(client, "reviewer")
    page = client.get("/reviewer/inspections?lang=zh_Hans_CN").get_data(as_text=True)
    assert 'href="/reviewer/inspections"' in page  # in the header
    eligible = int(re.search(r'id="eligible">辖区内有(\d+)个项目', page).group(1))
    assert eligible >= 2
    r = client.post("/reviewer/inspections", data={"rate": "100"})
    assert r.status_code == 302
    (draw,) = _draws(app)
    assert r.headers["Location"].endswith(f"/reviewer/inspections/{draw.id}")
    assert [tuple(p) for p in draw.population] == sample(
        [tuple(p) for p in draw.population], 1.0, draw.seed
    )
    detail = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f'id="draw-seed">{draw.seed}<' in detail
    assert "n-closed/org-elder" in detail  # the population, to recompute the draw
    assert "香洲区民政局" in detail  # the default authority of the reviewer's area
    assert "reviewer_xz" not in detail.split('id="draw-facts"')[1].split("</dl>")[0]  # a name
    with app.extensions["db"].session() as s:
        item = s.scalars(select(InspectionItem).where(InspectionItem.need_id == "n-closed")).one()
    url = f"/reviewer/inspections/{draw.id}/items/{item.id}"
    r = client.post(url, data={"result": "fail", "source": "香洲区民政局", "note": "台账不全"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#item-{item.id}")
    with app.extensions["db"].session() as s:
        warning = s.scalars(select(CreditEvent).where(CreditEvent.kind == "warning")).one()
        assert warning.org_id == "org-elder" and "台账不全" in warning.note
    again = client.post(
        url, data={"result": "pass", "source": "香洲区民政局"}, follow_redirects=True
    )
    assert ("error", "该项目的抽查结果已登记，不能重复登记或修改") in _flashes(
        again.get_data(as_text=True)
    )
    org_page = client.get("/reviewer/orgs/org-elder").get_data(as_text=True)
    assert "台账不全" in org_page  # the archive shows the inspection's warning
    with app.extensions["db"].session() as s:
        reads = s.scalars(
            select(ReadEvent.entity_id).where(ReadEvent.entity_type == "inspection_draw")
        ).all()
    assert str(draw.id) in reads


@pytest.mark.parametrize("rate", ["0", "abc", "150%", ""])
def test_a_bad_share_is_a_message_naming_it(app, client, world, rate):
    login(client, "reviewer")
    r = client.post("/reviewer/inspections", data={"rate": rate}, follow_redirects=True)
    assert r.status_code == 200
    (flash,) = _flashes(r.get_data(as_text=True))
    assert flash[0] == "error" and "抽查比例" in flash[1]
    assert _draws(app) == []


def test_other_areas_and_roles(app, client, world):
    login(client, "reviewer")
    client.post("/reviewer/inspections", data={"rate": "50"})
    (draw,) = _draws(app)
    client.post("/logout")
    login(client, "office")
    assert client.get("/reviewer/inspections").status_code == 403
    assert client.post("/reviewer/inspections", data={"rate": "20"}).status_code == 403
    client.post("/logout")
    login(client, "reviewer")
    assert client.get("/reviewer/inspections/999999").status_code == 404
    assert client.post(f"/reviewer/inspections/{draw.id}/items/999999", data={}).status_code == 404


def test_result_form_never_answers_5xx(app, client, world):
    login(client, "reviewer")
    drawn = client.post("/reviewer/inspections", data={"rate": "100"}, follow_redirects=True)
    assert _flashes(drawn.get_data(as_text=True))[0][0] == "success"
    (draw,) = _draws(app)
    item = draw.items[0]
    url = f"/reviewer/inspections/{draw.id}/items/{item.id}"
    for data in (
        {},
        {"result": "maybe", "source": "x"},
        {"result": "pass", "source": ""},
        {"result": "pass", "source": "民" * 500},
        {"result": "pass", "source": "x", "note": "长" * 5000},
    ):
        r = client.post(url, data=data, follow_redirects=True)
        assert r.status_code == 200, data
        assert _flashes(r.get_data(as_text=True))[0][0] == "error", data
    with app.extensions["db"].session() as s:
        assert s.get(InspectionItem, item.id).result is None
        assert s.scalars(select(CreditEvent).where(CreditEvent.kind == "warning")).all() == []
