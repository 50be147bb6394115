"""Calibrated suggestions on the pages and in the API: likely ones first, the rest folded
behind "其他候选（N）", 匹配度 as 高 / 中 / 低 with the percentage (never the raw score), and
"类别不确定" with the two most likely categories for the office and the reviewer."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import Need, Suggestion
from tests.web.api_world import Api
from tests.web.web_world import build_world, login


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.extensions["db"].session() as s:
        for row in s.scalars(select(Suggestion).where(Suggestion.need_id == "n-approved")):
            row.probability, row.likely = (
                (0.87, True) if row.org_id == "org-meal" else (0.12, False)
            )
    return world


def _cards(html: str) -> list[str]:
    return re.findall(r'class="card suggestion[^"]*" id="suggestion-\d+" data-org="([^"]+)"', html)


def test_office_page_shows_likely_first_and_folds_the_rest(client, world):
    login(client, "office")
    page = client.get("/office/needs/n-approved").get_data(as_text=True)
    assert _cards(page) == ["org-meal", "org-elder"]  # likely first, though ranked second
    folded = page.split('<details id="other-suggestions">', 1)
    assert len(folded) == 2 and "其他候选（1）" in folded[1]
    assert 'data-org="org-elder"' in folded[1] and 'data-org="org-meal"' not in folded[1]
    assert "匹配度 高 87%" in page and "匹配度 低 12%" in page
    assert "匹配分" not in page


def test_english_and_traditional_levels(client, world):
    login(client, "office")
    en = client.get("/office/needs/n-approved?lang=en").get_data(as_text=True)
    assert "Match High 87%" in en and "Other candidates (1)" in en
    hant = client.get("/office/needs/n-approved?lang=zh_Hant_TW").get_data(as_text=True)
    assert "其他候選（1）" in hant and "匹配度 高 87%" in hant


def test_uncertain_category_prompt_for_office_and_reviewer(app, client, world):
    with app.extensions["db"].session() as s:
        n = s.get(Need, "n-approved")
        n.category_source = "model"
        n.category_choices = [["居家养老", 0.41], ["社区助餐", 0.33]]
    for who in ("office", "reviewer"):
        login(client, who)
        page = client.get(f"/{who}/needs/n-approved").get_data(as_text=True)
        assert "类别不确定" in page, who
        assert re.findall(r'data-category="([^"]+)"', page) == ["居家养老", "社区助餐"]
        assert "41%" in page
        client.get("/logout")


def test_no_prompt_when_a_person_chose_the_category(app, client, world):
    with app.extensions["db"].session() as s:
        n = s.get(Need, "n-approved")
        n.category_choices = [["居家养老", 0.41], ["社区助餐", 0.33]]  # category_source office
    login(client, "office")
    assert "类别不确定" not in client.get("/office/needs/n-approved").get_data(as_text=True)


def test_api_items_carry_probability_and_likely(app, client, world):
    items = Api(app, client).get("office", "/api/v1/needs/n-approved/suggestions").get_json()
    by_org = {i["organization_id"]: i for i in items["items"]}
    assert by_org["org-meal"]["probability"] == 0.87 and by_org["org-meal"]["likely"] is True
    assert by_org["org-elder"]["probability"] == 0.12 and by_org["org-elder"]["likely"] is False
