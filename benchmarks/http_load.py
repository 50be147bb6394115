"""A bounded HTTP load generator for the API benchmark: N keep-alive clients for a fixed time,
every latency recorded.

Clients run in separate processes (spawned, importing only the standard library and this
module) with a few threads each, so the load generator never shares a GIL with the server it
measures and a single slow client process does not cap the offered load. Every client waits
for the same wall-clock start; requests completing during the warm-up are not recorded.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import random
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Connection errors after which a GET is retried once on a new connection: the server closed an
# idle keep-alive connection (a gunicorn worker recycled after max_requests). Browsers and
# urllib3 retry the same way; the retries are counted and reported.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
START_DELAY_S = 2.0  # time for the client processes to spawn before the common start


@dataclass
class LoadResult:
    """What the measured window saw: latencies of completed requests and every failure."""

    seconds: float
    latencies_ms: list[float]
    statuses: dict[str, int]
    errors: int
    reconnects: int
    error_samples: list[str] = field(default_factory=list)
    probes: tuple = ()  # what `probe` returned at the start and the end of the window

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _client_thread(
    host: str,
    port: int,
    headers: dict[str, str],
    paths: Sequence[str],
    seed: int,
    window: tuple[float, float, float],
    out: dict,
    lock: threading.Lock,
) -> None:
    start, measure, end = window
    rng = random.Random(seed)
    lat = array("d")
    statuses: Counter[str] = Counter()
    samples: list[str] = []
    reconnects = 0
    conn = http.client.HTTPConnection(host, port, timeout=60)
    time.sleep(max(0.0, start - time.time()))
    while time.time() < end:
        path = rng.choice(paths)
        t0 = time.perf_counter()
        status = ""
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                status = str(resp.status)
                if resp.status != 200 and len(samples) < 5:
                    samples.append(f"{resp.status} {path}: {body[:200]!r}")
                break
            except STALE as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                if attempt == 1:
                    reconnects += 1
                    continue
                status = f"exc:{type(exc).__name__}"
            except OSError as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status = f"exc:{type(exc).__name__}"
                break
        elapsed = time.perf_counter() - t0
        done = time.time()
        if measure <= done < end:
            lat.append(elapsed * 1000)
            statuses[status] += 1
            if status.startswith("exc:") and len(samples) < 5:
                samples.append(f"{status} {path}")
    conn.close()
    with lock:
        out["lat"].extend(lat)
        out["statuses"].update(statuses)
        out["samples"].extend(samples)
        out["reconnects"] += reconnects


def _client_process(
    host: str,
    port: int,
    token: str,
    paths: Sequence[str],
    threads: int,
    seed: int,
    window: tuple[float, float, float],
    queue: mp.Queue,
) -> None:
    """One client process: `threads` keep-alive connections; results sent back on `queue`."""
    headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
    out: dict = {"lat": array("d"), "statuses": Counter(), "samples": [], "reconnects": 0}
    lock = threading.Lock()
    workers = [
        threading.Thread(
            target=_client_thread,
            args=(host, port, headers, paths, seed * 1000 + i, window, out, lock),
            daemon=True,
        )
        for i in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(
        {
            "lat": out["lat"].tobytes(),
            "statuses": dict(out["statuses"]),
            "samples": out["samples"][:5],
            "reconnects": out["reconnects"],
        }
    )


def run_load(
    host: str,
    port: int,
    token: str,
    paths: Sequence[str],
    *,
    concurrency: int,
    processes: int,
    warmup_s: float,
    seconds: float,
    probe: Callable[[], object] | None = None,
) -> LoadResult:
    """`concurrency` clients spread over `processes` processes issue GETs on random `paths`
    for `warmup_s` + `seconds`; only requests completing within the last `seconds` count.
    `probe` is called when the measured window opens and when it closes (e.g. CPU accounting)."""
    processes = max(1, min(processes, concurrency))
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start = time.time() + START_DELAY_S
    window = (start, start + warmup_s, start + warmup_s + seconds)
    per = [
        concurrency // processes + (1 if i < concurrency % processes else 0)
        for i in range(processes)
    ]
    procs = [
        ctx.Process(
            target=_client_process,
            args=(host, port, token, list(paths), n, i + 1, window, queue),
            daemon=True,
        )
        for i, n in enumerate(per)
    ]
    for p in procs:
        p.start()
    parts, probes = [], []
    try:
        if probe is not None:
            for edge in window[1:]:
                time.sleep(max(0.0, edge - time.time()))
                probes.append(probe())
        for _ in procs:
            parts.append(queue.get(timeout=window[2] - time.time() + 120))
    except BaseException:  # interrupted or a client died: stop the others now, not at the end
        for p in procs:
            p.terminate()
        raise
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()
    lat = array("d")
    statuses: Counter[str] = Counter()
    samples: list[str] = []
    for part in parts:
        lat.frombytes(part["lat"])
        statuses.update(part["statuses"])
        samples.extend(part["samples"])
    errors = sum(n for s, n in statuses.items() if s != "200")
    return LoadResult(
        seconds=seconds,
        latencies_ms=lat.tolist(),
        statuses=dict(statuses),
        errors=errors,
        reconnects=sum(p["reconnects"] for p in parts),
        error_samples=samples[:10],
        probes=tuple(probes),
    )


class PacedProbe:
    """`GET path` at a fixed rate from one thread of this process, as a load balancer's health
    check does it: a new connection per probe, one probe every 1/`rate` s on a fixed schedule
    (a probe that runs late does not make the next ones bunch up; the ticks it overran are
    skipped and counted). Unlike a second saturating load generator it takes only a few
    requests a second from the server it watches, so what it measures is the answer time a
    probe sees while the server is busy with other work, not a share of the server's capacity.

    Use as a context manager around the load; `result()` afterwards."""

    def __init__(self, host: str, port: int, path: str, rate: float, timeout: float = 2.0):
        self.host, self.port, self.path = host, port, path
        self.interval, self.timeout = 1.0 / rate, timeout
        self.latencies_ms: list[float] = []
        self.errors = self.skipped = 0
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="paced-probe", daemon=True)

    def _one(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        t0 = time.perf_counter()
        try:
            conn.request("GET", self.path)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
        except OSError:
            ok = False
        finally:
            conn.close()
        if ok:
            self.latencies_ms.append((time.perf_counter() - t0) * 1000)
        else:
            self.errors += 1

    def _run(self) -> None:
        start = time.perf_counter()
        tick = 0
        while not self._stop.is_set():
            self._one()
            tick += 1
            due = start + tick * self.interval
            now = time.perf_counter()
            if now > due:  # overran one or more ticks: skip them rather than burst
                late = int((now - due) / self.interval) + 1
                self.skipped += late
                tick += late
                due = start + tick * self.interval
            self._stop.wait(max(0.0, due - time.perf_counter()))
        self.seconds = time.perf_counter() - start

    def __enter__(self) -> PacedProbe:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout + 5)

    def result(self) -> dict:
        """Probes sent, their rate, p50 / p99 / max latency in ms, errors and skipped ticks."""
        lat = sorted(self.latencies_ms)

        def pct(p: float) -> float | None:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None

        sent = len(lat) + self.errors
        return {
            "requests": sent,
            "throughput_rps": round(sent / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "max_ms": round(lat[-1], 2) if lat else None,
            "errors": self.errors,
            "skipped_ticks": self.skipped,
        }
