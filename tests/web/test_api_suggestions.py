"""Suggestions and the human decision: who sees which, confirm/reject with a version, and the
race of two people deciding the same suggestion (one wins, the other gets 409)."""

from __future__ import annotations

import os
import threading

import pytest

from catalog.models import AuditEvent, Suggestion
from tests.web.api_world import (
    Api,
    assert_json_error,
    bearer,
    build_world,
    mint_token,
    statements_run,
)


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


def test_office_sees_every_suggestion_with_version(api, world):
    r = api.get("office", f"/api/v1/needs/{world.needs['approved']}/suggestions")
    items = r.get_json()["items"]
    assert [(s["organization_id"], s["status"], s["version"]) for s in items] == [
        ("o1", "suggested", 1),
        ("o2", "suggested", 1),
    ]
    assert set(items[0]) >= {"id", "organization_id", "score", "reasons", "status", "version"}
    assert items[0]["reasons"][0]["kind"] == "category"


def test_others_see_only_confirmed_and_only_once_listed(api, world):
    approved = f"/api/v1/needs/{world.needs['approved']}/suggestions"
    assert_json_error(api.get("organization", approved), 404)
    listed = f"/api/v1/needs/{world.needs['listed']}/suggestions"
    items = api.get("organization", listed).get_json()["items"]
    assert [(s["organization_id"], s["status"]) for s in items] == [("o1", "confirmed")]
    assert "decision_reason" not in items[0]
    reviewer = api.get("reviewer", listed).get_json()["items"]
    assert {s["status"] for s in reviewer} == {"confirmed", "rejected"}


def test_confirm_and_reject(api, world):
    s1, s2 = world.suggestions["approved_o1"], world.suggestions["approved_o2"]
    r = api.post("office", f"/api/v1/suggestions/{s1}/confirm", json={"version": 1})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "confirmed" and r.get_json()["version"] == 2
    assert r.get_json()["decided_by"] == "office_gb"
    error = assert_json_error(
        api.post("office", f"/api/v1/suggestions/{s2}/reject", json={"version": 1}), 422
    )
    assert error["fields"][0]["field"] == "reason"
    assert_json_error(
        api.post("office", f"/api/v1/suggestions/{s2}/reject", json={"version": 1, "reason": " "}),
        422,
    )
    r = api.post(
        "office",
        f"/api/v1/suggestions/{s2}/reject",
        json={"version": 1, "reason": "服务范围不覆盖本街道"},
    )
    assert r.get_json()["status"] == "rejected"
    assert r.get_json()["decision_reason"] == "服务范围不覆盖本街道"


def test_stale_version_and_already_decided_are_409(api, world):
    s1 = world.suggestions["approved_o1"]
    url = f"/api/v1/suggestions/{s1}/confirm"
    error = assert_json_error(api.post("office", url, json={"version": 7}), 409, "conflict")
    assert "刷新" in error["message_zh"]
    assert api.post("office", url, json={"version": 1}).status_code == 200
    assert_json_error(api.post("office", url, json={"version": 1}), 409, "conflict")
    error = assert_json_error(api.post("office", url, json={"version": 2}), 409, "conflict")
    assert "already" in error["message"]


def test_who_may_decide(api, world):
    url = f"/api/v1/suggestions/{world.suggestions['approved_o1']}/confirm"
    for who in ("reviewer", "organization", "planner"):
        assert_json_error(api.post(who, url, json={"version": 1}), 403)
    assert_json_error(api.post("office_out", url, json={"version": 1}), 404)
    assert_json_error(
        api.post("office", "/api/v1/suggestions/999999/confirm", json={"version": 1}), 404
    )
    assert_json_error(
        api.post("office", "/api/v1/suggestions/99999999999999/confirm", json={"version": 1}), 404
    )


