"""WSGI entry point for gunicorn (``gunicorn web.wsgi:app``): configuration comes only from the
environment (DATABASE_URL, SECRET_KEY, CELERY_BROKER_URL, HUB_*), see docs/deploy.md."""

from __future__ import annotations

from web import create_app

app = create_app()
