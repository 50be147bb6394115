"""Learning from decisions, replayed (not a test): does retraining on offices' confirmations and
rejections and reviewers' category corrections improve matching of the needs not yet decided?

A labeled folder's needs are shuffled (seed) and decided in rounds. A round's decisions come from
the labels: the category a reviewer would set (labels.jsonl) and the organizations an office would
confirm (grade ≥ 1 in qrels) or reject. After each round the models are retrained the way
`flask matching train` does it (classifier on the lexicon + every labeled need so far, thresholds
and the probability map calibrated out of fold, the ranker kept at its defaults unless a trained
one wins on held-out needs), but never on fewer than MIN_DECISIONS decided needs (the previous
model stays). Quality is measured on the needs not yet decided, against no retraining (the
starting model) on the same needs.

Two replays: real-dev decided on top of the shipped starting point (lexicon + dev), and dev
itself from the lexicon alone. Writes benchmarks/results/learning.json and learning.md.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from matching.evaluation.evaluate import run_line, score_run  # noqa: E402
from matching.ranking.pipeline import Matcher  # noqa: E402
from matching.ranking.probability import fit_probability  # noqa: E402
from matching.records import load_exchange_dir, load_labels  # noqa: E402
from matching.training.retrain import choose_ranker  # noqa: E402
from matching.training.train import (  # noqa: E402
    calibrate_thresholds,
    need_labels,
    ranker_pairs,
    train_category_model,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results"
ROUNDS = 5
MIN_DECISIONS = 10
KEYS = ("ndcg@10", "category_accuracy", "gap_f1", "prohibited_recall")


def _matcher(orgs, needs, labels, qrels) -> Matcher:
    """Models trained on `needs` (their labels) as `flask matching train` trains them."""
    clf = train_category_model(orgs, needs, labels)
    matcher = Matcher(clf).index(orgs)
    if not needs:  # the lexicon alone: default thresholds and ranker, nothing to calibrate
        return matcher
    calibrate_thresholds(matcher, needs, labels)
    fit_probability(matcher, needs, labels, qrels)
    X, y = ranker_pairs(matcher, needs, qrels)
    if len(y):
        groups = np.repeat([n.id for n in needs if n.id in qrels], len(orgs))
        matcher.ranker = choose_ranker(X, y, groups)[0]
    return matcher


def _score(matcher, needs, qrels, raw) -> dict:
    run = [run_line(r) for r in matcher.match_many(needs)]
    s = score_run(run, qrels, raw, needs)
    return {k: round(float(s[k]), 4) for k in KEYS}


def replay(folder: Path, start: Path | None, seed: int = 0) -> list[dict]:
    """The curve: per round, decided needs, quality of the retrained and of the starting model
    on the undecided needs."""
    orgs, needs = load_exchange_dir(folder)
    qrels, raw = load_labels(folder)
    if start is not None:  # both folders number their needs need-001…: keep them apart
        needs = [replace(n, id=f"{folder.name}:{n.id}") for n in needs]
        qrels = {f"{folder.name}:{k}": v for k, v in qrels.items()}
        raw = {f"{folder.name}:{k}": v for k, v in raw.items()}
    labels = need_labels(raw)
    base_needs, base_qrels, base_labels = [], {}, {}
    if start is not None:
        _, base_needs = load_exchange_dir(start)
        base_qrels, base_raw = load_labels(start)
        base_labels = need_labels(base_raw)
    all_qrels = {**base_qrels, **qrels}
    all_labels = {**base_labels, **labels}
    order = list(needs)
    random.Random(seed).shuffle(order)
    frozen = _matcher(orgs, base_needs, all_labels, all_qrels)
    current, curve = frozen, []
    for r in range(ROUNDS):
        cut = len(order) * r // ROUNDS
        decided, open_needs = order[:cut], order[cut:]
        if len(decided) >= MIN_DECISIONS:
            current = _matcher(orgs, base_needs + decided, all_labels, all_qrels)
        curve.append(
            {
                "round": r,
                "decided": len(decided),
                "undecided": len(open_needs),
                "retrained": _score(current, open_needs, qrels, raw),
                "no_retraining": _score(frozen, open_needs, qrels, raw),
            }
        )
        print(folder.name, curve[-1], flush=True)
    return curve


def _table(name: str, curve: list[dict]) -> list[str]:
    lines = [
        f"### {name}",
        "",
        "| round | decided | undecided | nDCG@10 retrained / none | category acc retrained / none |",
        "|---|---|---|---|---|",
    ]
    for c in curve:
        a, b = c["retrained"], c["no_retraining"]
        lines.append(
            f"| {c['round']} | {c['decided']} | {c['undecided']} | "
            f"{a['ndcg@10']:.3f} / {b['ndcg@10']:.3f} | "
            f"{a['category_accuracy']:.3f} / {b['category_accuracy']:.3f} |"
        )
    return [*lines, ""]


def main() -> None:
    dev, real = ROOT / "data" / "dev", ROOT / "data" / "real-dev"
    out = {
        "real-dev on top of lexicon + dev": replay(real, dev),
        "dev from the lexicon alone": replay(dev, None),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "learning.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    md = ["# Learning from decisions (replay)", ""]
    for name, curve in out.items():
        md += _table(name, curve)
    (RESULTS / "learning.md").write_text("\n".join(md), encoding="utf-8")


if __name__ == "__main__":
    main()
