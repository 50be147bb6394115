"""`GET /health`: database, broker and index version; 503 only when the process cannot serve
(database down, index unreadable), 200 "degraded" when only the broker is away; cached."""

from __future__ import annotations

from sqlalchemy import create_engine


def test_healthy_default_install(client):
    r = client.get("/health")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "index_version": None,
    }
    assert r.headers["Cache-Control"] == "no-store"


def test_index_version_is_reported(app, client):
    import numpy as np

    app.config["HEALTH_CACHE_SECONDS"] = 0
    from matching.vectors.index import rebuild

    vectors = np.eye(3, dtype="float32")
    rebuild(app.config["MATCHING_INDEX_DIR"], ["o1", "o2", "o3"], vectors, "test-model", "v42")
    assert client.get("/health").get_json()["index_version"] == "test-model@v42"
    rebuild(app.config["MATCHING_INDEX_DIR"], ["o1"], vectors[:1], "test-model", "v43")
    assert client.get("/health").get_json()["index_version"] == "test-model@v43"


def test_corrupt_index_is_503(app, client):
    from pathlib import Path

    from matching.vectors.index import FILE_NAME

    path = Path(app.config["MATCHING_INDEX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    (path / FILE_NAME).write_bytes(b"not a pickle")
    r = client.get("/health")
    assert r.status_code == 503
    assert r.get_json()["index_version"].startswith("error")


def test_database_down_is_503_without_details(app, client):
    db = app.extensions["db"]
    db.engine = create_engine(
        "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    r = client.get("/health")
    assert r.status_code == 503
    body = r.get_json()
    assert body["database"].startswith("error") and "hunter2" not in r.get_data(as_text=True)
    assert "127.0.0.1" not in r.get_data(as_text=True)


def test_unreachable_broker_is_degraded_not_503(app, client):
    """The web serves without Redis (saves commit, matching is re-queued by beat): a broker
    outage must not make a load balancer take every web process out."""
    celery_app = app.extensions["celery"]
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        r = client.get("/health")
        assert r.status_code == 200
        assert r.get_json() == {
            "status": "degraded",
            "database": "ok",
            "broker": "unavailable",
            "index_version": None,
        }
        assert "127.0.0.1" not in r.get_data(as_text=True)
    finally:
        celery_app.conf.task_always_eager = True


def test_answer_is_cached_per_process_for_the_period(app, client, monkeypatch):
    """A probe flood costs one round of checks per period: the checks run again only once the
    cached answer is older than HEALTH_CACHE_SECONDS (time moved by hand, no sleeping)."""
    from web.platform import health

    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    calls = []
    real = health.check_database
    monkeypatch.setattr(health, "check_database", lambda: calls.append(1) or real())
    app.config["HEALTH_CACHE_SECONDS"] = 1.5
    for _ in range(5):
        assert client.get("/health").status_code == 200
    assert len(calls) == 1
    now[0] += 1.0
    client.get("/health")
    assert len(calls) == 1
    now[0] += 1.0
    client.get("/health")
    assert len(calls) == 2


def test_a_refresh_in_progress_does_not_block_other_probes(app, client, monkeypatch):
    """While one thread re-runs the checks (e.g. waiting on a broker ping), others answer from
    the previous result instead of queueing behind it."""
    from web.platform import health

    now = [1000.0]
    monkeypatch.setattr(health, "clock", lambda: now[0])
    assert client.get("/health").status_code == 200
    now[0] += 10
    state = app.extensions["health"]
    calls = []
    monkeypatch.setattr(health, "run_checks", lambda: calls.append(1) or ({}, 503))
    with state["lock"]:  # as if another thread were refreshing
        r = client.get("/health")
    assert r.status_code == 200 and r.get_json()["status"] == "ok" and calls == []


def test_probe_is_answered_in_front_of_the_app(app, client):
    """/health never reaches Flask's request handling (sessions, languages, throttling, the read
    log): under load it must cost next to nothing. Its headers are still the safe ones."""
    reached: list[str] = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: reached.append("flask"))
    r = client.get("/health")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert client.head("/health").data == b""
    assert reached == []
    client.get("/api/v1/openapi.json")
    assert reached == ["flask"]


def test_probe_worker_recognizes_probes_without_consuming_them():
    import socket

    from web.platform.probe_worker import is_probe

    for request, probe in (
        (b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", True),
        (b"HEAD /health HTTP/1.1\r\n\r\n", True),
        (b"GET /healthz HTTP/1.1\r\n\r\n", False),
        (b"GET /api/v1/needs HTTP/1.1\r\n\r\n", False),
        (b"", False),
    ):
        a, b = socket.socketpair()
        try:
            if request:
                a.sendall(request)
            assert is_probe(b) is probe, request
            if request:
                assert b.recv(len(request)) == request  # peeked, not read
        finally:
            a.close()
            b.close()


def test_probe_worker_sorts_a_fresh_connection_when_its_first_bytes_arrive():
    """A load balancer's probe on a new connection: nothing to peek at accept, so the
    connection waits in the poller, not in the application's queue; its bytes then send it
    to the probe thread, and an application request to the application's threads."""
    import selectors
    import socket
    from collections import deque
    from types import SimpleNamespace

    from web.platform.probe_worker import ProbeFirstWorker

    class Pool:
        def __init__(self) -> None:
            self.submitted: list[object] = []

        def submit(self, fn, conn):  # noqa: ANN001, ANN202
            self.submitted.append(conn)
            return SimpleNamespace(add_done_callback=lambda cb: None)

    for request, queue in ((b"GET /health HTTP/1.1\r\n\r\n", "probe"), (b"GET /x HTTP/1.1", "app")):
        worker = ProbeFirstWorker.__new__(ProbeFirstWorker)
        worker.poller, worker.pending_conns = selectors.DefaultSelector(), deque()
        worker.cfg, worker.alive = SimpleNamespace(keepalive=5), True
        worker.probe_pool, worker.tpool = Pool(), Pool()
        a, b = socket.socketpair()
        try:
            conn = SimpleNamespace(sock=b, initialized=False, data_ready=False)
            worker.enqueue_req(conn)
            assert list(worker.pending_conns) == [conn] and worker.poller.get_map()
            assert not worker.probe_pool.submitted and not worker.tpool.submitted
            a.sendall(request)
            ((key, _events),) = worker.poller.select(timeout=5)
            key.data(b)  # what the worker's loop does with a readable pending connection
            pools = {"probe": worker.probe_pool, "app": worker.tpool}
            assert pools[queue].submitted == [conn] and not worker.pending_conns
            assert b.recv(len(request)) == request  # peeked, not read
        finally:
            a.close()
            b.close()
