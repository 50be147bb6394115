"""gunicorn's gthread worker, with health probes kept out of the application's queue.

In the stock worker every request waits for one of the worker's threads; under load all of them
are busy with application requests and `/health` waits behind them, so a load balancer sees a
slow or failed probe exactly when the process is only busy. This worker peeks at a connection's
next bytes when it becomes readable (no read, nothing consumed): a ``GET``/``HEAD /health``
request goes to a thread of its own, where `web.platform.health.HealthFirst` answers it from the
cached checks in microseconds. Everything else is the stock worker. Selected in
deploy/gunicorn.conf.py (``worker_class``)."""

from __future__ import annotations

import selectors
import socket
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

PROBE_PREFIXES = (b"GET /health ", b"HEAD /health ", b"GET /health?", b"HEAD /health?")
PEEK_BYTES = max(len(p) for p in PROBE_PREFIXES)


def peek(sock: socket.socket) -> bytes | None:
    """The bytes already waiting on `sock` (never blocks, consumes nothing); None when nothing
    has arrived yet, b"" when the peer closed or the socket failed."""
    try:
        return sock.recv(PEEK_BYTES, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return None
    except (OSError, ValueError):  # reset, or a TLS socket (no flags): not a probe we can see
        return b""


def is_probe(sock: socket.socket) -> bool:
    """Whether the bytes already waiting on `sock` start a /health request (never blocks)."""
    head = peek(sock)
    return head is not None and head.startswith(PROBE_PREFIXES)


class ProbeFirstWorker(ThreadWorker):
    """gthread with one more thread, reserved for /health probes (see module doc).

    A load balancer opens a new connection for each probe, and its request is rarely there
    yet when the connection is accepted: such a connection waits in the poller (gunicorn's
    own "pending" state, with the keep-alive timeout) instead of in the application's queue,
    and is sorted when its first bytes arrive. Before, a fresh probe connection queued behind
    every application request and took 117 ms at p99 under load (read-path benchmark)."""

    def init_process(self) -> None:
        self.probe_pool = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe")
        super().init_process()

    def enqueue_req(self, conn: Any) -> None:
        head = peek(conn.sock)
        if head is None and not conn.initialized and not conn.data_ready and self.alive:
            self._wait_for_first_bytes(conn)
        elif head is not None and head.startswith(PROBE_PREFIXES):
            fs = self.probe_pool.submit(self.handle, conn)
            fs.add_done_callback(
                lambda fut: self.method_queue.defer(self.finish_request, conn, fut)
            )
        else:
            super().enqueue_req(conn)

    def _wait_for_first_bytes(self, conn: Any) -> None:
        """gthread's pending state (as when a thread waited in vain for a request), entered at
        once; `on_pending_socket_readable` sends the connection back here with its bytes."""
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )
