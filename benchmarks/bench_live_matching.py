"""Matching in the worker at scale (not a test): on a synthetic PostgreSQL catalog of 10,000
and 100,000 organizations, what `web.tasks.match_need` does per need, measured end to end:

* index build: the matcher's organization side built from the catalog (`LiveMatcher.rebuild`:
  records read with Core, feature table, lexical TF-IDF), once per worker process;
* `match_need` p50/p95: the live matcher's per-match catch-up query, classify, retrieve, rank,
  reasons, suggestions written and committed, one need after another;
* update to visible: a profile edit committed, then the next match's catch-up patches it in
  (that is all any process does: no message, no rebuild); and the catch-up with nothing new;
* the published organization index (FAISS, 384 dimensions, synthetic vectors: only the size
  matters here): publish into the database, and a second host's copy into its own folder.

Writes benchmarks/results/live_matching.json and .md. Sizes: BENCH_LIVE_SIZES (default
10000,100000), needs per size: BENCH_LIVE_NEEDS (default 200), database: BENCH_LIVE_DB
(default hub_bench_live).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sqlalchemy import select

from benchmarks.bench_api import PG_URL, Settings, machine_description
from benchmarks.synthetic_catalog import base_records, populate, recreate_database

RESULTS = Path(__file__).parent / "results"
DB_NAME = os.environ.get("BENCH_LIVE_DB", "hub_bench_live")


def _pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(xs) * 1000, q)), 2)


def bench_size(n: int, needs_n: int, base) -> dict:
    from catalog import schema
    from catalog.db import Database
    from catalog.models import Need
    from matching.service import build_matcher, match_need
    from matching.vectors.live import LiveMatcher

    url = recreate_database(PG_URL, DB_NAME)
    db = Database(url)
    row: dict = {"orgs": n}
    try:
        schema.upgrade(db)
        orgs = populate(db.engine, base, n, needs_n).orgs
        kept = LiveMatcher(build_matcher, None)
        with db.session() as s:
            t0 = time.perf_counter()
            kept.get(s)
            row["index_build_s"] = round(time.perf_counter() - t0, 2)
            need_ids = list(s.scalars(select(Need.id).order_by(Need.id)))
        row.update(_match_latency(db, kept, need_ids, match_need))
        row.update(_update_to_visible(db, kept, [o.id for o in orgs[:: max(1, n // 20)]]))
        row.update(_published(db, n))
    finally:
        db.dispose()
    return row


def _match_latency(db, kept, need_ids: list[str], match_need) -> dict:
    """One need after another, each in its own transaction, as the worker runs them."""
    lat, cpu = [], []
    for i, nid in enumerate(need_ids):
        t0, c0 = time.perf_counter(), time.process_time()
        with db.session() as s:
            match_need(s, nid, kept.get(s))
        if i:  # the first carries the classifier's warm-up
            lat.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    return {
        "needs": len(lat),
        # This process's CPU per match (the database's own work excluded): what a busy
        # machine cannot inflate by making the process wait.
        "match_need_cpu_p50_ms": _pct(cpu, 50),
        "match_need_cpu_p95_ms": _pct(cpu, 95),
        "match_need_p50_ms": _pct(lat, 50),
        "match_need_p95_ms": _pct(lat, 95),
        "match_need_max_ms": _pct(lat, 100),
    }


def _update_to_visible(db, kept, org_ids: list[str]) -> dict:
    """Commit a profile edit, then the next match's catch-up; and the catch-up alone."""
    from catalog.models import Organization

    seen, idle = [], []
    for k, oid in enumerate(org_ids):
        with db.session() as s:
            org = s.get(Organization, oid)
            org.description = f"{org.description} 新增课后托管{k}"
            org.profile_version += 1
        t0 = time.perf_counter()  # committed
        with db.session() as s:
            matcher = kept.get(s)
        seen.append(time.perf_counter() - t0)
        assert matcher.table.orgs[matcher.table.pos[oid]].description.endswith(f"托管{k}")
        t0 = time.perf_counter()
        with db.session() as s:
            kept.get(s)
        idle.append(time.perf_counter() - t0)
    return {
        "update_visible_p50_ms": _pct(seen, 50),
        "update_visible_max_ms": _pct(seen, 100),
        "catch_up_idle_p50_ms": _pct(idle, 50),
    }


