"""gunicorn's gthread worker, with health probes kept out of the application's queue.

In the stock worker every request waits for one of the worker's threads; under load all of them
are busy with application requests and `/health` waits behind them, so a load balancer sees a
slow or failed probe exactly when the process is only busy. This worker peeks at a connection's
next bytes when it becomes readable (no read, nothing consumed): a ``GET``/``HEAD /health``
request goes to a thread of its own, where `web.platform.health.HealthFirst` answers it from the
cached checks in microseconds. Everything else is the stock worker. Selected in
deploy/gunicorn.conf.py (``worker_class``)."""

from __future__ import annotations

import socket
from concurrent import futures
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

PROBE_PREFIXES = (b"GET /health ", b"HEAD /health ", b"GET /health?", b"HEAD /health?")
PEEK_BYTES = max(len(p) for p in PROBE_PREFIXES)


def is_probe(sock: socket.socket) -> bool:
    """Whether the bytes already waiting on `sock` start a /health request (never blocks)."""
    try:
        head = sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except OSError:  # nothing there yet (a fresh connection), or not a plain socket
        return False
    return head.startswith(PROBE_PREFIXES)


class ProbeFirstWorker(ThreadWorker):
    """gthread with one more thread, reserved for /health probes (see module doc)."""

    def init_process(self) -> None:
        self.probe_pool = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe")
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        if not is_probe(conn.sock):
            super().enqueue_req(conn)
            return
        fs = self.probe_pool.submit(self.handle, conn)
        fs.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))
