"""Ranker: a linear model over the channel scores and structured features.

It starts from hand-set weights that encode what relevance means here (offers the need's
subcategory; covers its street) and can be retrained from people's decisions (confirmed = relevant,
rejected = not) or from a labeled dataset's graded qrels. Linear on purpose: every suggestion's
score decomposes into per-feature contributions that the reasons can speak about.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression

from matching.channels.features import FEATURES

# Expected relevance grade ≈ P(category) × (1 + covers street); the rest are tie-breakers.
DEFAULT_WEIGHTS: dict[str, float] = {
    "category": 1.0,
    "category_x_area": 1.0,
    "area": 0.05,
    "area_street": 0.02,
    "lexical": 0.2,
    "dense": 0.0,  # measured: the English-only default model adds nothing on Chinese text
    "capacity": 0.05,
    "credit": 0.05,
    "satisfaction": 0.03,
}


class LinearRanker:
    """score = features · weights."""

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        w = dict(DEFAULT_WEIGHTS)
        w.update(weights or {})
        self.weights = w
        self.meta: dict = {"source": "default"}

    @property
    def vector(self) -> np.ndarray:
        return np.array([self.weights.get(f, 0.0) for f in FEATURES])

    def score(self, X: np.ndarray) -> np.ndarray:
        return X @ self.vector

    def fit(self, X: np.ndarray, grades: np.ndarray, C: float = 1.0) -> LinearRanker:
        """Fit on graded pairs (0 = not relevant, 1 = partly, 2 = fully). Two logistic models
        (grade ≥ 1, grade = 2) approximate the expected grade; their coefficients add up to
        one linear scorer, rescaled so the category weight stays comparable to the default."""
        grades = np.asarray(grades)
        coef = np.zeros(X.shape[1])
        for thr in (1, 2):
            y = (grades >= thr).astype(int)
            if y.min() == y.max():
                continue
            lr = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
            lr.fit(X, y)
            coef += lr.coef_.ravel()
        scale = abs(coef[0]) + abs(coef[1]) or 1.0
        coef = coef * (2.0 / scale)
        self.weights = {f: float(c) for f, c in zip(FEATURES, coef, strict=True)}
        self.meta = {
            "source": "trained",
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "pairs": int(len(grades)),
            "positives": int((grades > 0).sum()),
        }
        return self

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        joblib.dump({"weights": self.weights, "meta": self.meta}, tmp)
        tmp.replace(path)

    @staticmethod
    def load(path: str | Path) -> LinearRanker:
        blob = joblib.load(path)
        r = LinearRanker(blob["weights"])
        r.meta = blob.get("meta", {})
        return r