def _published(db, n: int) -> dict:
    """Publish a FAISS index of `n` synthetic 384-d vectors; copy it as a second host would."""
    from matching.vectors import published
    from matching.vectors.index import VectorIndex

    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((n, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    t0 = time.perf_counter()
    idx = VectorIndex.build([f"o{i}" for i in range(n)], vecs, "synthetic:384", "bench")
    build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        with db.session() as s:
            t0 = time.perf_counter()
            published.release(s, idx, a)
            publish = time.perf_counter() - t0
        with db.session() as s:
            t0 = time.perf_counter()
            published.sync(s, b)
            VectorIndex.load(b)
            copy = time.perf_counter() - t0
    return {
        "faiss_kind": idx.kind,
        "faiss_build_s": round(build, 2),
        "faiss_mb": round(len(idx.to_bytes()) / 2**20, 1),
        "publish_s": round(publish, 2),
        "copy_and_load_s": round(copy, 2),
    }


def main() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_LIVE_SIZES", "10000,100000").split(",")]
    needs_n = int(os.environ.get("BENCH_LIVE_NEEDS", "200"))
    orgs, needs, source = base_records()
    machine = machine_description(replace(Settings.from_env(), workers=0, threads=0))
    machine = {k: v for k, v in machine.items() if k not in ("gunicorn", "clients")}
    rows: list[dict] = []
    for n in sizes:
        print(f"-- {n} organizations", flush=True)
        rows.append(bench_size(n, needs_n, (orgs, needs)))
        print(json.dumps(rows[-1]), flush=True)
        write(source, machine, rows)  # after each size: a long run cut short keeps its rows


def write(source: str, machine: dict, rows: list[dict]) -> None:
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seed": source,
        "machine": {**machine, "load_average_1_5_15": os.getloadavg()},
        "rows": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "live_matching.json").write_text(json.dumps(out, indent=1), "utf-8")
    (RESULTS / "live_matching.md").write_text(render(out), "utf-8")


def render(out: dict) -> str:
    lines = [
        f"# Matching in the worker ({out['when']})",
        "",
        "| orgs | matcher build s | FAISS build s | match_need p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms "
        "| update→visible p50 ms | max ms | idle catch-up ms | FAISS MB | publish s | copy+load s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["rows"]:
        lines.append(
            f"| {r['orgs']} | {r['index_build_s']} | {r.get('faiss_build_s', '–')} | "
            f"{r['match_need_p50_ms']} | "
            f"{r['match_need_p95_ms']} | {r['match_need_max_ms']} | "
            f"{r.get('match_need_cpu_p50_ms', '–')} | {r.get('match_need_cpu_p95_ms', '–')} | "
            f"{r['update_visible_p50_ms']} "
            f"| {r['update_visible_max_ms']} | {r['catch_up_idle_p50_ms']} | {r['faiss_mb']} | "
            f"{r['publish_s']} | {r['copy_and_load_s']} |"
        )
    lines += [
        "",
        f"Seed records: {out['seed']} set, replicated (`benchmarks.synthetic_catalog`). "
        "match_need = `matching.service.match_need` with the worker's live matcher, suggestions "
        "written and committed, one need at a time. Update→visible = a committed profile edit "
        "until the next match's catch-up returns with it applied (every process does the same "
        "before each match). FAISS: synthetic 384-d vectors, published to PostgreSQL in chunks, "
        "copied to a second folder and loaded.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in out["machine"].items()],
        "",
    ]
    return "\n".join(lines)
