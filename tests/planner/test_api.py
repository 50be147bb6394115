"""`GET /api/v1/gaps` and `GET /api/v1/gaps/needs`: shapes, filters, roles and scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import Account
from web.api.tokens import issue_token

from .conftest import BAITENG, GONGBEI, SANZAO, add_account


def token_for(app, username: str, role: str = "planner", scope: str | None = "440400") -> str:
    with app.app_context(), app.extensions["db"].session() as s:
        account = s.scalar(select(Account).where(Account.username == username))
        if account is None:
            account = add_account(s, username, role, scope)
        return issue_token(account)


def get(app, url: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return app.test_client().get(url, headers=headers)


def test_gaps_rows(planner_app):
    token = token_for(planner_app, "planner")
    rows = get(planner_app, "/api/v1/gaps", token).get_json()
    by_key = {(r["region"], r["category"]): r for r in rows}
    assert by_key[(BAITENG, "社区矫正")] == {
        "region": BAITENG,
        "category": "社区矫正",
        "needs": 2,
        "matched": 0,
        "unmet": 1,
        "reasons": {"no_service": 0, "no_coverage": 1, "no_capacity": 0},
    }
    assert by_key[(SANZAO, None)]["reasons"]["no_service"] == 1
    assert sum(r["unmet"] for r in rows) == 4
    assert all(
        set(r) == {"region", "category", "needs", "matched", "unmet", "reasons"} for r in rows
    )


@pytest.mark.parametrize(
    ("query", "regions"),
    [
        ("district=440403", {BAITENG}),
        (f"street={GONGBEI}", {GONGBEI}),
        ("category=居家养老", {GONGBEI, "440402004"}),
        ("level=district", {"440402", "440403", "440404"}),
        ("level=city", {"440400"}),
    ],
)
def test_gaps_filters(planner_app, query, regions):
    token = token_for(planner_app, "admin")
    rows = get(planner_app, f"/api/v1/gaps?{query}", token).get_json()
    assert {r["region"] for r in rows} == regions


def test_gap_needs(planner_app):
    token = token_for(planner_app, "planner")
    rows = get(planner_app, "/api/v1/gaps/needs", token).get_json()
    assert sorted(rows, key=lambda r: r["id"]) == [
        {"id": "n2", "street": GONGBEI, "category": "居家养老", "reason": "no_capacity"},
        {"id": "n3", "street": GONGBEI, "category": "心理咨询", "reason": "no_service"},
        {"id": "n5", "street": BAITENG, "category": "社区矫正", "reason": "no_coverage"},
        {"id": "n7", "street": SANZAO, "category": None, "reason": "no_service"},
    ]
    rows = get(
        planner_app, "/api/v1/gaps/needs?district=440402&category=心理咨询", token
    ).get_json()
    assert [r["id"] for r in rows] == ["n3"]


def test_scope_of_a_district_planner(planner_app):
    token = token_for(planner_app, "planner-dm")
    assert [r["id"] for r in get(planner_app, "/api/v1/gaps/needs", token).get_json()] == ["n5"]
    assert get(planner_app, "/api/v1/gaps?district=440402", token).get_json() == []


@pytest.mark.parametrize("url", ["/api/v1/gaps", "/api/v1/gaps/needs"])
def test_roles(planner_app, url):
    assert get(planner_app, url, None).status_code == 401
    assert get(planner_app, url, "not-a-token").status_code == 401
    r = get(planner_app, url, token_for(planner_app, "reviewer"))
    assert r.status_code == 403
    assert r.is_json
    office = token_for(planner_app, "office-gb", "office", GONGBEI)
    assert get(planner_app, url, office).status_code == 403
    assert get(planner_app, url, token_for(planner_app, "admin")).status_code == 200