def test_decision_input_is_checked(api, world):
    url = f"/api/v1/suggestions/{world.suggestions['approved_o1']}/confirm"
    assert_json_error(api.post("office", url), 415)
    assert_json_error(api.post("office", url, json={}), 422)
    for version in ("1", 1.5, True, None, [1], -3, 2**40):
        error = assert_json_error(api.post("office", url, json={"version": version}), 422)
        assert error["fields"][0]["field"] == "version"
    assert_json_error(api.post("office", url, data="{nope", content_type="application/json"), 400)
    assert_json_error(api.post("office", url, json=[1]), 422)


def test_two_offices_decide_at_once_sequentially(app, world):
    """Two clients read version 1; the first decision wins, the second gets 409."""
    s1 = world.suggestions["approved_o1"]
    first, second = app.test_client(), app.test_client()
    t1, t2 = mint_token(app, "office"), mint_token(app, "admin")
    a = first.post(f"/api/v1/suggestions/{s1}/confirm", json={"version": 1}, headers=bearer(t1))
    b = second.post(
        f"/api/v1/suggestions/{s1}/reject",
        json={"version": 1, "reason": "重复"},
        headers=bearer(t2),
    )
    assert (a.status_code, b.status_code) == (200, 409)
    with app.extensions["db"].session() as session:
        assert session.get(Suggestion, s1).status == "confirmed"


@pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="true concurrency needs a server database",
)
def test_concurrent_decisions_record_exactly_one(app, world):
    """Threads racing on one suggestion: exactly one 200, the rest 409, one audit event."""
    s1 = world.suggestions["approved_o1"]
    tokens = [mint_token(app, "office") for _ in range(6)]
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = []

    def decide(i: int, token: str) -> None:
        client = app.test_client()
        body = {"version": 1} if i % 2 else {"version": 1, "reason": "并发测试"}
        action = "confirm" if i % 2 else "reject"
        barrier.wait()
        r = client.post(f"/api/v1/suggestions/{s1}/{action}", json=body, headers=bearer(token))
        statuses.append(r.status_code)

    threads = [threading.Thread(target=decide, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [200] + [409] * (len(tokens) - 1), statuses
    with app.extensions["db"].session() as session:
        s = session.get(Suggestion, s1)
        assert s.version == 2
        events = (
            session.query(AuditEvent)
            .filter(AuditEvent.entity_type == "suggestion", AuditEvent.entity_id == str(s1))
            .count()
        )
        assert events == 1


@pytest.mark.parametrize("label", ["office", "reviewer", "organization", "planner", "admin"])
def test_list_matches_the_orm_serializer_for_every_role(app, api, world, label):
    """The column-only list says exactly what `suggestion_json` over
    `catalog.visibility.visible_suggestions` says, for every audience."""
    from catalog.actors import Actor
    from catalog.visibility import load_need, sees_unconfirmed, visible_suggestions
    from tests.web.api_world import ACCOUNTS
    from web.api.serialize import suggestion_json

    actor = Actor(*ACCOUNTS[label])
    for need_id in world.needs.values():
        r = api.get(label, f"/api/v1/needs/{need_id}/suggestions")
        with app.extensions["db"].session() as session:
            try:
                need = load_need(session, need_id, actor)
            except Exception:  # noqa: BLE001 - invisible: the API must say 404
                assert r.status_code == 404
                continue
            full = sees_unconfirmed(need, actor)
            expected = [suggestion_json(s, full) for s in visible_suggestions(session, need, actor)]
        assert r.status_code == 200 and r.get_json()["items"] == expected


def test_list_reads_suggestions_in_one_statement(app, client, world):
    """Token, then the need with its suggestions and their organization names: two SELECTs,
    not one per relation of each suggested organization (issue 14: the ORM loaded each
    organization's categories and areas on every request), nor one for the need and another
    for its suggestions."""
    token = mint_token(app, "office")
    path = f"/api/v1/needs/{world.needs['listed']}/suggestions"
    assert client.get(path, headers=bearer(token)).status_code == 200
    with statements_run(app) as statements:
        assert client.get(path, headers=bearer(token)).status_code == 200
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects
