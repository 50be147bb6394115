"""Read-path benchmark (issue 14 item 6, the parts measured here): the suggestions endpoint against a
bare Flask route under the same gunicorn settings, and `/health` while the endpoint is loaded, all
measured with `wrk` (a compiled load generator, Debian package `wrk`; `make bench` installs it).

Per catalog size: a fresh PostgreSQL database is migrated and bulk-loaded, suggestions are
computed with the real matching service, then the hub is served by gunicorn as deploy/ starts it
and `wrk` calls one need's suggestions with an admin Bearer token while `/health` is probed
the way a load balancer probes it: a new connection every 1/`BENCH_READ_HEALTH_RATE` s from a
thread of the benchmark (benchmarks.http_load.PacedProbe), its p50 / p99 / max and errors
recorded. (A second saturating `wrk` on `/health`, as before, took as much of the workers' CPU
as the endpoint under test and skewed its throughput: 1,849 probes/s in the last such run.) Then
benchmarks.bare_app (a fixed 20-item JSON) is served with the same settings and loaded the same
way. The client's own CPU is on the same machine and counted in the CPU split. Writes
read_path.json and read_path.md to benchmarks/results/ (or $BENCH_RESULTS_DIR).

Settings (environment): those of bench_api (BENCH_API_SIZES, BENCH_API_NEEDS, BENCH_API_SECONDS,
BENCH_API_CONCURRENCY, BENCH_API_WORKERS, BENCH_API_THREADS, BENCH_API_DB, BENCH_API_PG_URL),
BENCH_READ_WRK_THREADS (2), BENCH_READ_HEALTH_RATE (25 probes/s), BENCH_APP_ROOT (the checkout
served; this one by default: another one gives the "before" of a before / after pair).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.bench_api import (
    RESULTS,
    USERNAME,
    Settings,
    _env,
    _public_url,
    machine_description,
    write_results,
)
from benchmarks.cpu_share import cpu_split, snapshot
from benchmarks.http_load import PacedProbe
from benchmarks.live_server import gunicorn_server, mint_token, request, terminate_as_exit
from benchmarks.org_reads import (
    busiest_orgs,
    create_org_accounts,
    opportunity_rows,
    time_org_reads,
    web_rss_mib,
)
from benchmarks.synthetic_catalog import (
    base_records,
    create_admin,
    drop_database,
    populate,
    recreate_database,
)

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if m is None:
        raise ValueError(f"wrk latency {text!r}")
    return round(float(m.group(1)) * UNITS[m.group(2)], 2)


def parse_wrk(out: str) -> dict:
    """Requests/s, latency percentiles (`--latency`) and errors from wrk's text report."""
    res: dict = {"errors": 0}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["throughput_rps"] = float(rps.group(1)) if rps else 0.0
    total = re.search(r"(\d+) requests in", out)
    res["requests"] = int(total.group(1)) if total else 0
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        res[f"p{pct}_ms"] = _ms(m.group(1)) if m else None
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["errors"] = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(x) for x in sock.groups()) if sock else 0
    )
    return res


