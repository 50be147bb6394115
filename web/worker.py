"""Celery entry point: ``celery -A web.worker worker`` (and ``celery -A web.worker beat``).

The worker builds the same Flask app as the web processes, from the same environment variables
(DATABASE_URL, CELERY_BROKER_URL, ...), so tasks run with the same configuration and inside an
app context. Worker-only settings live here rather than in the shared config:

* ``HUB_BROKER_VISIBILITY_TIMEOUT`` (seconds, default 3600): how long a task taken by a worker
  that died without acknowledging stays invisible before Redis hands it to another worker. It
  must exceed the longest task (a full reindex), or a slow task would run twice at once.
* ``HUB_BROKER_TRANSPORT_OPTIONS`` (JSON, optional): further kombu Redis transport options,
  e.g. ``{"unacked_restore_interval": 1, "unacked_restore_throttle": 1}`` so the integration
  test sees a killed worker's task come back within seconds.
* a beat schedule: `ensure_index` every 10 minutes (rebuild only if the index no longer matches
  the catalog), `requeue_matching` every 5 minutes (needs left pending past
  ``MATCHING_PENDING_TIMEOUT``, e.g. after Redis lost its queue), `refresh_gaps` nightly and
  `refresh_action_plan` every 10 minutes (the planners' plan; a no-op while the catalog is still).
"""

from __future__ import annotations

import json
import os

from celery import Celery
from celery.schedules import crontab

from web import create_app
from web import tasks as _tasks  # noqa: F401 - registers every task

flask_app = create_app()
celery: Celery = flask_app.extensions["celery"]
transport_options = {
    "visibility_timeout": int(os.environ.get("HUB_BROKER_VISIBILITY_TIMEOUT", "3600")),
    **json.loads(os.environ.get("HUB_BROKER_TRANSPORT_OPTIONS") or "{}"),
}
celery.conf.update(
    broker_transport_options=transport_options,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=not flask_app.config.get("JSON_LOGS"),
    task_track_started=True,
    beat_schedule={
        "ensure-index": {"task": "web.jobs.ensure_index", "schedule": 600.0},
        "requeue-matching": {"task": "web.tasks.requeue_matching", "schedule": 300.0},
        "refresh-gaps": {"task": "web.jobs.refresh_gaps", "schedule": crontab(hour=3, minute=0)},
        "refresh-action-plan": {"task": "web.tasks.refresh_action_plan", "schedule": 600.0},
    },
)
