"""API benchmark (not a test): the suggestions endpoint under a bounded load, served by gunicorn
with several workers against PostgreSQL, at 10,000 and 100,000 synthetic organizations.

Per catalog size: a fresh database is migrated and bulk-loaded (benchmarks.synthetic_catalog),
the matching index is built and suggestions are computed with the real matching service (so the
endpoint returns real rows), the dense encoder's throughput is measured, then gunicorn is started
the way deploy/ starts it and keep-alive clients in separate processes (benchmarks.http_load)
call ``GET /api/v1/needs/<id>/suggestions``. Writes api.json and api.md (with the machine's
description) to benchmarks/results/, or to $BENCH_RESULTS_DIR / the `results_dir` argument.

Settings (environment): BENCH_API_SIZES (10000,100000), BENCH_API_NEEDS (300),
BENCH_API_SECONDS (20), BENCH_API_WARMUP (5), BENCH_API_CONCURRENCY (16),
BENCH_API_CLIENT_PROCS (2), BENCH_API_WORKERS (4), BENCH_API_THREADS (deploy conf's),
BENCH_API_EMBED_TEXTS (500; 0 skips), BENCH_API_DB (hub_bench), BENCH_API_PG_URL.
"""

from __future__ import annotations

import json
import os
import platform
import random
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.cpu_share import cpu_split, snapshot  # noqa: E402
from benchmarks.http_load import LoadResult, run_load  # noqa: E402
from benchmarks.live_server import (  # noqa: E402
    HOST,
    deploy_conf,
    gunicorn_server,
    mint_token,
    request,
    tail,
    terminate_as_exit,
)
from benchmarks.synthetic_catalog import (  # noqa: E402
    base_records,
    create_admin,
    drop_database,
    populate,
    recreate_database,
    server_version,
)

RESULTS = Path(__file__).parent / "results"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
USERNAME = "bench-admin"


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


@dataclass(frozen=True)
class Settings:
    """Every knob, read from the environment at run time so a tiny run is one command."""

    sizes: tuple[int, ...]
    needs: int
    seconds: float
    warmup: float
    concurrency: int
    client_procs: int
    workers: int
    threads: int
    max_requests: int
    embed_texts: int
    db_name: str
    pg_url: str

    @classmethod
    def from_env(cls) -> Settings:
        conf = deploy_conf()  # the deployment's defaults
        return cls(
            sizes=tuple(int(x) for x in _env("BENCH_API_SIZES", "10000,100000").split(",")),
            needs=int(_env("BENCH_API_NEEDS", "300")),
            seconds=float(_env("BENCH_API_SECONDS", "20")),
            warmup=float(_env("BENCH_API_WARMUP", "5")),
            concurrency=int(_env("BENCH_API_CONCURRENCY", "16")),
            client_procs=int(_env("BENCH_API_CLIENT_PROCS", "2")),
            workers=int(_env("BENCH_API_WORKERS", "4")),
            threads=int(_env("BENCH_API_THREADS", str(conf["threads"]))),
            max_requests=int(conf["max_requests"]),
            embed_texts=int(_env("BENCH_API_EMBED_TEXTS", "500")),
            db_name=_env("BENCH_API_DB", "hub_bench"),
            pg_url=_env("BENCH_API_PG_URL", PG_URL),
        )


def machine_description(settings: Settings) -> dict:
    """What the figures depend on: CPU, memory, OS, Python, PostgreSQL, server and client setup."""
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    import gunicorn

    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "ram_gib": ram,
        "os": os_name,
        "python": platform.python_version(),
        "postgresql": server_version(settings.pg_url),
        "gunicorn": f"{gunicorn.__version__}, {settings.workers} workers × {settings.threads} "
        f"threads (gthread, max_requests {settings.max_requests})",
        "clients": f"{settings.concurrency} keep-alive connections in "
        f"{min(settings.client_procs, settings.concurrency)} processes, same machine",
    }