def wrk(port: int, path: str, connections: int, seconds: float, headers: dict) -> subprocess.Popen:
    threads = min(int(_env("BENCH_READ_WRK_THREADS", "2")), connections)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    return subprocess.Popen(
        [*cmd, f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True
    )


def loaded(port: int, path: str, s: Settings, headers: dict, db_name: str) -> dict:
    """`path` under `s.concurrency` connections, with `/health` probed at a paced rate."""
    rate = float(_env("BENCH_READ_HEALTH_RATE", "25"))
    wrk(port, path, s.concurrency, min(s.warmup, 3), headers).communicate()  # warm-up
    before = snapshot()
    load_before = os.getloadavg()[0]
    main = wrk(port, path, s.concurrency, s.seconds, headers)
    with PacedProbe("127.0.0.1", port, "/health", rate) as probe:
        out_main, _ = main.communicate()
    after = snapshot()
    return {
        "endpoint": parse_wrk(out_main),
        "health_under_load": probe.result(),
        "cpu": cpu_split(before, after, db_name),
        # The machine may be shared: the 1-minute load average before and after the load.
        "loadavg": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def build(n: int, s: Settings, url: str, index_dir: Path) -> dict:
    """Migrate, bulk-load, list every need, then match them all with the real service: its
    write step fills the suggestions and the organizations' opportunity rows."""
    import datetime as dt

    from sqlalchemy import update

    from catalog import schema
    from catalog.db import Database
    from catalog.models import Need
    from matching.service import build_matcher, run_all

    base_orgs, base_needs, _ = base_records()
    db = Database(url)
    timings = {}
    try:
        schema.upgrade(db)
        timings["load_s"] = populate(db.engine, (base_orgs, base_needs), n, s.needs).load_s
        with db.engine.begin() as conn:
            conn.execute(update(Need).values(status="listed", listed_at=dt.datetime.now(dt.UTC)))
        t0 = time.perf_counter()
        with db.session() as session:
            results = run_all(session, build_matcher(session, index_dir=index_dir))
        timings["match_all_s"] = round(time.perf_counter() - t0, 2)
        opportunities = opportunity_rows(db.engine)
    finally:
        db.dispose()
    best = max(results, key=lambda r: len(r.suggestions))
    return {
        "need_id": best.need_id,
        "suggestions": sum(len(r.suggestions) for r in results),
        "opportunity_rows": opportunities,
        **timings,
    }


def bench_size(n: int, s: Settings) -> dict:
    url = recreate_database(s.pg_url, s.db_name)
    row: dict = {"orgs": n}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-read-") as tmp:
            index_dir = Path(tmp) / "index"
            row.update(build(n, s, url, index_dir))
            password = secrets.token_urlsafe(18)
            from sqlalchemy import create_engine

            engine = create_engine(url)
            create_admin(engine, USERNAME, password)
            orgs = busiest_orgs(engine, int(_env("BENCH_READ_ORGS", "20")))
            names = create_org_accounts(engine, orgs, password)
            engine.dispose()
            path = f"/api/v1/needs/{row['need_id']}/suggestions"
            log = Path(tmp) / "gunicorn.log"
            with gunicorn_server(url, index_dir, s.workers, s.threads, log) as port:
                # First: the organizations' reads on fresh workers (first calls included).
                row["org_reads"] = time_org_reads(port, names, password)
                auth = {"Authorization": f"Bearer {mint_token(port, USERNAME, password)}"}
                status, body = request(port, "GET", path, auth)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
                row["items"] = len(json.loads(body)["items"])
                row["suggestions_endpoint"] = loaded(port, path, s, auth, s.db_name)
                org_auth = {"Authorization": f"Bearer {mint_token(port, names[0], password)}"}
                row["opportunities_endpoint"] = loaded(
                    port, "/api/v1/opportunities", s, org_auth, s.db_name
                )
                row["web_rss_mib"] = web_rss_mib(port)
            bare_log = Path(tmp) / "bare.log"
            with gunicorn_server(
                url, index_dir, s.workers, s.threads, bare_log, app_spec="benchmarks.bare_app:app"
            ) as port:
                row["bare_flask"] = loaded(port, "/bare", s, {}, s.db_name)
                row["bare_rss_mib"] = web_rss_mib(port)
    finally:
        drop_database(s.pg_url, s.db_name)
    ours = row["suggestions_endpoint"]["endpoint"]["throughput_rps"]
    bare = row["bare_flask"]["endpoint"]["throughput_rps"]
    row["ratio"] = round(ours / bare, 3) if bare else None
    return row


def _loads(run: dict) -> str:
    """The 1-minute load average before → after one wrk load, or – when not recorded."""
    load = run.get("loadavg")
    return f"{load[0]}→{load[1]}" if load else "–"


def _probe(h: dict) -> str:
    """The paced /health probe's latencies; older results (a second wrk) had no max."""
    return f"{h.get('p50_ms')} / {h.get('p99_ms')} / {h.get('max_ms', '–')} ({h.get('errors')})"


def render(out: dict) -> str:
    s = out["settings"]
    lines = [
        f"# Read-path benchmark ({out['when']})",
        "",
        f"wrk, {s['concurrency']} connections for {s['seconds']} s per endpoint, gunicorn "
        f"{s['workers']} workers × {s['threads']} threads (deploy/gunicorn.conf.py); /health "
        f"probed during each load as a load balancer does, {s.get('health_rate', '?')} probes/s, "
        "a new connection each, from a thread of the benchmark (not a second wrk). "
        "Bare = benchmarks.bare_app, same settings. "
        f"{s['needs']} needs, all listed and matched by the real service before serving.",
        "",
        "| orgs | items | suggestions req/s | p50 | p99 | errors | bare req/s | bare p99 | ratio "
        "| /health probe p50 / p99 / max (errors) | CPU ours / others | load avg (ours, bare) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["runs"]:
        e, b = r["suggestions_endpoint"], r["bare_flask"]
        h = e["health_under_load"]
        cpu = e["cpu"] or {}
        lines.append(
            f"| {r['orgs']} | {r['items']} | {e['endpoint']['throughput_rps']} | "
            f"{e['endpoint']['p50_ms']} | {e['endpoint']['p99_ms']} | {e['endpoint']['errors']} | "
            f"{b['endpoint']['throughput_rps']} | {b['endpoint']['p99_ms']} | {r['ratio']} | "
            f"{_probe(h)} | "
            f"{cpu.get('ours_cores', '–')} / {cpu.get('others_cores', '–')} | "
            f"{_loads(e)}, {_loads(b)} |"
        )
    lines += [
        "",
        "Organizations' opportunities, from a freshly started server (its first calls "
        "included), the busiest organizations one call at a time, then one of them under wrk; "
        "RSS of each web process after the loads (hub / bare).",
        "",
        "| orgs | opportunity rows | calls | API first / p50 / p95 / max ms | /org/ first / p50 / "
        "p95 / max ms | API under load req/s, p99 | web RSS MiB (hub / bare) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in out["runs"]:
        o, lo = r["org_reads"], r["opportunities_endpoint"]["endpoint"]
        api, page = o["api"], o["page"]
        lines.append(
            f"| {r['orgs']} | {r['opportunity_rows']} | {api['calls']} | "
            f"{api['first_ms']} / {api['p50_ms']} / {api['p95_ms']} / {api['max_ms']} | "
            f"{page['first_ms']} / {page['p50_ms']} / {page['p95_ms']} / {page['max_ms']} | "
            f"{lo['throughput_rps']}, {lo['p99_ms']} | "
            f"{', '.join(map(str, r['web_rss_mib']))} / {', '.join(map(str, r['bare_rss_mib']))} |"
        )
    lines += ["", "## Machine", "", *(f"- {k}: {v}" for k, v in out["machine"].items()), ""]
    return "\n".join(lines)


def main(results_dir: str | Path | None = None) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk; `make bench` does)")
    # The issue's setting: 2 gunicorn workers (deploy/'s threads), whatever bench_api uses.
    s = replace(Settings.from_env(), workers=int(_env("BENCH_READ_WORKERS", "2")))
    out_dir = Path(results_dir or os.environ.get("BENCH_RESULTS_DIR") or RESULTS)
    with terminate_as_exit():
        runs = [bench_size(n, s) for n in s.sizes]
    machine = machine_description(s)
    machine["clients"] = f"wrk ({_env('BENCH_READ_WRK_THREADS', '2')} threads), same machine"
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine,
        "settings": {
            "concurrency": s.concurrency,
            "seconds": s.seconds,
            "workers": s.workers,
            "threads": s.threads,
            "sizes": s.sizes,
            "needs": s.needs,
            "health_rate": float(_env("BENCH_READ_HEALTH_RATE", "25")),
            "pg_url": _public_url(s.pg_url),
        },
        "runs": runs,
    }
    return write_results(out_dir, "read_path", out, render)


if __name__ == "__main__":
    main()
