"""Structured (JSON-lines) logs with a request id, so several gunicorn and Celery processes can
be read together by a log collector. Enabled with HUB_JSON_LOGS=1 (deployments); plain text
otherwise so a developer's terminal stays readable."""

from __future__ import annotations

import itertools
import json
import logging
import os
import secrets
import time

from flask import Flask, g, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in ("request_id", "method", "path", "status", "ms", "user"):
            value = getattr(record, key, None)
            if value is not None:
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


class _RequestIds:
    """Request ids without a random draw per request (each is a system call that lets the
    other request threads take the interpreter: issue 14's profile): 8 random hex digits per
    process, drawn again in a forked child, then a counter. Ids only tie log lines together;
    nobody has to be unable to guess them."""

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix, self.counter = secrets.token_hex(4), itertools.count()

    def new(self) -> str:
        return f"{self.prefix}{next(self.counter) & 0xFFFFFFFF:08x}"


new_request_id = _RequestIds().new


def init_logging(app: Flask) -> None:
    if app.config.get("JSON_LOGS"):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    access = logging.getLogger("hub.access")

    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id") or new_request_id()
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):
        started = g.get("started")
        if started is not None and access.isEnabledFor(logging.INFO):  # nothing to build else
            access.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        response.headers.setdefault("X-Request-Id", g.get("request_id", ""))
        return response
