#!/usr/bin/env bash
# Start the web tier: migrate (idempotent, safe to run from several hosts one after another),
# then gunicorn. All configuration comes from the environment; see docs/deploy.md.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (postgresql+psycopg://user@host/db)}"
: "${SECRET_KEY:?set SECRET_KEY (same value on every web process)}"
export HF_HUB_OFFLINE=1
VENV="${VENV:-.venv}"
if [ "${HUB_SKIP_MIGRATE:-0}" != "1" ]; then
  "$VENV/bin/flask" --app web db upgrade
fi
exec "$VENV/bin/gunicorn" -c deploy/gunicorn.conf.py web.wsgi:app
