"""Background work as Celery tasks, wired the way Flask's Celery example does it: the Celery app
is configured from ``app.config["CELERY"]`` (eager by default, so the default install needs no
broker) and every task runs inside an app context.

Each task is a thin wrapper taking ids around one plain function of `web.jobs`, which the CLI
calls too. Views never call ``.delay`` themselves: they hand a task to
`web.jobs.enqueue_after_commit`, which queues it once their transaction committed and survives
a broker that is away.

Task names are pinned (``name=``): they are what the broker holds and the beat schedule names,
so a deployment upgraded with tasks still queued keeps working. The index, gaps and ranker
tasks keep their historical ``web.jobs.*`` names.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task, shared_task
from flask import Flask

from web.jobs import RETRY
from web.jobs import index as index_jobs
from web.jobs import needs as need_jobs
from web.jobs import planning as planning_jobs


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app (one per factory call)."""

    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def _may_retry(task: Task) -> bool:
    """A real worker with retries left hands a transient error back to Celery; an eager call
    or the last attempt records the failure instead."""
    return not task.request.is_eager and task.request.retries < (task.max_retries or 0)


@shared_task(bind=True, ignore_result=True, name="web.tasks.match_need", **RETRY)
def match_need(self: Task, need_id: str) -> str:
    """Suggest organizations for a need (after approval, a rematch or a re-queue)."""
    return need_jobs.match_one_need(need_id, retry=_may_retry(self))


@shared_task(ignore_result=True, name="web.tasks.requeue_matching", **RETRY)
def requeue_matching() -> list[str]:
    """Queue matching again for needs left pending past the timeout (periodic, via beat)."""
    return need_jobs.requeue_stalled_matching()


@shared_task(bind=True, ignore_result=True, name="web.tasks.update_org_index", **RETRY)
def update_org_index(self: Task, org_id: str) -> bool:
    """Refresh one organization in the vector index after its profile changed."""
    return index_jobs.update_org_in_index(org_id, retry=_may_retry(self))


@shared_task(ignore_result=True, name="web.jobs.reindex", **RETRY)
def reindex(force: bool = True) -> dict[str, Any]:
    """Rebuild the organization index (atomic swap)."""
    return index_jobs.rebuild_index(force)


@shared_task(ignore_result=True, name="web.jobs.ensure_index", **RETRY)
def ensure_index() -> dict[str, Any]:
    """Rebuild only when the index no longer matches the catalog (periodic, via beat)."""
    return index_jobs.rebuild_index(force=False)


@shared_task(ignore_result=True, name="web.jobs.refresh_gaps", **RETRY)
def refresh_gaps() -> dict[str, Any]:
    """Recompute gap flags for every matchable need (nightly, via beat)."""
    return index_jobs.refresh_gap_flags()


@shared_task(ignore_result=True, name="web.jobs.retrain_ranker", **RETRY)
def retrain_ranker() -> dict[str, Any]:
    """Retrain the ranker from confirmed / rejected suggestions."""
    return index_jobs.retrain_ranker_from_decisions()


@shared_task(ignore_result=True, name="web.tasks.refresh_action_plan", **RETRY)
def refresh_action_plan(force: bool = False) -> bool:
    """Compute the planners' action plan when the catalog moved (or `force`), and store it."""
    return planning_jobs.refresh_action_plan(force)
