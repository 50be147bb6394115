"""Redis restarted without persistence, for real: a need approved while no worker runs has its
task in Redis; the queue is wiped (what a restart without persistence does); the need stays
pending. The beat job's function re-queues it and a worker started afterwards matches it."""

from __future__ import annotations

import pytest
import redis

from catalog.models import Need
from tests.integration.conftest import REDIS_URL, wait_for
from tests.web.api_world import Api, build_world

pytestmark = pytest.mark.integration


def _status(app, need_id: str) -> str | None:  # noqa: ANN001
    with app.extensions["db"].session() as s:
        return s.get(Need, need_id).match_status


def test_matching_lost_with_the_queue_is_queued_again(live_app, workers):
    from web.jobs.needs import requeue_stalled_matching

    world = build_world(live_app)
    need_id = world.needs["submitted"]
    r = Api(live_app, live_app.test_client()).post("reviewer", f"/api/v1/needs/{need_id}/approve")
    assert r.status_code == 200 and "notice" not in r.get_json()  # queued in Redis
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.llen("celery") == 1
    broker.flushdb()  # the restart: the queued task is gone
    assert _status(live_app, need_id) == "pending"

    with live_app.app_context():
        assert requeue_stalled_matching() == []  # younger than the timeout: left alone
        assert requeue_stalled_matching(older_than=0) == [need_id]
    assert broker.llen("celery") == 1
    workers.start()
    wait_for(lambda: _status(live_app, need_id) == "done", 60, "the re-queued matching")
