"""The read-path benchmark's reading of wrk's report (no load is generated here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/ is not installed

from benchmarks.bench_read_path import parse_wrk  # noqa: E402

REPORT = """Running 5s test @ http://127.0.0.1:8000/bare
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.12ms    1.01ms  20.50ms   90.00%
  Latency Distribution
     50%    3.90ms
     75%    4.50ms
     90%    5.20ms
     99%    1.20s
  12000 requests in 5.00s, 3.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:   2400.50
Transfer/sec:    600.00KB
"""


def test_parse_wrk_reads_rate_percentiles_and_every_error():
    res = parse_wrk(REPORT)
    assert res["throughput_rps"] == 2400.5 and res["requests"] == 12000
    assert (res["p50_ms"], res["p90_ms"], res["p99_ms"]) == (3.9, 5.2, 1200.0)
    assert res["errors"] == 7


def test_org_read_summary_keeps_the_first_call_and_the_tail():
    from benchmarks.org_reads import _summary

    samples = [900.0, *([10.0] * 18), 50.0]  # a slow first call, then quick ones
    res = _summary(samples, samples[0])
    assert (res["calls"], res["first_ms"], res["max_ms"]) == (20, 900.0, 900.0)
    assert (res["p50_ms"], res["p95_ms"]) == (10.0, 50.0)


def test_web_rss_finds_no_worker_on_a_port_nobody_serves():
    from benchmarks.live_server import free_port
    from benchmarks.org_reads import web_rss_mib

    assert web_rss_mib(free_port()) == []


def test_paced_probe_counts_answers_and_failures():
    """The /health probe of the read-path benchmark: answers are timed, refusals counted."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from benchmarks.http_load import PacedProbe
    from benchmarks.live_server import free_port

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with PacedProbe("127.0.0.1", server.server_address[1], "/health", rate=200) as probe:
            while len(probe.latencies_ms) < 3:
                time.sleep(0.01)
        res = probe.result()
        assert res["errors"] == 0 and res["requests"] >= 3 and res["p99_ms"] is not None
    finally:
        server.shutdown()
    with PacedProbe("127.0.0.1", free_port(), "/health", rate=200) as probe:
        while probe.errors < 2:
            time.sleep(0.01)
    res = probe.result()
    assert res["errors"] >= 2 and res["p99_ms"] is None
