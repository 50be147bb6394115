"""Smoke test of the API benchmark (benchmarks/bench_api.py) at a tiny size: it must run end to
end against PostgreSQL and gunicorn and write a sane results file. Speed is never asserted here;
the figures belong to `make bench`. Skipped when PostgreSQL is not reachable."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1/postgres"

pytestmark = pytest.mark.slow


def _postgres_or_skip() -> None:
    if not PG_URL.startswith("postgresql"):
        pytest.skip("the API benchmark needs PostgreSQL (TEST_DATABASE_URL is not PostgreSQL)")
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    finally:
        engine.dispose()


def test_tiny_api_benchmark_writes_sane_results(tmp_path, monkeypatch):
    _postgres_or_skip()
    for name, value in {
        "BENCH_API_SIZES": "300",
        "BENCH_API_NEEDS": "40",
        "BENCH_API_SECONDS": "2",
        "BENCH_API_WARMUP": "1",
        "BENCH_API_WORKERS": "2",
        "BENCH_API_CONCURRENCY": "4",
        "BENCH_API_EMBED_TEXTS": "16",
        "BENCH_API_DB": f"bench_smoke_{uuid.uuid4().hex[:10]}",
        "BENCH_API_PG_URL": PG_URL,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.syspath_prepend(str(ROOT))  # benchmarks/ is not an installed package
    from benchmarks import bench_api

    bench_api.main(results_dir=tmp_path)

    out = json.loads((tmp_path / "api.json").read_text("utf-8"))
    assert (tmp_path / "api.md").read_text("utf-8").startswith("# API benchmark")
    assert out["machine"]["logical_cpus"] and out["machine"]["postgresql"]
    (run,) = out["runs"]
    assert run["orgs"] == 300 and run["needs"] == 40
    assert run["suggestions"] > 0 and run["items_first_response"] > 0
    http = run["http"]
    assert http["errors"] == 0, http["error_samples"]
    assert http["requests"] > 0 and http["throughput_rps"] > 0
    assert 0 < http["p50_ms"] <= http["p95_ms"] <= http["p99_ms"] <= http["max_ms"]
    assert run["embedding"]["encode_texts_per_s"] > 0
