"""Background jobs in the default (eager) configuration: state recorded for the UI, transient
errors handed back to Celery for a retry, tasks queued only after the commit."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from catalog.models import Need
from tests.web.api_world import build_world
from web import jobs, tasks


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def delay(self, *args: object) -> None:
        self.calls.append(args)


def test_enqueue_after_commit_waits_for_the_commit_and_drops_on_rollback(app):
    task = Recorder()
    db = app.extensions["db"]
    session = db.Session()
    try:
        session.get(Need, "nope")  # opens a transaction
        jobs.enqueue_after_commit(session, task, "a")
        assert task.calls == []
        session.commit()
        assert task.calls == [("a",)]
        session.get(Need, "nope")
        jobs.enqueue_after_commit(session, task, "b")
        session.rollback()
        session.get(Need, "nope")
        session.commit()
        assert task.calls == [("a",)]
    finally:
        session.close()


def test_reindex_task_records_its_state(app):
    from matching.vectors.index_store import load_current, read_state

    app.config["MATCHING_ENCODER"] = "tests.integration.fakes:make"
    build_world(app)
    with app.app_context():
        tasks.reindex.delay()
        tasks.ensure_index.delay()  # fresh: nothing to do
    state = read_state(app.config["MATCHING_INDEX_DIR"], "reindex")
    assert state["state"] == "done" and state["result"]["status"] == "fresh"
    assert len(load_current(app.config["MATCHING_INDEX_DIR"])) == 2


def _flaky(session):  # noqa: ANN001, ANN202
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def test_transient_matching_error_is_retried_not_recorded_as_failure(app):
    from web.jobs.needs import match_one_need

    world = build_world(app)
    need_id = world.needs["approved"]
    app.config["MATCHER_FACTORY"] = _flaky
    with app.app_context():
        with pytest.raises(OperationalError):
            match_one_need(need_id, retry=True)
        with app.extensions["db"].session() as s:
            assert s.get(Need, need_id).match_status == "pending"
        assert match_one_need(need_id, retry=False) == "failed"  # retries used up: say so
        with app.extensions["db"].session() as s:
            need = s.get(Need, need_id)
            # Reviewers read the error: its kind only, never the connection's text (hosts).
            assert (need.match_status, need.match_error) == ("failed", "OperationalError")


def test_task_options_give_at_least_once_delivery_with_backoff():
    for task in (
        tasks.match_need,
        tasks.requeue_matching,
        tasks.update_org_index,
        tasks.reindex,
        tasks.refresh_gaps,
        tasks.retrain_ranker,
        tasks.ensure_index,
    ):
        assert task.acks_late and task.reject_on_worker_lost
        assert OperationalError in task.autoretry_for and task.retry_backoff
