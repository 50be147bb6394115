#!/usr/bin/env bash
# Start one Celery worker (run several, on one host or many). HUB_WORKER_CONCURRENCY processes
# each; `--beat` as first argument also runs the scheduler — on exactly one host.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL (redis://host:6379/0)}"
export HF_HUB_OFFLINE=1
VENV="${VENV:-.venv}"
extra=()
if [ "${1:-}" = "--beat" ]; then
  extra+=(--beat --schedule "${HUB_BEAT_SCHEDULE:-/tmp/hub-celerybeat-schedule}")
  shift
fi
exec "$VENV/bin/celery" -A web.worker worker \
  --pool=prefork -c "${HUB_WORKER_CONCURRENCY:-2}" \
  --max-tasks-per-child "${HUB_WORKER_MAX_TASKS:-200}" \
  -l "${HUB_LOG_LEVEL:-info}" "${extra[@]}" "$@"
