"""Matching benchmark (not a test): suggestion latency for one need at 1k/10k/100k synthetic
organizations, index build time, embedding throughput, and FAISS vs a brute-force numpy scan;
and what team proposals (`matching.planning.teams`) add per gap need, against matching that need.

Synthetic scale-up: the labeled dev organizations (or the test catalog when the labeled set in data/ is
absent) are replicated with random service areas, so category and coverage statistics stay
realistic. Writes benchmarks/results/matching.json and matching.md.
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.synthetic_catalog import (  # noqa: E402
    GAP_DISTRICT,
    GAP_PER_SHAPE,
    GAP_SHAPES,
    gap_specs,
    synthetic_orgs,
    withhold,
)
from benchmarks.synthetic_catalog import dev_dir as _dev_dir  # noqa: E402
from matching.ranking.pipeline import Matcher  # noqa: E402
from matching.records import OrgRecord, load_exchange_dir  # noqa: E402
from matching.service import load_models  # noqa: E402
from matching.vectors.index import VectorIndex  # noqa: E402

RESULTS = Path(__file__).parent / "results"
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",")]
QUERIES = int(os.environ.get("BENCH_QUERIES", "60"))


def pct(xs, q):
    return float(np.percentile(np.asarray(xs) * 1000, q))


def bench_latency(clf, ranker, cfg, base_orgs, needs) -> list[dict]:
    rows = []
    rng = np.random.default_rng(0)
    for n in SIZES:
        orgs = synthetic_orgs(base_orgs, n)
        t0 = time.perf_counter()
        m = Matcher(clf, ranker, config=replace(cfg)).index(orgs)
        build = time.perf_counter() - t0
        sample = [needs[i % len(needs)] for i in range(QUERIES)]
        m.match(sample[0])  # warm-up
        lat = []
        for nd in sample:
            t = time.perf_counter()
            m.match(nd)
            lat.append(time.perf_counter() - t)
        # Dense channel on (synthetic org vectors, FAISS candidates past the exact threshold).
        vecs = rng.normal(size=(n, 384)).astype(np.float32)  # only speed matters here
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        m.org_vecs = vecs
        m.vector_index = VectorIndex.build(m.table.ids, vecs, "synthetic:384")
        m.ranker.weights = dict(m.ranker.weights, dense=0.05)
        m.encoder = _FixedEncoder(384)
        lat_dense = []
        for nd in sample:
            t = time.perf_counter()
            m.match(nd)
            lat_dense.append(time.perf_counter() - t)
        m.ranker.weights["dense"] = ranker.weights.get("dense", 0.0)
        del m, vecs  # the team section indexes its own catalog (gap streets withheld)
        row = {
            "orgs": n,
            "index_build_s": round(build, 3),
            "suggest_p50_ms": round(pct(lat, 50), 2),
            "suggest_p95_ms": round(pct(lat, 95), 2),
            "suggest_dense_p50_ms": round(pct(lat_dense, 50), 2),
            "suggest_dense_p95_ms": round(pct(lat_dense, 95), 2),
            "candidates": "all" if n <= cfg.all_candidates_max else "category+dense",
            "teams": bench_teams(clf, ranker, cfg, orgs, needs),
        }
        print(row, flush=True)
        rows.append(row)
    return rows


class _FixedEncoder:
    """Stands in for the sentence model in the latency loop (its cost is measured separately)."""

    model_id = "synthetic:384"

    def __init__(self, dim):
        self.dim = dim
        self._v = np.random.default_rng(1).normal(size=dim).astype(np.float32)
        self._v /= np.linalg.norm(self._v)

    def encode(self, texts):
        return np.tile(self._v, (len(texts), 1))


def bench_embeddings(base_orgs, needs) -> tuple[dict, np.ndarray]:
    from matching.channels.dense import CachedEncoder, EmbeddingCache, SentenceTransformerEncoder

    t0 = time.perf_counter()
    enc = SentenceTransformerEncoder(None)
    load = time.perf_counter() - t0
    texts = [o.profile_text() for o in base_orgs] + [n.text() for n in needs]
    texts = (texts * (512 // len(texts) + 1))[:512]
    texts = [f"{t} #{i}" for i, t in enumerate(texts)]
    t0 = time.perf_counter()
    enc.encode(texts)
    cold = time.perf_counter() - t0
    cached = CachedEncoder(enc, EmbeddingCache(None))
    cached.encode(texts)
    t0 = time.perf_counter()
    cached.encode(texts)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts[:50]:
        enc.encode([t])
    one = (time.perf_counter() - t0) / 50
    seeds = enc.encode([o.profile_text() for o in base_orgs] + [n.text() for n in needs])
    return {
        "model": enc.model_id,
        "load_s": round(load, 2),
        "texts": len(texts),
        "encode_texts_per_s": round(len(texts) / cold, 1),
        "cached_texts_per_s": round(len(texts) / warm, 1),
        "one_query_ms": round(one * 1000, 2),
    }, seeds


def synthetic_vectors(seeds: np.ndarray, n: int, rng, noise: float = 0.35) -> np.ndarray:
    """Scale-up of real embeddings: each vector is a dev text's embedding plus Gaussian noise,
    so the data keeps the clustered shape of real profiles (pure random vectors would be the
    pathological worst case for HNSW)."""
    base = seeds[rng.integers(0, len(seeds), size=n)]
    x = base + rng.normal(scale=noise / np.sqrt(seeds.shape[1]), size=base.shape)
    x = x.astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def bench_faiss(seeds: np.ndarray) -> list[dict]:
    import faiss

    rows = []
    rng = np.random.default_rng(0)
    for n in SIZES:
        x = synthetic_vectors(seeds, n, rng)
        q = synthetic_vectors(seeds, 200, rng)
        ids = [str(i) for i in range(n)]
        row = {"vectors": n, "threads": faiss.omp_get_max_threads()}
        for kind in ("flat", "hnsw"):
            t0 = time.perf_counter()
            idx = VectorIndex.build(ids, x, "bench:384", kind=kind)
            row[f"{kind}_build_s"] = round(time.perf_counter() - t0, 3)
            lat, hits = [], []
            for v in q:
                t = time.perf_counter()
                hits.append([int(i) for i, _ in idx.search(v, 10)])
                lat.append(time.perf_counter() - t)
            row[f"{kind}_p50_ms"] = round(pct(lat, 50), 3)
            row[f"{kind}_p95_ms"] = round(pct(lat, 95), 3)
            row[f"_{kind}_hits"] = hits
        lat, exact = [], []
        for v in q:
            t = time.perf_counter()
            s = x @ v
            top = np.argpartition(-s, 10)[:10]
            exact.append(top[np.argsort(-s[top])].tolist())
            lat.append(time.perf_counter() - t)
        row["numpy_p50_ms"] = round(pct(lat, 50), 3)
        row["numpy_p95_ms"] = round(pct(lat, 95), 3)
        for kind in ("flat", "hnsw"):
            got = row.pop(f"_{kind}_hits")
            row[f"{kind}_recall@10"] = round(
                float(
                    np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, exact, strict=True)])
                ),
                4,
            )
        print(row, flush=True)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- team proposals for gap needs
GAP_ROUNDS = int(os.environ.get("BENCH_GAP_ROUNDS", "5"))  # timed passes over the gap needs


def bench_teams(clf, ranker, cfg, orgs: list[OrgRecord], needs) -> dict:
    """ms per gap need of `attach_teams` (what match_need / run_all add for a gap) against
    `Matcher.match` of the same needs on the same catalog: the synthetic one with the gap
    needs' streets withheld. Only needs the matcher really flags as the intended gap, with a
    team of the intended shape, are timed; how many of those built that is, is reported."""
    from matching.planning.teams import attach_teams

    streets = sorted({a for o in orgs for a in o.areas if a[:6] == GAP_DISTRICT and len(a) == 9})
    n_gap = min(3 * GAP_PER_SHAPE, len(streets) - 1)
    specs = gap_specs(Matcher(clf, ranker, config=replace(cfg)), needs, streets[:n_gap])
    t0 = time.perf_counter()
    m = Matcher(clf, ranker, config=replace(cfg)).index(withhold(orgs, specs, streets[n_gap:]))
    build = time.perf_counter() - t0
    kept, shapes = [], {s: {"built": 0, "gap_with_team": 0} for s in GAP_SHAPES}
    first = None  # the first gap need on a fresh table also pays per-table set-up
    for s in specs:
        r = m.match(s.need)
        t0 = time.perf_counter()
        attach_teams(m, [s.need], [r])
        first = round((time.perf_counter() - t0) * 1000, 2) if first is None else first
        got = {t["shape"] for t in r.teams}
        want = "split" if s.shape == "split" else "outside_lead"
        ok = r.gap and want in got and (s.shape == "split" or r.gap_reason == s.shape)
        shapes[s.shape]["built"] += 1
        if ok:
            shapes[s.shape]["gap_with_team"] += 1
            kept.append(s)
    match_t: list[float] = []
    team_t: dict[str, list[float]] = {s: [] for s in GAP_SHAPES}
    for _ in range(GAP_ROUNDS):
        for s in kept:
            t = time.perf_counter()
            r = m.match(s.need)
            match_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            attach_teams(m, [s.need], [r])
            team_t[s.shape].append(time.perf_counter() - t)
    every = [x for xs in team_t.values() for x in xs]
    row: dict = {
        "gap_index_build_s": round(build, 3),
        "gap_needs": len(kept),
        "shapes": shapes,
        "teams_first_ms": first,
    }
    if kept:
        row |= {
            "match_p50_ms": round(pct(match_t, 50), 2),
            "match_p95_ms": round(pct(match_t, 95), 2),
            "teams_p50_ms": round(pct(every, 50), 2),
            "teams_p95_ms": round(pct(every, 95), 2),
        }
        row["teams_over_match_p50"] = round(row["teams_p50_ms"] / row["match_p50_ms"], 3)
        for shape, xs in team_t.items():
            if xs:
                shapes[shape] |= {
                    "teams_p50_ms": round(pct(xs, 50), 2),
                    "teams_p95_ms": round(pct(xs, 95), 2),
                }
    print({"orgs": len(orgs), "teams": row}, flush=True)
    return row


def main() -> None:
    dev = _dev_dir()
    if not (dev / "organizations.jsonl").exists():
        raise SystemExit(
            f"need the labeled dev set at {dev} (data/dev in the repository, or LABELED_DATA)"
        )
    base_orgs, needs = load_exchange_dir(dev)
    clf, ranker, cfg = load_models()
    embeddings, seeds = bench_embeddings(base_orgs, needs)
    out = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "latency": bench_latency(clf, ranker, cfg, base_orgs, needs),
        "faiss_vs_numpy": bench_faiss(seeds),
        "embeddings": embeddings,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matching.json").write_text(json.dumps(out, indent=1), "utf-8")
    (RESULTS / "matching.md").write_text(render(out), "utf-8")
    print(json.dumps(out["embeddings"]))


def render(out: dict) -> str:
    lines = [
        f"# Matching benchmark ({out['when']}, {out['machine']['cpus']} CPUs)",
        "",
        "## Suggestion latency for one need (ms)",
        "",
        "| orgs | index build s | p50 | p95 | p50 dense on | p95 dense on | candidates |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in out["latency"]:
        lines.append(
            f"| {r['orgs']} | {r['index_build_s']} | {r['suggest_p50_ms']} | {r['suggest_p95_ms']} | "
            f"{r['suggest_dense_p50_ms']} | {r['suggest_dense_p95_ms']} | {r['candidates']} |"
        )
    lines += [
        "",
        "## Team proposals per gap need (ms; `attach_teams` vs `Matcher.match` of the same need)",
        "",
        "Gap needs built at each size: the synthetic catalog with the needs' streets withheld "
        "for their service (see `withhold`); only needs the matcher flags as the intended gap "
        "with a team of that shape are timed (`BENCH_GAP_NEEDS` per shape, "
        "`BENCH_GAP_ROUNDS` passes).",
        "",
        "| orgs | gap needs (coverage / capacity / split) | match p50 | match p95 | teams p50 "
        "| teams p95 | teams / match p50 | teams p50 no_coverage / no_capacity / split "
        "| first gap need on a fresh table |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["latency"]:
        t = r.get("teams") or {}
        if not t.get("gap_needs"):
            lines.append(f"| {r['orgs']} | 0 | | | | | | | |")
            continue
        sh = t["shapes"]
        counts = " / ".join(f"{sh[k]['gap_with_team']}/{sh[k]['built']}" for k in GAP_SHAPES)
        per = " / ".join(str(sh[k].get("teams_p50_ms", "–")) for k in GAP_SHAPES)
        lines.append(
            f"| {r['orgs']} | {counts} | {t['match_p50_ms']} | {t['match_p95_ms']} | "
            f"{t['teams_p50_ms']} | {t['teams_p95_ms']} | {t['teams_over_match_p50']} | {per} | "
            f"{t.get('teams_first_ms', '–')} |"
        )
    lines += [
        "",
        "## FAISS vs numpy brute force (384-d MiniLM dev embeddings + noise, top-10, ms per query)",
        "",
        "| vectors | flat build s | flat p50 | flat p95 | HNSW build s | HNSW p50 | HNSW p95 | HNSW recall@10 | numpy p50 | numpy p95 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["faiss_vs_numpy"]:
        lines.append(
            f"| {r['vectors']} | {r['flat_build_s']} | {r['flat_p50_ms']} | {r['flat_p95_ms']} | "
            f"{r['hnsw_build_s']} | {r['hnsw_p50_ms']} | {r['hnsw_p95_ms']} | {r['hnsw_recall@10']} | "
            f"{r['numpy_p50_ms']} | {r['numpy_p95_ms']} |"
        )
    e = out["embeddings"]
    lines += [
        "",
        "## Embeddings",
        "",
        f"{e['model']}: load {e['load_s']} s; {e['encode_texts_per_s']} texts/s batch-encoded, "
        f"{e['cached_texts_per_s']} texts/s from the cache; one query {e['one_query_ms']} ms.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
