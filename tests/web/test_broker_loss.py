"""Redis away or forgetful, as a deployment meets it: the broker and the login-throttle store
point at a closed port (nothing listens on 127.0.0.1:1, so every connection is refused).

* Sign-in (page and token) and registration still answer: throttling falls back to counting in
  this process, with a warning in the log, and still refuses the attempt after the limit.
* Changes commit and say "匹配将稍后进行" (page flash, API `notice`) instead of a 500, and no
  page or answer names the broker's address.
* Matching lost with the broker (a Redis restart without persistence) is found again: the beat
  job re-queues needs left pending or running past MATCHING_PENDING_TIMEOUT, and a reviewer can
  re-queue a pending need by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import pytest
from sqlalchemy import select, update

from catalog.credit_code import make_credit_code
from catalog.models import Account, ApiToken, Need, Organization
from tests.web.test_org import REG
from tests.web.web_world import ACCOUNTS, GONGBEI, PASSWORD, add_need, build_world, login
from web.api.tokens import hash_token
from web.extensions import limiter

CLOSED = "redis://127.0.0.1:1/0"
ADDRESS = "127.0.0.1:1"
LATER = "匹配将稍后进行"
LONG_AGO = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def broken(database_url, tmp_path):
    """The deployment's configuration with Redis unreachable for both the broker and the
    rate-limit store; errors answer as they would in production (no exception propagation)."""
    from catalog import schema
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": CLOSED,
            "API_LOGIN_LIMIT_USER": "3 per 15 minutes",
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
            "CELERY": {"broker_url": CLOSED, "result_backend": None, "task_always_eager": False},
        }
    )
    schema.upgrade(app.extensions["db"])
    build_world(app)
    yield app
    app.extensions["db"].dispose()
    limiter._storage_dead = False  # the limiter is one object for every app of the test run


def _token(app, label: str) -> dict[str, str]:  # noqa: ANN001
    token = f"test-{secrets.token_hex(8)}"
    with app.extensions["db"].session() as s:
        account = s.scalar(select(Account).where(Account.username == ACCOUNTS[label][0]))
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        s.add(
            ApiToken(account_id=account.id, token_hash=hash_token(token, app), expires_at=expires)
        )
    return {"Authorization": f"Bearer {token}"}


def _basic(username: str, password: str) -> dict[str, str]:
    import base64

    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def _shown(response) -> str:  # noqa: ANN001
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:500]
    assert ADDRESS not in body
    return body


def test_sign_in_counts_in_process_when_the_store_is_away(broken, caplog):
    client = broken.test_client()
    with caplog.at_level(logging.WARNING):
        r = client.post("/login", data={"username": "office_gb", "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("in-memory" in r.getMessage() for r in warnings), warnings

    api = broken.test_client()
    assert api.post("/api/v1/tokens", headers=_basic("reviewer_xz", PASSWORD)).status_code == 201
    # Still throttled, counted here: three failures for a username, then the fourth is refused.
    wrong = _basic("planner_city", "wrong-guess-123")
    for _ in range(3):
        failed = api.post("/api/v1/tokens", headers=wrong)
        assert failed.status_code == 401, _shown(failed)[:300]
    right = api.post("/api/v1/tokens", headers=_basic("planner_city", PASSWORD))
    assert right.status_code == 429 and ADDRESS not in right.get_data(as_text=True)


def test_registration_commits_and_says_matching_runs_later(broken):
    client = broken.test_client()
    r = client.post(
        "/org/register", data=dict(REG, credit_code=make_credit_code("52440402", "MJ777777"))
    )
    assert r.status_code == 302, _shown(r)[:500]
    with broken.extensions["db"].session() as s:
        assert s.scalar(select(Account.scope).where(Account.username == REG["username"]))
    assert LATER in _shown(client.get(r.headers["Location"]))


def test_profile_save_commits_and_says_matching_runs_later(broken):
    client = broken.test_client()
    login(client, "organization")
    data = {
        "name": "珠海市拱北乐龄长者服务中心",
        "org_type": "社会服务机构",
        "description": "为独居、空巢和高龄长者提供上门探访、助餐配送和心理慰藉。",
        "categories": ["居家养老"],
        "service_areas": [GONGBEI],
        "capacity": "6",
    }
    r = client.post("/org/profile", data=data)
    assert r.status_code == 302, _shown(r)[:500]
    with broken.extensions["db"].session() as s:
        assert s.get(Organization, "org-elder").capacity == 6
    assert LATER in _shown(client.get(r.headers["Location"]))


def test_approval_keeps_the_need_pending_and_never_shows_the_broker(broken):
    client = broken.test_client()
    login(client, "reviewer")
    r = client.post("/reviewer/needs/n-submitted/action/approve")
    assert r.status_code == 302, _shown(r)[:500]
    with broken.extensions["db"].session() as s:
        need = s.get(Need, "n-submitted")
        assert (need.status, need.match_status, need.match_error) == ("approved", "pending", None)
    assert "已批准，匹配将稍后进行" in _shown(client.get(r.headers["Location"]))

    r = client.post("/reviewer/needs/n-submitted/rematch")
    assert LATER in _shown(client.get(r.headers["Location"]))

    api = broken.test_client()
    r = api.post("/api/v1/needs/n-approved/list", headers=_token(broken, "office"))
    assert r.status_code == 200 and "notice" not in r.get_json()  # nothing to queue
    with broken.extensions["db"].session() as s:
        add_need(s, "n-new", GONGBEI, "submitted")
    r = api.post("/api/v1/needs/n-new/approve", headers=_token(broken, "reviewer"))
    body = _shown(r)
    assert r.status_code == 200, body[:500]
    assert r.get_json()["match_status"] == "pending" and r.get_json()["match_error"] is None
    assert r.get_json()["notice"] == {
        "code": "matching_deferred",
        "message": "Matching will run later.",
        "message_zh": "匹配将稍后进行。",
    }


# ------------------------------------------------------------------ matching lost, found again


@pytest.fixture
def queued(app, monkeypatch):
    """Needs handed to the broker (recorded instead of sent)."""
    sent: list[str] = []
    monkeypatch.setattr("web.tasks.match_need.delay", sent.append)
    return sent


def _stamp(app, need_id: str, when: dt.datetime, **values: object) -> None:  # noqa: ANN001
    with app.extensions["db"].session() as s:
        s.execute(update(Need).where(Need.id == need_id).values(updated_at=when, **values))


def test_needs_left_pending_past_the_timeout_are_queued_again(app, queued):
    from web.jobs.needs import requeue_stalled_matching

    build_world(app)
    with app.extensions["db"].session() as s:
        add_need(s, "n-running", GONGBEI, "listed", match_status="running")
        add_need(s, "n-closed", GONGBEI, "closed", match_status="pending")
    _stamp(app, "n-approved", LONG_AGO, match_status="pending", match_error="retrying: X")
    _stamp(app, "n-running", LONG_AGO)
    _stamp(app, "n-closed", LONG_AGO)  # not matchable any more: left alone
    _stamp(app, "n-listed", LONG_AGO)  # done long ago: nothing lost
    with app.extensions["db"].session() as s:
        s.get(Need, "n-submitted").match_status = "pending"  # not approved: no matching
        s.get(Need, "n-listed").match_status = "pending"  # pending, but just now
    app.config["MATCHING_PENDING_TIMEOUT"] = 600

    with app.app_context():
        assert requeue_stalled_matching() == ["n-approved", "n-running"]
    assert queued == ["n-approved", "n-running"]
    with app.extensions["db"].session() as s:
        need = s.get(Need, "n-running")
        assert (need.match_status, need.match_error) == ("pending", None)
    with app.app_context():  # re-queued: their clock starts again
        assert requeue_stalled_matching() == []
        assert requeue_stalled_matching(older_than=0) == ["n-approved", "n-listed", "n-running"]


def test_requeue_stops_while_the_broker_is_away(app, monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from web.jobs.needs import requeue_stalled_matching

    def away(_need_id: str) -> None:
        raise OperationalError(f"Error 111 connecting to {ADDRESS}. Connection refused.")

    monkeypatch.setattr("web.tasks.match_need.delay", away)
    build_world(app)
    for need_id in ("n-approved", "n-listed"):
        _stamp(app, need_id, LONG_AGO, match_status="pending")
    with app.app_context(), caplog.at_level(logging.WARNING, logger="web.jobs"):
        assert requeue_stalled_matching() == []
    assert sum("could not enqueue" in r.getMessage() for r in caplog.records) == 1
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-listed").match_status == "pending"  # waits for the next run


def test_reviewer_requeues_a_pending_need(app, client, queued):
    build_world(app)
    _stamp(app, "n-approved", LONG_AGO, match_status="pending")
    login(client, "reviewer")
    page = client.get("/reviewer/needs/n-approved").get_data(as_text=True)
    assert 'id="rematch"' in page
    r = client.post("/reviewer/needs/n-approved/rematch")
    assert r.status_code == 302 and queued == ["n-approved"]
    assert "已开始匹配" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert client.post("/reviewer/needs/n-submitted/rematch").status_code == 302
    assert queued == ["n-approved"]  # a need not approved is not matched
