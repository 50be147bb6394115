"""Real services for the integration tests: a throwaway PostgreSQL database, a dedicated Redis
database (flushed first) as the Celery broker, and Celery worker subprocesses started the way a
deployment starts them (``celery -A web.worker worker``). Skipped, with the reason, when Redis or
PostgreSQL is not reachable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PG_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1/postgres"
ENCODER = "tests.integration.fakes:make"


def _redis_or_skip() -> None:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        client.flushdb()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database (the suite's SQLite default cannot be shared between
    a test process and worker processes the way a deployment shares PostgreSQL)."""
    if not PG_URL.startswith("postgresql"):
        pytest.skip("integration tests need PostgreSQL (TEST_DATABASE_URL is not PostgreSQL)")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
    name = f"it_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def live_app(pg_url, tmp_path):
    """The web side: same code as production, tasks sent to the real broker."""
    _redis_or_skip()
    from catalog import schema
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": pg_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
            "MATCHING_ENCODER": ENCODER,
            "CELERY": {
                "broker_url": REDIS_URL,
                "result_backend": None,
                "task_always_eager": False,
                "task_acks_late": True,
                "task_reject_on_worker_lost": True,
                "worker_prefetch_multiplier": 1,
            },
        }
    )
    schema.upgrade(app.extensions["db"])
    yield app
    app.extensions["db"].dispose()


@dataclass
class Workers:
    """Start and kill `celery -A web.worker worker` subprocesses for one test."""

    app: object
    logs: Path
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(
        self, pause: float = 0.0, name: str = "w", index_dir: Path | None = None, queue: str = ""
    ) -> subprocess.Popen:
        """A worker; `index_dir` its own cache folder (another host), `queue` its own queue."""
        cfg = self.app.config  # type: ignore[attr-defined]
        env = dict(os.environ)
        env.update(
            DATABASE_URL=cfg["DATABASE_URL"],
            SECRET_KEY="test",
            CELERY_BROKER_URL=REDIS_URL,
            CELERY_RESULT_BACKEND="",
            MATCHING_INDEX_DIR=str(index_dir or cfg["MATCHING_INDEX_DIR"]),
            HUB_MATCHING_ENCODER=ENCODER,
            HUB_MATCHING_REINDEX_PAUSE=str(pause),
            HUB_BROKER_VISIBILITY_TIMEOUT="3",
            HUB_BROKER_TRANSPORT_OPTIONS='{"unacked_restore_interval": 1, '
            '"unacked_restore_throttle": 1}',
            PYTHONPATH=str(ROOT),
            HF_HUB_OFFLINE="1",
        )
        log = self.logs / f"{name}-{len(self.procs)}.log"
        proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "web.worker",
                "worker",
                "--pool=solo",
                "-c",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
                "-n",
                f"{name}{len(self.procs)}-{uuid.uuid4().hex[:6]}@%h",
                *(["-Q", queue] if queue else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        wait_for(lambda: "ready." in log.read_text(), 120, f"worker ready ({log})", alive=proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def wait_for(
    cond: Callable[[], object], timeout: float, what: str, alive: subprocess.Popen | None = None
) -> object:
    """Poll `cond` until truthy; fail with `what` on timeout or if `alive` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        if alive is not None and alive.poll() is not None:
            pytest.fail(f"process exited with {alive.returncode} while waiting for {what}")
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def workers(live_app, tmp_path) -> Iterator[Workers]:
    w = Workers(live_app, tmp_path)
    yield w
    w.stop_all()
