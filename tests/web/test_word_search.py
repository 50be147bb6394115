"""Word search on the demo's public list (issue 13): colloquial phrases, words apart, Traditional
input and category names find the needs people mean; LIKE wildcards are literal."""

from __future__ import annotations

import pytest

from catalog.demo import load_demo


@pytest.fixture
def demo(app):
    with app.extensions["db"].session() as session:
        load_demo(session, hash_password=lambda p: f"hashed:{p}")


def found(client, q: str) -> set[str]:
    body = client.get("/api/v1/public/needs", query_string={"q": q, "limit": 100}).get_json()
    return {item["id"] for item in body["items"]}


@pytest.mark.parametrize("q", ["吃饭难", "独居 吃饭", "獨居 吃飯", "居家养老"])
def test_demo_phrases_find_the_lonely_elders_meals(client, demo, q):
    assert "demo-need-01" in found(client, q)


def test_category_name_finds_needs_of_that_category(client, demo, app):
    from catalog.models import Need

    with app.extensions["db"].session() as session:
        need = session.get(Need, "demo-need-08")
        need.category_name = "卫生健康"
    assert "demo-need-08" in found(client, "卫生健康")


def test_unrelated_words_find_nothing_and_wildcards_are_literal(client, demo):
    assert found(client, "火箭发射") == set()
    assert found(client, "%") == set() and found(client, "_") == set()


def test_the_public_board_uses_the_same_search(client, demo):
    page = client.get("/", query_string={"q": "独居 吃饭"}).get_data(as_text=True)
    assert "独居老人吃饭成问题" in page
    assert "台风季低洼社区老是水浸" not in page
