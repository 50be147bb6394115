"""WSGI entry point for gunicorn (``gunicorn web.wsgi:app``): configuration comes only from the
environment (DATABASE_URL, SECRET_KEY, CELERY_BROKER_URL, HUB_*), see docs/deploy.md."""

from __future__ import annotations

from web import create_app
from web.config import deployment_problems
from web.platform.warmup import warm_up

app = create_app()
# Refuse to serve with settings only development may keep (the placeholder ocid prefix).
_problems = deployment_problems(app.config)
if _problems:
    raise SystemExit("refusing to start / 拒绝启动:\n" + "\n".join(_problems))
warm_up(app)  # each worker compiles its templates before its first visitor, not during
