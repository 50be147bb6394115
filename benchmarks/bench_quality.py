"""Quality measurements behind the matcher's defaults (not a test): 5-fold CV on the labeled dev
set of the shipped configuration and of its alternatives — dense channel on/off, trained vs
default ranker, organization profiles as classifier data, rules vs classifier for Art. 11.
Writes benchmarks/results/quality.json and quality.md."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.synthetic_catalog import dev_dir  # noqa: E402
from matching.evaluation.crossval import run_cv  # noqa: E402

RESULTS = Path(__file__).parent / "results"
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


if __name__ == "__main__":
    main()
