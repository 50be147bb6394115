"""gunicorn settings for the hub (``gunicorn -c deploy/gunicorn.conf.py web.wsgi:app``).

Every value can be overridden from the environment so one file serves every host:
HUB_BIND, HUB_WEB_WORKERS, HUB_WEB_THREADS, HUB_WEB_TIMEOUT.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("HUB_BIND", "127.0.0.1:8000")
# Sync workers + a few threads: requests are short database reads; matching runs in Celery.
workers = int(os.environ.get("HUB_WEB_WORKERS", str(min(2 * multiprocessing.cpu_count() + 1, 9))))
threads = int(os.environ.get("HUB_WEB_THREADS", "4"))
worker_class = "web.platform.probe_worker.ProbeFirstWorker"  # gthread; /health not queued
timeout = int(os.environ.get("HUB_WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes the site down. Not too often: a new
# worker costs about 4 s of CPU (imports, template warm-up) and serves nothing meanwhile; at
# 2,000 a worker under load was recycled every ~15 s (issue 14's read-path profile).
max_requests = 20000
max_requests_jitter = 2000
# The app is imported per worker (not preloaded): each worker opens its own database pool
# and its own FAISS index cache, and no connection is shared across fork.
preload_app = False
forwarded_allow_ips = os.environ.get("HUB_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = (
    None  # the app logs every request itself (web/platform/logs.py, JSON with HUB_JSON_LOGS=1)
)
errorlog = "-"
loglevel = os.environ.get("HUB_LOG_LEVEL", "info").lower()