def _public_url(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def dense_configured() -> bool:
    """Same test as matching.service.build_matcher: does the dense channel carry weight?"""
    from matching.service import load_models

    _clf, ranker, cfg = load_models()
    return bool(ranker.weights.get("dense") or cfg.dense_category_weight > 0)


def measure_embeddings(encoder, texts: list[str], cache_path: Path) -> dict:
    """Encoder throughput through the production wrapper (CachedEncoder): the first pass misses
    the empty cache (normalize + encode + write), the second is served from the cache."""
    from matching.channels.dense import CachedEncoder, EmbeddingCache

    cached = CachedEncoder(encoder, EmbeddingCache(cache_path))
    t0 = time.perf_counter()
    cached.encode(texts)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    cached.encode(texts)
    warm = time.perf_counter() - t0
    cached.cache.close()
    return {
        "texts": len(texts),
        "encode_texts_per_s": round(len(texts) / cold, 1),
        "cached_texts_per_s": round(len(texts) / warm, 1),
    }


def latency_summary(load: LoadResult) -> dict:
    lat = np.asarray(load.latencies_ms) if load.latencies_ms else np.zeros(1)
    p50, p95, p99 = (round(float(np.percentile(lat, q)), 2) for q in (50, 95, 99))
    return {
        "seconds": load.seconds,
        "requests": load.requests,
        "throughput_rps": round(load.throughput, 1),
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "max_ms": round(float(lat.max()), 2),
        "mean_ms": round(float(lat.mean()), 2),
        "errors": load.errors,
        "statuses": load.statuses,
        "reconnects": load.reconnects,
        "error_samples": load.error_samples,
    }


def bench_size(n: int, settings: Settings, base, encoder_box: dict) -> dict:
    """One catalog size, end to end; the database is dropped whatever happens."""
    from catalog import schema
    from catalog.db import Database
    from matching.service import build_matcher, reindex, run_all

    base_orgs, base_needs = base
    row: dict = {"orgs": n}
    url = recreate_database(settings.pg_url, settings.db_name)
    db = Database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
            index_dir = Path(tmp) / "index"
            t0 = time.perf_counter()
            schema.upgrade(db)  # Alembic to head + gazetteer and taxonomy
            row["migrate_s"] = round(time.perf_counter() - t0, 2)
            loaded = populate(db.engine, (base_orgs, base_needs), n, settings.needs)
            orgs, needs, counts = loaded.orgs, loaded.needs, loaded.counts
            row["load_s"] = loaded.load_s
            row.update(
                service_areas=counts.areas, org_categories=counts.categories, needs=counts.needs
            )
            password = secrets.token_urlsafe(18)
            create_admin(db.engine, USERNAME, password)

            with db.session() as session:
                row["vector_index_build_s"] = None
                if dense_configured():  # a persisted FAISS index is part of the build then
                    t0 = time.perf_counter()
                    reindex(session, index_dir)
                    row["vector_index_build_s"] = round(time.perf_counter() - t0, 2)
                t0 = time.perf_counter()
                matcher = build_matcher(session, index_dir=index_dir)
                row["index_build_s"] = round(time.perf_counter() - t0, 2)
                t0 = time.perf_counter()
                results = run_all(session, matcher)
                match_s = time.perf_counter() - t0
            row["match_s"] = round(match_s, 2)
            row["match_per_need_ms"] = round(match_s / max(1, len(results)) * 1000, 2)
            row["suggestions"] = sum(len(r.suggestions) for r in results)
            row["gaps"] = sum(1 for r in results if r.gap)
            del matcher

            row["embedding"] = None
            if settings.embed_texts > 0:
                if "encoder" not in encoder_box:
                    from matching.channels.dense import SentenceTransformerEncoder

                    t0 = time.perf_counter()
                    encoder_box["encoder"] = SentenceTransformerEncoder(None)
                    encoder_box["load_s"] = round(time.perf_counter() - t0, 2)
                    # One small batch first: torch's lazy one-time setup is not throughput.
                    encoder_box["encoder"].encode([o.profile_text() for o in base_orgs[:8]])
                sample = random.Random(n).sample(orgs, min(settings.embed_texts, len(orgs)))
                row["embedding"] = measure_embeddings(
                    encoder_box["encoder"],
                    [o.profile_text() for o in sample],
                    Path(tmp) / "embeddings.sqlite",
                )
            del orgs

            ids = [nd.id for nd in needs]
            paths = [f"/api/v1/needs/{i}/suggestions" for i in ids]
            log_path = Path(tmp) / "gunicorn.log"
            with gunicorn_server(
                url, index_dir, settings.workers, settings.threads, log_path
            ) as port:
                token = mint_token(port, USERNAME, password)
                status, body = request(port, "GET", paths[0], {"Authorization": f"Bearer {token}"})
                if status != 200:
                    raise RuntimeError(f"GET {paths[0]} answered {status}: {body[:300]!r}")
                row["items_first_response"] = len(json.loads(body)["items"])
                load = run_load(
                    HOST,
                    port,
                    token,
                    paths,
                    concurrency=settings.concurrency,
                    processes=settings.client_procs,
                    warmup_s=settings.warmup,
                    seconds=settings.seconds,
                    probe=snapshot,
                )
            row["http"] = latency_summary(load)
            # Other work on a shared machine skews every figure: say how much there was.
            row["cpu_during_load"] = (
                cpu_split(*load.probes, settings.db_name) if load.probes else None
            )
            if load.errors:
                row["http"]["server_log_tail"] = tail(log_path)
    finally:
        db.dispose()
        drop_database(settings.pg_url, settings.db_name)
    return row


def main(results_dir: str | Path | None = None) -> dict:
    """Run every size, print a summary, write api.json and api.md; returns the results."""
    settings = Settings.from_env()
    out_dir = Path(results_dir or os.environ.get("BENCH_RESULTS_DIR") or RESULTS)
    base_orgs, base_needs, source = base_records()
    encoder_box: dict = {}
    runs = []
    with terminate_as_exit():
        for n in settings.sizes:
            print(f"-- {n} organizations", flush=True)
            row = bench_size(n, settings, (base_orgs, base_needs), encoder_box)
            print(json.dumps({k: v for k, v in row.items() if k != "http"}, ensure_ascii=False))
            print(json.dumps(row["http"], ensure_ascii=False), flush=True)
            runs.append(row)
    encoder = encoder_box.get("encoder")
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_description(settings),
        "settings": asdict(settings) | {"pg_url": _public_url(settings.pg_url), "seed_set": source},
        "dense_channel": "on" if dense_configured() else "off (shipped weight 0)",
        "embedding_model": None
        if encoder is None
        else {"model": encoder.model_id, "load_s": encoder_box["load_s"]},
        "runs": runs,
    }
    return write_results(out_dir, "api", out, render)


