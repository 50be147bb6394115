"""Celery for real: a Redis broker, worker subprocesses and PostgreSQL.

* approve → match → suggestions through the API, with matching done by a worker process, and a
  redelivered match task (at-least-once) that doubles nothing;
* a worker SIGKILLed in the middle of a reindex: the old index keeps serving, the task comes
  back to a restarted worker and completes, the new index holds every organization once.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from catalog.models import Need, Suggestion
from tests.integration.conftest import REDIS_URL, wait_for
from tests.web.api_world import GONGBEI, Api, add_org, build_world

pytestmark = pytest.mark.integration


def _need(app, need_id: str) -> Need:
    with app.extensions["db"].session() as s:
        return s.get(Need, need_id)


def _suggestion_orgs(app, need_id: str) -> list[str]:
    with app.extensions["db"].session() as s:
        return list(s.scalars(select(Suggestion.org_id).where(Suggestion.need_id == need_id)))


def _queue_empty() -> bool:
    client = redis.Redis.from_url(REDIS_URL)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def test_approve_match_suggestions_through_a_real_worker(live_app, workers):
    world = build_world(live_app)
    api = Api(live_app, live_app.test_client())
    need_id = world.needs["submitted"]
    workers.start()

    r = api.post("reviewer", f"/api/v1/needs/{need_id}/approve")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["match_status"] in ("pending", "running", "done")
    wait_for(lambda: _need(live_app, need_id).match_status == "done", 60, "matching by worker")

    body = api.get("reviewer", f"/api/v1/needs/{need_id}/suggestions").get_json()
    assert body["match_status"] == "done"
    orgs = [item["organization_id"] for item in body["items"]]
    assert orgs and len(orgs) == len(set(orgs))
    first = sorted(_suggestion_orgs(live_app, need_id))
    stamp = _need(live_app, need_id).matched_at

    # At-least-once delivery: the same task twice more (a redelivery) doubles nothing.
    from web.tasks import match_need

    with live_app.app_context():
        match_need.delay(need_id)
        match_need.delay(need_id)
    wait_for(
        lambda: (
            _queue_empty()
            and _need(live_app, need_id).matched_at != stamp
            and _need(live_app, need_id).match_status == "done"
        ),
        30,
        "redelivered matching",
    )
    time.sleep(0.5)  # the second task may still be finishing its commit
    wait_for(
        lambda: _queue_empty() and _need(live_app, need_id).match_status == "done",
        30,
        "queue drained",
    )
    again = sorted(_suggestion_orgs(live_app, need_id))
    assert again == first and len(again) == len(set(again))


def test_worker_killed_mid_reindex_old_index_serves_and_task_completes(live_app, workers):
    from matching.vectors.index import VectorIndex
    from matching.vectors.index_store import load_current, read_state
    from web import tasks
    from web.jobs.index import rebuild_index

    build_world(live_app)
    index_dir = Path(live_app.config["MATCHING_INDEX_DIR"])
    with live_app.app_context():
        rebuild_index()  # version 1, built in this process
    old = VectorIndex.load(index_dir)
    assert old is not None and len(old) == 2

    db = live_app.extensions["db"]
    with db.session() as s:  # the catalog changes: the index is now stale
        add_org(s, "o3", 3, ["居家养老"], [GONGBEI])

    slow = workers.start(pause=30, name="slow")
    with live_app.app_context():
        tasks.reindex.delay()
    wait_for(
        lambda: (
            read_state(index_dir, "reindex").get("pid") == slow.pid
            and read_state(index_dir, "reindex").get("state") == "running"
        ),
        30,
        "reindex running in the slow worker",
        alive=slow,
    )
    time.sleep(1.0)  # building / paused before the swap
    workers.kill(slow)

    served = load_current(index_dir)
    assert served is not None and served.catalog_version == old.catalog_version
    assert sorted(served.rev) == ["o1", "o2"]

    fresh = workers.start(pause=0.2, name="fresh")
    wait_for(
        lambda: (
            read_state(index_dir, "reindex").get("state") == "done"
            and read_state(index_dir, "reindex").get("pid") == fresh.pid
        ),
        60,
        "reindex redelivered and completed",
        alive=fresh,
    )
    idx = load_current(index_dir)
    assert idx is not None and idx.catalog_version != old.catalog_version
    assert sorted(idx.rev) == ["o1", "o2", "o3"]  # nothing lost
    assert len(idx.ids) == len(set(idx.ids.values())) == idx.index.ntotal  # nothing doubled
    assert not list(index_dir.glob(".*.tmp"))  # the killed writer's leftovers are gone
    with db.session() as s:
        from catalog.models import Organization

        assert s.scalar(select(func.count()).select_from(Organization)) == 3
    wait_for(_queue_empty, 10, "queue drained")
