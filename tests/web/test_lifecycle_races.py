"""Two lifecycle actions on one need at once: exactly one wins, the other is told to refresh,
and an approval starts matching once (issue 17, finding 2).

The sequential test runs everywhere: a need read before someone else's decision is stale, and
acting on it is a conflict, not a silent overwrite. The threaded tests need a server database
(SQLite serializes writers by itself): two reviewers acting through the API or the domain
function at the same moment, as the hostile review did on PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from catalog.actors import Actor
from catalog.errors import Conflict, DomainError
from catalog.lifecycle import transition
from catalog.models import AuditEvent, Need
from tests.web.api_world import (
    GONGBEI,
    PASSWORD,
    XIANGZHOU,
    bearer,
    build_world,
    mint_token,
)
from tests.web.web_world import add_need

server_database = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="true concurrency needs a server database",
)
REVIEWER = Actor("reviewer_xz", "reviewer", XIANGZHOU)
ADMIN = Actor("admin", "admin", None)
ROUNDS = 4  # the race was won by both sides 6 times out of 6; a few rounds make it certain
BODIES = {"approve": {}, "return": {"reason": "请补充预算说明"}}


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def enqueued(monkeypatch) -> list[str]:
    """Needs handed to the matcher (counted instead of matched)."""
    calls: list[str] = []
    monkeypatch.setattr(
        "web.tasks.match_need.delay", calls.append
    )  # what enqueue_after_commit sends
    return calls


def _submitted_needs(app, count: int) -> list[str]:
    ids = [f"n-race-{i}" for i in range(count)]
    with app.extensions["db"].session() as session:
        for need_id in ids:
            add_need(session, need_id, GONGBEI, "submitted")
    return ids


def _audited(app, need_id: str) -> list[str]:
    with app.extensions["db"].session() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "need", AuditEvent.entity_id == need_id)
                .order_by(AuditEvent.id)
            )
        )


def _state(app, need_id: str) -> tuple[str, str | None]:
    with app.extensions["db"].session() as session:
        need = session.get(Need, need_id)
        return need.status, need.return_reason


def _check_one_winner(app, need_id: str, winner: str) -> None:
    """The need is exactly what the winning action made it, audited once."""
    status, reason = _state(app, need_id)
    assert (status, reason) == (
        ("approved", None) if winner == "approve" else ("returned", "请补充预算说明")
    )
    assert _audited(app, need_id) == [f"need.{winner}"]


def test_acting_on_a_need_read_before_another_decision_is_a_conflict(app, world):
    """Two reviewers opened the same submitted need; the first approves. The second one's
    return, made on what it read before, is refused with a refresh message."""
    db = app.extensions["db"]
    with db.session() as first, db.session() as second:
        mine, theirs = first.get(Need, world.needs["submitted"]), second.get(Need, "n-submitted")
        assert mine.status == theirs.status == "submitted"
        first.commit()
        second.commit()  # the read is over; the object stays in memory as it was read
        transition(first, mine, "approve", REVIEWER)
        first.commit()
        with pytest.raises(Conflict) as refused:
            transition(second, theirs, "return", ADMIN, reason="请补充预算说明")
        second.rollback()
    assert "刷新" in refused.value.zh and "refresh" in refused.value.en
    assert "已批准" in refused.value.zh  # says what the need has become
    _check_one_winner(app, "n-submitted", "approve")


def _race(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together; each result or raised exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - the race's outcome is what is checked
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _api_action(app, token: str, need_id: str, action: str) -> Callable[[], object]:
    def call() -> object:
        client = app.test_client()
        r = client.post(
            f"/api/v1/needs/{need_id}/{action}", json=BODIES[action], headers=bearer(token)
        )
        return r.status_code, r.get_json()

    return call


@server_database
@pytest.mark.parametrize("actions", [("approve", "return"), ("approve", "approve")])
def test_api_two_reviewers_at_once_one_wins(app, world, enqueued, actions):
    tokens = [mint_token(app, "reviewer"), mint_token(app, "admin")]
    approved: list[str] = []
    for need_id in _submitted_needs(app, ROUNDS):
        results = _race(
            [_api_action(app, t, need_id, a) for t, a in zip(tokens, actions, strict=True)]
        )
        statuses = sorted(r[0] for r in results)  # type: ignore[index]
        assert statuses == [200, 409], results
        winner = next(a for a, r in zip(actions, results, strict=True) if r[0] == 200)  # type: ignore[index]
        loser = next(r[1] for r in results if r[0] == 409)  # type: ignore[index]
        assert loser["error"]["code"] in ("conflict", "illegal_transition")
        _check_one_winner(app, need_id, winner)
        if winner == "approve":
            approved.append(need_id)
    assert enqueued == approved  # matching starts once per approved need, never twice


@server_database
@pytest.mark.parametrize("actions", [("approve", "return"), ("approve", "approve")])
def test_domain_two_decisions_on_what_both_read_one_wins(app, world, actions):
    """Both reviewers have read the submitted need before either decides (a barrier between
    reading and deciding): the loser waits for the winner's row lock, then sees the decision."""
    db = app.extensions["db"]
    for need_id in _submitted_needs(app, ROUNDS):
        barrier = threading.Barrier(2)

        def decide(
            action: str, who: Actor, need_id: str = need_id, barrier: threading.Barrier = barrier
        ) -> str:
            with db.session() as session:
                need = session.get(Need, need_id)
                assert need is not None and need.status == "submitted"
                barrier.wait()
                transition(session, need, action, who, reason=BODIES[action].get("reason"))
            return action

        results = _race(
            [lambda a=a, w=w: decide(a, w) for a, w in zip(actions, (REVIEWER, ADMIN), strict=True)]
        )
        winners = [r for r in results if isinstance(r, str)]
        losers = [r for r in results if isinstance(r, DomainError)]
        assert len(winners) == 1 and len(losers) == 1, results
        assert isinstance(losers[0], Conflict) and "刷新" in losers[0].zh
        _check_one_winner(app, need_id, winners[0])


def _page_action(client, need_id: str, action: str) -> Callable[[], object]:
    def call() -> object:
        r = client.post(
            f"/reviewer/needs/{need_id}/action/{action}",
            data=BODIES[action],
            headers={"Accept-Language": "zh-CN"},
        )
        page = client.get(r.headers["Location"]).get_data(as_text=True)
        return "flash error" in page, page

    return call


@server_database
def test_pages_two_reviewers_at_once_one_is_told_to_refresh(app, world, enqueued):
    """The same race on the reviewer's pages: one success message, one refusal message."""
    clients = [app.test_client(), app.test_client()]
    for client, username in zip(clients, ("reviewer_xz", "admin"), strict=True):
        r = client.post("/login", data={"username": username, "password": PASSWORD})
        assert r.status_code == 302
    for need_id in _submitted_needs(app, ROUNDS):
        actions = ("approve", "return")
        results = _race(
            [_page_action(c, need_id, a) for c, a in zip(clients, actions, strict=True)]
        )
        refused = [r[1] for r in results if r[0]]  # type: ignore[index]
        assert len(refused) == 1, [r[0] for r in results]  # type: ignore[index]
        assert "刷新" in refused[0] or "不能" in refused[0]
        winner = next(a for a, r in zip(actions, results, strict=True) if not r[0])  # type: ignore[index]
        _check_one_winner(app, need_id, winner)
