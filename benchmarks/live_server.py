"""gunicorn started the way deploy/ starts it (deploy/gunicorn.conf.py, web.wsgi:app), on a free
loopback port, for benchmarks that measure the web tier as deployed rather than Flask's test
client; plus the few plain HTTP calls a benchmark needs around it."""

from __future__ import annotations

import base64
import http.client
import json
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "127.0.0.1"
READY_TIMEOUT_S = 120


def deploy_conf() -> dict[str, Any]:
    """The deployment's gunicorn settings as evaluated in this environment."""
    return runpy.run_path(str(GUNICORN_CONF))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request on its own connection: status and body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def tail(path: Path, n: int = 2000) -> str:
    return path.read_text("utf-8", "replace")[-n:] if path.exists() else ""


@contextmanager
def gunicorn_server(
    database_url: str,
    index_dir: Path,
    workers: int,
    threads: int,
    log_path: Path,
    app_spec: str = "web.wsgi:app",
) -> Iterator[int]:
    """Yields the port once /health answers 200; the server is terminated on the way out.

    The environment is the deployment's minus any CELERY_/HUB_ setting of the caller (tasks run
    inline, nothing leaks in from the developer's shell), with rate limiting off (every request
    comes from one address, and the limiter is not what is measured) and logging at WARNING so
    log writing does not dominate a short request."""
    port = free_port()
    # BENCH_APP_ROOT serves another checkout of the hub (e.g. main, for a before / after pair
    # measured by the same benchmark code in one session); by default this one.
    root = Path(os.environ.get("BENCH_APP_ROOT") or ROOT)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "HUB_"))}
    env["PYTHONPATH"] = str(root)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        MATCHING_INDEX_DIR=str(index_dir),
        HUB_BIND=f"{HOST}:{port}",
        HUB_WEB_WORKERS=str(workers),
        HUB_WEB_THREADS=str(threads),
        HUB_RATELIMIT_ENABLED="0",
        HUB_OCDS_OCID_PREFIX="ocds-bench0",  # web.wsgi refuses the placeholder
        HUB_JSON_LOGS="0",
        HUB_LOG_LEVEL="warning",
        HF_HUB_OFFLINE="1",
    )
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(GUNICORN), "-c", str(root / "deploy" / "gunicorn.conf.py"), app_spec],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({proc.returncode}): {tail(log_path)}")
            try:
                if request(port, "GET", "/health", {})[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not become healthy: {tail(log_path)}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def mint_token(port: int, username: str, password: str) -> str:
    """A Bearer token through the public endpoint (HTTP Basic once), as an integrator gets one."""
    basic = base64.b64encode(f"{username}:{password}".encode()).decode()
    status, body = request(port, "POST", "/api/v1/tokens", {"Authorization": f"Basic {basic}"})
    if status != 201:
        raise RuntimeError(f"POST /api/v1/tokens answered {status}: {body[:300]!r}")
    return json.loads(body)["token"]


@contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM (a CI timeout, `kill`) into SystemExit while the block runs, so the
    benchmark's finally blocks still stop gunicorn and drop the throwaway database."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
