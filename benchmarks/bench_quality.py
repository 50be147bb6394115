"""Quality measurements behind the matcher's defaults (not a test): 5-fold CV on the labeled dev
set of the shipped configuration and of its alternatives — dense channel on/off, trained vs
default ranker, organization profiles as classifier data, rules vs classifier for Art. 11.
Writes benchmarks/results/quality.json and quality.md.

Then real-dev out of fold (`real_dev_levers`, → quality_real.json / quality_real.md): each
real-dev fold scored by models trained on the lexicon + dev + the other real-dev folds
(`matching.evaluation.transfer_cv`), beside the dev-only model and the keyword baseline of the
same run, for the shipped procedure and each classifier lever; every lever also on dev, out of
fold with real-dev among the training data. `python -m benchmarks.bench_quality --real-dev`
runs only this part."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.synthetic_catalog import dev_dir, labeled_dir  # noqa: E402
from matching.evaluation.crossval import run_cv  # noqa: E402
from matching.evaluation.transfer_cv import run_transfer_cv, summary_lines  # noqa: E402

RESULTS = Path(__file__).parent / "results"
DEV_KEYS = ("ndcg@10", "category_accuracy", "likely_precision", "likely_grade2_coverage")
KEYS = (
    "ndcg@10",
    "recall@10",
    "recall@5",
    "mrr",
    "category_accuracy",
    "gap_f1",
    "prohibited_recall",
    "prohibited_false_alarms",
)


def _dev() -> Path:
    return dev_dir()


def _row(name: str, out: dict, seconds: float) -> dict:
    s = out["summary"]
    return {
        "variant": name,
        **{k: {"mean": round(s[k]["mean"], 4), "std": round(s[k]["std"], 4)} for k in KEYS},
        "ndcg@10_by_lang": {k: round(v, 4) for k, v in out["pooled"]["ndcg@10_by_lang"].items()},
        "seconds": round(seconds, 1),
    }


def main() -> None:
    from matching.channels.dense import load_encoder

    dev = _dev()
    rows = []

    def run(name, **kw):
        t = time.perf_counter()
        out = run_cv(dev, **kw)
        rows.append(_row(name, out, time.perf_counter() - t))
        print(rows[-1]["variant"], rows[-1]["ndcg@10"], rows[-1]["category_accuracy"], flush=True)
        return out

    shipped = run("shipped (dense off, default ranker)")
    base = shipped["baseline"]
    enc = load_encoder(None, RESULTS / ".embeddings-cache.sqlite")
    run("dense on: ranker weight 0.1", encoder=enc, ranker_weights={"dense": 0.1})
    run("dense on: ranker weight 0.3", encoder=enc, ranker_weights={"dense": 0.3})
    run("dense on: need↔category mix 0.2", encoder=enc, config={"dense_category_weight": 0.2})
    run("trained ranker (qrels of training folds)", train_rank=True)
    run("no Art. 11 keyword rules (classifier only)", config={"use_rules": False})
    run("organization profiles as classifier data (weight 1)", train_params={"profile_weight": 1.0})
    (RESULTS / ".embeddings-cache.sqlite").unlink(missing_ok=True)
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "dataset": str(dev),
        "baseline_char_tfidf": {k: base[k] for k in KEYS}
        | {"ndcg@10_by_lang": base["ndcg@10_by_lang"]},
        "variants": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality.json").write_text(json.dumps(out, indent=1, ensure_ascii=False), "utf-8")
    (RESULTS / "quality.md").write_text(render(out), "utf-8")
    main_real()


def render(out: dict) -> str:
    head = "| variant | " + " | ".join(KEYS) + " | nDCG@10 by lang |"
    lines = [
        "# Matching quality: 5-fold CV on the labeled dev set (mean ± spread over folds)",
        "",
        head,
        "|" + "---|" * (len(KEYS) + 2),
    ]
    for r in out["variants"]:
        cells = " | ".join(f"{r[k]['mean']:.3f} ± {r[k]['std']:.3f}" for k in KEYS)
        langs = ", ".join(f"{k} {v:.3f}" for k, v in r["ndcg@10_by_lang"].items())
        lines.append(f"| {r['variant']} | {cells} | {langs} |")
    b = out["baseline_char_tfidf"]
    cells = " | ".join(f"{b[k]:.3f}" for k in KEYS)
    langs = ", ".join(f"{k} {v:.3f}" for k, v in b["ndcg@10_by_lang"].items())
    lines.append(f"| char TF-IDF baseline (same run) | {cells} | {langs} |")
    return "\n".join(lines) + "\n"


# Classifier levers measured out of fold on real-dev and on dev (README "Training on real-dev").
LEVERS: dict[str, dict] = {
    "shipped: class-balanced services, ranking on category probabilities ^0.7, regional "
    "vocabulary": {},
    "ranking on the calibrated category probabilities (^1; before)": {"rank_power": 1.0},
    "Traditional script by characters only (OpenCC t2s, no regional vocabulary; before)": {
        "regional": False
    },
    "beneficiaries left out of the classifier's text": {
        "train_params": {"beneficiary_weight": 0.0}
    },
    "likely cut-off at 85 % grade-2 coverage (under CV)": {"likely_coverage": 0.85},
    "likely cut-off at 95 % grade-2 coverage (under CV)": {"likely_coverage": 0.95},
    "character 1–4-grams in the classifier (1–3 shipped)": {
        "train_params": {"ngram_range": (1, 4)}
    },
    "SVM C 0.5 (more regularization; 1 shipped)": {"train_params": {"C": 0.5}},
    "TF-IDF max_df 0.05 (drop character n-grams in over 5 % of training texts)": {
        "train_params": {"tfidf": {"max_df": 0.05}}
    },
    "TF-IDF max_df 0.1": {"train_params": {"tfidf": {"max_df": 0.1}}},
    "TF-IDF max_df 0.02": {"train_params": {"tfidf": {"max_df": 0.02}}},
    "term frequency not sublinear (raw counts; log shipped)": {
        "train_params": {"tfidf": {"sublinear_tf": False}}
    },
    "title expert: + 0.5 × margins of an SVM on titles alone (product of experts)": {
        "train_params": {"title_expert": 0.5}
    },
    "title expert: + 1 × margins of an SVM on titles alone (product of experts)": {
        "train_params": {"title_expert": 1.0}
    },
    "title counted once in the classifier's text (twice shipped)": {
        "train_params": {"title_once": True}
    },
}
LEVER_KEYS = (
    "ndcg@10",
    "category_accuracy",
    "title_only/ndcg@10",
    "zh-Hant/ndcg@10",
    "zh-Hant/category_accuracy",
    "likely_precision",
    "likely_grade2_coverage",
)


@contextmanager
def _settings(kw: dict) -> Iterator[None]:
    """Module-level levers (text normalization, likely coverage), restored afterwards."""
    import matching.channels.features as features
    import matching.ranking.probability as probability
    import matching.text.normalize as norm

    old = norm.REGIONAL, probability.LIKELY_GRADE2_COVERAGE, features.RANK_PROBABILITY_POWER
    norm.REGIONAL = kw.get("regional", old[0])
    probability.LIKELY_GRADE2_COVERAGE = kw.get("likely_coverage", old[1])
    features.RANK_PROBABILITY_POWER = kw.get("rank_power", old[2])
    try:
        yield
    finally:
        norm.REGIONAL, probability.LIKELY_GRADE2_COVERAGE, features.RANK_PROBABILITY_POWER = old


def _lever(name: str, kw: dict, seeds: tuple[int, ...]) -> tuple[dict, dict]:
    """One lever: real-dev out of fold (extra = dev) and dev out of fold (extra = real-dev)."""
    dev, real = dev_dir(), labeled_dir("real-dev")
    w, params = kw.get("real_weight", 1.0), kw.get("train_params")
    with _settings(kw):
        r = run_transfer_cv(real, (dev,), seeds=seeds, train_params=params, target_weight=w)
        d = run_transfer_cv(dev, (real,), seeds=(0,), train_params=params, extra_weight=w)
    row = {
        "lever": name,
        "real_dev_oof": {k: r["mean"][k] for k in r["mean"]},
        "dev_oof": {k: d["mean"][k]["mean"] for k in DEV_KEYS},
        "title_vs_description": r["title_vs_description"],
    }
    print(name, row["real_dev_oof"]["ndcg@10"], row["dev_oof"], flush=True)
    return row, r


def real_dev_levers(
    seeds: tuple[int, ...] = (0, 1, 2), jobs: int = 1, only: tuple[str, ...] = ()
) -> dict:
    """Each lever: real-dev out of fold (extra = dev; mean over seeds) and dev out of fold
    (extra = real-dev with the same weight, seed 0), in `jobs` processes. The first lever's
    full report (with the dev-only model and keyword baseline) is kept. `only`: run the shipped
    lever and those whose name contains one of these strings (new levers beside the shipped
    procedure of the same run, without re-measuring every old one)."""
    from concurrent.futures import ProcessPoolExecutor

    dev_alone = run_transfer_cv(dev_dir(), (), seeds=(0,))
    out: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "levers": []}
    out["dev_alone"] = {k: dev_alone["mean"][k]["mean"] for k in DEV_KEYS}
    with ProcessPoolExecutor(jobs) as pool:
        chosen = [
            (name, kw)
            for i, (name, kw) in enumerate(LEVERS.items())
            if i == 0 or not only or any(o in name for o in only)
        ]
        futures = [pool.submit(_lever, name, kw, seeds) for name, kw in chosen]
        results = [f.result() for f in futures]
    out["levers"] = [row for row, _ in results]
    out["report"] = results[0][1]
    return out


def render_real(out: dict) -> str:
    lines = [
        "# Real-dev out of fold (lexicon + dev + other real-dev folds), same run",
        "",
        *summary_lines(out["report"]),
        "",
        "## Levers (real-dev: mean ± spread over seeds; dev: out of fold, seed 0, real-dev "
        f"among the training data; dev alone, stratified: {out['dev_alone']['ndcg@10']:.3f} / "
        f"{out['dev_alone']['category_accuracy']:.3f})",
        "",
        "| lever | "
        + " | ".join(f"real-dev {k}" for k in LEVER_KEYS)
        + " | dev nDCG@10 / cat / likely precision / grade-2 coverage |",
        "|" + "---|" * (len(LEVER_KEYS) + 2),
    ]
    for row in out["levers"]:
        r = row["real_dev_oof"]
        cells = " | ".join(f"{r[k]['mean']:.3f} ± {r[k]['std']:.3f}" for k in LEVER_KEYS)
        d = row["dev_oof"]
        lines.append(
            f"| {row['lever']} | {cells} | " + " / ".join(f"{d[k]:.3f}" for k in DEV_KEYS) + " |"
        )
    return "\n".join(lines) + "\n"


def main_real(jobs: int = 1, only: tuple[str, ...] = ()) -> None:
    """A run of chosen levers (`only`) writes quality_real_levers.* so the full table stays."""
    out = real_dev_levers(jobs=jobs, only=only)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "quality_real_levers" if only else "quality_real"
    (RESULTS / f"{stem}.json").write_text(
        json.dumps(out, indent=1, ensure_ascii=False, default=float), "utf-8"
    )
    (RESULTS / f"{stem}.md").write_text(render_real(out), "utf-8")


if __name__ == "__main__":
    import sys

    if "--real-dev" in sys.argv:
        jobs = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--jobs=")), 1)
        only = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--only=")), "")
        main_real(jobs, tuple(o for o in only.split(",") if o))
    else:
        main()
