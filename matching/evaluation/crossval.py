"""5-fold cross-validation of the whole pipeline on a labeled exchange-format folder.

Everything trained on labeled needs (classifier, temperature, thresholds, optionally the ranker)
is refit on four folds and scored on the fifth; organizations and the lexicon are shared (they
are catalog content, not labels). Reports each metric's mean and spread over folds.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from matching.channels.dense import Encoder
from matching.evaluation.evaluate import baseline_run, run_line, score_run, score_teams
from matching.planning.teams import attach_teams
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.ranking.probability import fit_probability, score_probabilities
from matching.ranking.ranker import LinearRanker
from matching.records import load_exchange_dir, load_labels
from matching.training.train import (
    calibrate_thresholds,
    need_labels,
    train_category_model,
    train_ranker,
)


def run_cv(
    data_dir: str | Path,
    folds: int = 5,
    seed: int = 0,
    encoder: Encoder | None = None,
    train_rank: bool = False,
    config: dict | None = None,
    ranker_weights: dict | None = None,
    train_params: dict | None = None,
) -> dict:
    """Per-fold metrics, their mean and spread ("summary"), the pooled run's metrics, the
    char TF-IDF baseline and team counts, and the pooled run itself ("runs")."""
    orgs, needs = load_exchange_dir(data_dir)
    qrels, raw = load_labels(data_dir)
    labels = need_labels(raw)
    per_fold: list[dict] = []
    runs: list[dict] = []
    splitter = KFold(folds, shuffle=True, random_state=seed)
    for tr, te in splitter.split(np.arange(len(needs))):
        train = [needs[i] for i in tr]
        test = [needs[i] for i in te]
        clf = train_category_model(orgs, train, labels, **(train_params or {}))
        matcher = Matcher(
            clf,
            LinearRanker(ranker_weights),
            encoder=encoder,
            config=MatcherConfig(**(config or {})),
        ).index(orgs)
        calibrate_thresholds(matcher, train, labels)
        fit_probability(matcher, train, labels, qrels)
        if train_rank:
            matcher.ranker = train_ranker(matcher, train, qrels)
        results = matcher.match_many(test)
        attach_teams(matcher, test, results)
        run = [run_line(r) for r in results]
        runs.extend(run)
        m = score_run(run, qrels, raw, needs)
        m["gap_threshold"] = matcher.config.gap_threshold
        m["prohibited_threshold"] = matcher.config.prohibited_threshold
        m["likely_threshold"] = matcher.config.likely_threshold
        per_fold.append(m)
    return {
        "folds": per_fold,
        "summary": summarize(per_fold),
        "pooled": score_run(runs, qrels, raw, needs),
        "baseline": score_run(baseline_run(orgs, needs), qrels, raw, needs),
        "teams": score_teams(runs, qrels, raw),
        "probability": score_probabilities(runs, qrels, raw),
        "runs": runs,
    }


def summarize(per_fold: list[dict]) -> dict[str, dict[str, float]]:
    """Mean and population spread over folds of every numeric metric."""
    summary = {
        k: {
            "mean": statistics.mean(f[k] for f in per_fold),
            "std": statistics.pstdev(f[k] for f in per_fold),
        }
        for k in per_fold[0]
        if isinstance(per_fold[0][k], float | int)
    }
    # A fold without prohibited needs scores recall 0.0 (nothing to find), which is not a miss:
    # average prohibited recall over the folds that have some (with 8 in 150, some seeds'
    # splits leave a fold without any).
    with_pro = [f["prohibited_recall"] for f in per_fold if f["n_prohibited"]]
    if with_pro:
        summary["prohibited_recall"] = {
            "mean": statistics.mean(with_pro),
            "std": statistics.pstdev(with_pro),
        }
    return summary


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    out = run_cv(sys.argv[1])
    out.pop("runs")
    print(json.dumps(out["summary"], indent=1))
    print(json.dumps(out["pooled"], indent=1))
