"""Web processes never load the matcher (issue 14): every page and API answer, the planner's
included, is served from what the workers computed and stored.

The app here is configured as a deployment with a broker (tasks are queued, not run inline),
and every way of getting a matcher is replaced by one that records the call and raises; then
every GET route is opened by every role, and the planner's recompute button is pressed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from catalog import schema
from tests.conftest import _fresh_url
from tests.web.api_world import World, build_world
from tests.web.test_access import ROLES, RULES, _client, samples

BUILT: list[str] = []


def _no_matcher(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    BUILT.append("matcher")
    raise RuntimeError("a web request built a matcher")


@pytest.fixture(scope="module")
def queued_app(tmp_path_factory) -> Iterator[tuple[Flask, World]]:
    from web import create_app
    from web.config import DEFAULTS

    tmp = tmp_path_factory.mktemp("no-matcher")
    urls = _fresh_url(tmp)
    celery = dict(DEFAULTS["CELERY"], broker_url="memory://", task_always_eager=False)
    settings = dict(TESTING=True, SECRET_KEY="test", WTF_CSRF_ENABLED=False, CELERY=celery)
    settings.update(RATELIMIT_ENABLED=False, MATCHING_INDEX_DIR=str(tmp / "index"))
    app = create_app({**settings, "DATABASE_URL": next(urls)})
    schema.upgrade(app.extensions["db"])
    world = build_world(app)
    yield app, world
    app.extensions["db"].dispose()
    next(urls, None)


@pytest.fixture
def no_matcher(queued_app, monkeypatch) -> Iterator[tuple[Flask, World, list[tuple]]]:
    """Every road to a matcher records and raises; queued tasks are recorded, not run."""
    from matching import facade, operations, service
    from web import tasks

    app, world = queued_app
    for module, name in (
        (facade, "build_matcher"),
        (facade, "shared_matcher"),
        (service, "build_matcher"),
        (operations, "live_matcher"),
    ):
        monkeypatch.setattr(module, name, _no_matcher)
    monkeypatch.setitem(app.config, "MATCHER_FACTORY", _no_matcher)
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.refresh_action_plan, "delay", lambda *a: queued.append(a))
    BUILT.clear()
    yield app, world, queued
    BUILT.clear()


def _get_all(app: Flask, world: World) -> list[str]:
    """Open every GET route as every role; the routes that answered with a server error."""
    from flask import url_for

    errors = []
    for endpoint, rule, method in RULES:
        if method != "GET":
            continue
        args = set(app.url_map._rules_by_endpoint[endpoint][0].arguments)
        for role in ROLES:
            values = samples(world, endpoint, role)
            with app.test_request_context():
                url = url_for(endpoint, **{k: values[k] for k in args})
            client, headers = _client(app, world, role, rule.startswith("/api/"))
            status = client.get(url, headers=headers).status_code
            if status >= 500:
                errors.append(f"{role} GET {url}: {status}")
    return errors


def test_no_page_or_api_builds_a_matcher(no_matcher):
    app, world, queued = no_matcher
    assert _get_all(app, world) == []
    assert BUILT == []
    assert queued, "the planner pages asked the workers for the missing plan"


def test_planner_reads_the_stored_plan_and_shows_its_state(no_matcher, monkeypatch):
    """No plan: "being computed" on the page and in the API; once a worker stored one, its time;
    the recompute button queues a forced recompute. None of it builds a matcher."""
    from tests.web.api_world import bearer, mint_token
    from web.jobs.planning import refresh_action_plan

    app, world, queued = no_matcher
    client, _ = _client(app, world, "planner", api=False)
    page = client.get("/planner/actions").get_data(as_text=True)
    api = app.test_client().get(
        "/api/v1/planner/actions", headers=bearer(mint_token(app, "planner"))
    )
    assert 'id="plan-computing"' in page or 'id="plan-computed-at"' in page
    assert set(api.get_json()) == {"items", "computed_at", "pending"}

    with app.app_context():  # what the worker does (here with the recorded-categories stand-in)
        assert refresh_action_plan(force=True) is True
        assert refresh_action_plan() is False  # nothing moved: nothing to compute
    BUILT.clear()
    page = client.get("/planner/actions").get_data(as_text=True)
    assert 'id="plan-computed-at"' in page and 'id="plan-computing"' not in page
    body = (
        app.test_client()
        .get("/api/v1/planner/actions", headers=bearer(mint_token(app, "planner")))
        .get_json()
    )
    assert body["computed_at"] and body["pending"] is False

    queued.clear()
    r = client.post("/planner/actions/recompute")
    assert r.status_code == 302 and r.headers["Location"].endswith("/planner/actions")
    assert queued == [(True,)]
    assert BUILT == []
