"""Thresholds calibrated on labeled data, so that a flag means what it says.

Gap: a need is a gap when P(some organization here offers its service) is below a threshold; the
threshold maximizing gap F1 on out-of-fold predictions is chosen. Prohibited: the classifier's
threshold is chosen for recall first, then for the fewest false alarms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching.evaluation.metrics import precision_recall_f1


def fit_gap_threshold(
    served: Sequence[float] | np.ndarray, gold_gap: Sequence[bool], default: float = 0.5
) -> float:
    """Threshold t (gap ⇔ served < t) maximizing F1; ties go to the widest-margin midpoint."""
    s = np.asarray(served, dtype=float)
    g = np.asarray(gold_gap, dtype=bool)
    if not g.any() or g.all():
        return default
    cands = np.unique(np.concatenate([s, [0.0, 1.0 + 1e-9]]))
    mids = np.concatenate([[cands[0]], (cands[:-1] + cands[1:]) / 2, [cands[-1]]])
    best, best_t = -1.0, default
    for t in mids:
        f1 = precision_recall_f1(s < t, g)["f1"]
        # Prefer a threshold near 0.5 among equals: it is the calibrated "more likely not".
        if f1 > best + 1e-9 or (abs(f1 - best) <= 1e-9 and abs(t - 0.5) < abs(best_t - 0.5)):
            best, best_t = f1, float(t)
    return best_t


def fit_prohibited_threshold(
    p: Sequence[float] | np.ndarray, gold: Sequence[bool], beta: float = 2.0, default: float = 0.5
) -> float:
    """Classifier threshold maximizing F-beta (beta = 2: recall counts double, a missed
    prohibited need costs more than a reviewer's second look) on its own out-of-fold
    probabilities. Fitted without the keyword rules on purpose: the classifier is there for
    the paraphrases the rules miss. Thresholds are midpoints between observed scores, ties go
    to the one nearest 0.5; capped to [0.05, 0.95]."""
    probs = np.asarray(p, dtype=float)
    g = np.asarray(gold, dtype=bool)
    if not g.any() or g.all():
        return default
    u = np.unique(probs)
    mids = (u[:-1] + u[1:]) / 2 if len(u) > 1 else u
    best, best_t = -1.0, default
    for t in mids:
        flag = probs >= t
        tp = float((flag & g).sum())
        prec = tp / flag.sum() if flag.any() else 0.0
        rec = tp / g.sum()
        f = (1 + beta**2) * prec * rec / (beta**2 * prec + rec) if prec + rec else 0.0
        if f > best + 1e-9 or (abs(f - best) <= 1e-9 and abs(t - 0.5) < abs(best_t - 0.5)):
            best, best_t = f, float(t)
    return float(min(max(best_t, 0.05), 0.95))