def write_results(out_dir: Path, stem: str, out: dict, render: Callable[[dict], str]) -> dict:
    """Write a run's figures as `<stem>.json` and its markdown report as `<stem>.md`, and
    print the report: every HTTP benchmark leaves its results the same way."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{stem}.json").write_text(json.dumps(out, indent=1, ensure_ascii=False), "utf-8")
    (out_dir / f"{stem}.md").write_text(render(out), "utf-8")
    print(render(out), flush=True)
    return out


def _cores(cpu: dict | None) -> str:
    if not cpu:
        return "–"
    busiest = ", ".join(f"{k} {v}" for k, v in cpu["busiest_others"].items())
    return f"{cpu['ours_cores']} / {cpu['others_cores']}" + (f" ({busiest})" if busiest else "")


def render(out: dict) -> str:
    """The markdown report: one row per size for the HTTP figures, one for the build figures."""
    m, s = out["machine"], out["settings"]
    lines = [
        f"# API benchmark ({out['when']})",
        "",
        f"`GET /api/v1/needs/<id>/suggestions` on loopback, {s['concurrency']} clients for "
        f"{s['seconds']} s after {s['warmup']} s warm-up, random need out of {s['needs']} "
        f"approved needs, admin Bearer token.",
        "",
        "| orgs | req/s | p50 ms | p95 ms | p99 ms | max ms | requests | errors | reconnects "
        "| CPU cores ours / others |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["runs"]:
        h = r["http"]
        lines.append(
            f"| {r['orgs']} | {h['throughput_rps']} | {h['p50_ms']} | {h['p95_ms']} | "
            f"{h['p99_ms']} | {h['max_ms']} | {h['requests']} | {h['errors']} | {h['reconnects']} "
            f"| {_cores(r['cpu_during_load'])} |"
        )
    lines += [
        "",
        "Errors = answers other than 200 and failed connections, all counted. Reconnects = "
        "keep-alive connections the server had closed (a worker recycled after max_requests): "
        "the GET was retried once on a new connection and its latency includes the reconnect. "
        "CPU cores = CPU seconds per second during the measured window, used by the benchmark "
        "(gunicorn, clients, its PostgreSQL backends) and by every other process on the machine.",
    ]
    for r in out["runs"]:
        for sample in r["http"]["error_samples"]:
            lines.append(f"- error at {r['orgs']} orgs: `{sample}`")
    lines += [
        "",
        "## Building the catalog (same run)",
        "",
        "| orgs | load s (bulk insert) | index build s | match s | match ms/need | "
        "suggestions | gaps | encode texts/s | cached texts/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["runs"]:
        e = r["embedding"] or {}
        lines.append(
            f"| {r['orgs']} | {r['load_s']} | {r['index_build_s']} | {r['match_s']} | "
            f"{r['match_per_need_ms']} | {r['suggestions']} | {r['gaps']} | "
            f"{e.get('encode_texts_per_s', '–')} | {e.get('cached_texts_per_s', '–')} |"
        )
    model = out["embedding_model"]
    lines += [
        "",
        f"Load = organizations, service areas, categories and needs with Core `insert()` plus "
        f"ANALYZE. Index build = `matching.service.build_matcher` (catalog read + matcher index); "
        f"dense channel {out['dense_channel']}. Embeddings: "
        + (
            f"{model['model']} (load {model['load_s']} s), a sample of "
            f"{s['embed_texts']} organization texts, first pass into an empty cache, then cached."
            if model
            else "not measured."
        ),
        "",
        "## Machine",
        "",
        *(f"- {k}: {v}" for k, v in m.items()),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
