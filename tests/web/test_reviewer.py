"""Reviewer journey: the queue in scope, approve (which runs the real matcher, eagerly) or
return with a reason, and the matching state shown on the page including failures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import Need, Suggestion
from tests.web.web_world import build_world, login


@pytest.fixture
def world(app):
    return build_world(app)


def test_queue_is_scoped(app, client, world):
    login(client, "reviewer")  # 香洲区
    page = client.get("/reviewer/").get_data(as_text=True)
    assert "n-submitted" in page and "n-other_submitted" in page
    assert "n-draft" not in page
    assert client.get("/reviewer/needs/n-draft").status_code == 404


def test_reviewer_of_another_district_sees_nothing(app, client, world):
    from catalog.actors import Actor
    from catalog.commands.accounts import create_account
    from web.access.auth import hash_password

    with app.extensions["db"].session() as s:
        create_account(
            s,
            Actor.system(),
            username="rev_doumen",
            role="reviewer",
            scope="440403",
            password_hash=hash_password("correct-horse-42"),
        )
    client.post("/login", data={"username": "rev_doumen", "password": "correct-horse-42"})
    assert "n-submitted" not in client.get("/reviewer/").get_data(as_text=True)
    assert client.get("/reviewer/needs/n-submitted").status_code == 404
    assert client.post("/reviewer/needs/n-submitted/action/approve").status_code == 404


def test_approve_runs_matching(app, client, world):
    login(client, "reviewer")
    r = client.post("/reviewer/needs/n-submitted/action/approve", data={"category": "居家养老"})
    assert r.status_code == 302
    with app.extensions["db"].session() as s:
        need = s.get(Need, "n-submitted")
        assert need.status == "approved" and need.match_status == "done"
        orgs = list(
            s.scalars(
                select(Suggestion.org_id)
                .where(Suggestion.need_id == need.id)
                .order_by(Suggestion.rank)
            )
        )
    assert orgs[0] in ("org-elder", "org-meal")
    page = client.get("/reviewer/needs/n-submitted").get_data(as_text=True)
    assert 'data-state="done"' in page and 'http-equiv="refresh"' not in page
    assert "服务范围" in page  # a reason from the matcher


def test_pending_page_refreshes(app, client, world):
    with app.extensions["db"].session() as s:
        s.get(Need, "n-approved").match_status = "running"
    login(client, "office")
    page = client.get("/office/needs/n-approved").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and 'data-state="running"' in page


def test_matching_failure_is_shown(app, client, world):
    def broken(_session):
        raise RuntimeError("index unavailable")

    app.config["MATCHER_FACTORY"] = broken
    login(client, "reviewer")
    client.post("/reviewer/needs/n-submitted/action/approve")
    with app.extensions["db"].session() as s:
        need = s.get(Need, "n-submitted")
        assert need.status == "approved" and need.match_status == "failed"
        assert "index unavailable" in need.match_error
    page = client.get("/reviewer/needs/n-submitted").get_data(as_text=True)
    assert 'data-state="failed"' in page
    app.config["MATCHER_FACTORY"] = None
    client.post("/reviewer/needs/n-submitted/rematch")
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-submitted").match_status == "done"


def test_return_requires_reason(app, client, world):
    login(client, "reviewer")
    client.post("/reviewer/needs/n-submitted/action/return")
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-submitted").status == "submitted"
    client.post("/reviewer/needs/n-submitted/action/return", data={"reason": "预算说明不足"})
    with app.extensions["db"].session() as s:
        need = s.get(Need, "n-submitted")
        assert need.status == "returned" and need.return_reason == "预算说明不足"
    login(client, "office")
    assert "预算说明不足" in client.get("/office/needs/n-submitted").get_data(as_text=True)


def test_office_cannot_review(client, world):
    login(client, "office")
    assert client.get("/reviewer/").status_code == 403
    assert client.post("/reviewer/needs/n-submitted/action/approve").status_code == 403
