"""Structured (JSON-lines) logs with a request id, so several gunicorn and Celery processes can
be read together by a log collector. Enabled with HUB_JSON_LOGS=1 (deployments); plain text
otherwise so a developer's terminal stays readable."""

from __future__ import annotations

import json
import logging
import time
import uuid

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
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):
        started = g.get("started")
        if started is not None:
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
