"""Calibrated P(an organization can serve a need) and the "likely" cut-off.

The model is the one the labels define: an organization can serve a need (grade ≥ 1) when it
offers the need's service and covers its street, so

    raw = Σ_c P(c | need) · offers(org, c) · covers(org, street)

which is exactly the `category_x_area` feature. The classifier's category probabilities are
temperature-calibrated per need, but the raw pair probability is not (catalog profiles over-claim
services, qrels under-grade far-away city-wide organizations), so a 1-D isotonic map raw → P is
fitted on out-of-fold pairs of the labeled needs. Isotonic rather than Platt: the raw value is
already a probability and the distortion is not a sigmoid (measured in matching/README.md).

The likely cut-off is chosen on the same out-of-fold pairs: the highest calibrated probability
that still keeps ≥ 90 % of the grade-2 organizations (a clerk must not miss the ones that fit
best), which is the most precise list with that coverage. Both are stored in the classifier's
metadata config next to the gap threshold, so production uses what cross-validation measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from matching.channels.features import FEATURES, pair_features
from matching.records import NeedRecord

RAW = FEATURES.index("category_x_area")
LIKELY_GRADE2_COVERAGE = 0.9
ECE_BINS = 10


def calibrate(raw: np.ndarray, xs: Sequence[float] | None, ys: Sequence[float] | None):
    """Calibrated probabilities for raw values; identity when nothing was fitted."""
    raw = np.clip(np.asarray(raw, dtype=float), 0.0, 1.0)
    if not xs or not ys:
        return raw
    return np.interp(raw, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))


def _need_probs(matcher, needs: Sequence[NeedRecord], labels: Mapping) -> tuple[list, np.ndarray]:
    """Category probabilities of the labeled needs: out-of-fold when the classifier has them
    (the same rows `calibrate_thresholds` uses), otherwise the model's own."""
    clf = matcher.classifier
    labeled = [n for n in needs if n.id in labels]
    oof = clf.oof_proba
    if oof is not None and len(oof) == len(labeled):
        cols = [clf.classes.index(c) for c in matcher.cat_names]
        probs = oof[:, cols]
        probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
    else:
        probs, _, _ = matcher.category_probs(labeled)
    keep = [i for i, n in enumerate(labeled) if not labels[n.id].prohibited]
    return [labeled[i] for i in keep], probs[keep]


def oof_pairs(
    matcher, needs: Sequence[NeedRecord], labels: Mapping, qrels: Mapping[str, Mapping[str, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """(raw probability, grade) of the pairs a clerk would be shown: each labeled need's top
    `top_k` organizations by the ranker. Calibrating over all pairs instead was measured worse
    (dev CV ECE 0.124 on the shown pairs): the ranker shows the few raw-0 organizations that
    match on words, which are relevant far more often than a random raw-0 one."""
    t = matcher.table
    k = matcher.config.top_k
    raws, grades = [], []
    for n, p in zip(*_need_probs(matcher, needs, labels), strict=True):
        X = pair_features(t, p, n.street, matcher.lexical.scores(n.text()), None)
        top = np.argsort(-matcher.ranker.score(X), kind="stable")[:k]
        raws.append(X[top, RAW])
        grades.append([qrels.get(n.id, {}).get(t.ids[i], 0) for i in top])
    if not raws:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(raws), np.concatenate(grades).astype(int)


def fit_probability(
    matcher, needs: Sequence[NeedRecord], labels: Mapping, qrels: Mapping[str, Mapping[str, int]]
) -> None:
    """Fit the isotonic map and the likely cut-off into `matcher.config` (no-op without data)."""
    from sklearn.isotonic import IsotonicRegression

    raw, grade = oof_pairs(matcher, needs, labels, qrels)
    if not len(raw) or (grade >= 1).all() or not (grade >= 1).any():
        return
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, grade >= 1)
    cfg = matcher.config
    cfg.probability_x = [float(v) for v in iso.X_thresholds_]
    cfg.probability_y = [float(v) for v in iso.y_thresholds_]
    p = calibrate(raw, cfg.probability_x, cfg.probability_y)
    cfg.likely_threshold = likely_cutoff(p, grade, LIKELY_GRADE2_COVERAGE)  # read now: a lever


def likely_cutoff(p: np.ndarray, grade: np.ndarray, coverage: float = LIKELY_GRADE2_COVERAGE):
    """Highest threshold t with share(grade-2 pairs having p ≥ t) ≥ coverage; 0.5 without any
    grade-2 pair. Never below 0.05: an all-inclusive "likely" list tells a clerk nothing.

    The isotonic map is a step function, so many pairs share one value (ties) and "p ≥ t" takes
    a whole plateau or none of it. The lowest plateau holds the organizations that offer none of
    the need's likely services here (raw ≈ 0), most of every list: when the coverage quantile
    falls on it, the cut-off moves up to the next plateau instead of marking everyone likely."""
    g2 = np.sort(p[grade >= 2])[::-1]
    if not len(g2):
        return 0.5
    k = int(np.ceil(coverage * len(g2))) - 1
    t = float(g2[max(k, 0)])
    floor = float(p.min())
    if t <= floor + 1e-9:
        above = np.unique(p[p > floor + 1e-9])
        t = float(above[0]) if len(above) else t
    return float(max(t, 0.05))


def score_probabilities(
    run: Sequence[Mapping], qrels: Mapping[str, Mapping[str, int]], labels: Mapping[str, Mapping]
) -> dict:
    """ECE, Brier over the shown (need, organization) pairs; precision of the likely lists
    (grade ≥ 1) and the share of grade-2 organizations they hold. Prohibited needs are left
    out (nobody is suggested for them in earnest)."""
    p, y, lik_rel, lik_n, g2_all, g2_in = [], [], 0, 0, 0, 0
    for r in run:
        if labels.get(r["need"], {}).get("prohibited") or "probabilities" not in r:
            continue
        grades = qrels.get(r["need"], {})
        for oid, prob in zip(r["ranking"], r["probabilities"], strict=False):
            p.append(prob)
            y.append(grades.get(oid, 0) >= 1)
        likely = set(r.get("likely") or [])
        lik_n += len(likely)
        lik_rel += sum(grades.get(o, 0) >= 1 for o in likely)
        g2 = [o for o, g in grades.items() if g >= 2]
        g2_all += len(g2)
        g2_in += sum(o in likely for o in g2)
    pa, ya = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return {
        "ece": expected_calibration_error(pa, ya),
        "brier": float(np.mean((pa - ya) ** 2)) if len(pa) else 0.0,
        "likely_precision": lik_rel / lik_n if lik_n else 0.0,
        "likely_grade2_coverage": g2_in / g2_all if g2_all else 0.0,
        "likely_per_need": lik_n / max(1, sum(1 for r in run if "likely" in r)),
        "n_pairs": len(pa),
    }


def expected_calibration_error(p: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> float:
    """Equal-width ECE: Σ_b (n_b / n) · |mean(p_b) − mean(y_b)|."""
    if not len(p):
        return 0.0
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() / len(p) * abs(p[m].mean() - y[m].mean())
    return float(total)
