"""How well a need's text fits the taxonomy, for finding emerging needs (`emerging`).

The shipped category classifier when its artifact loads: calibrated P(best category) plus the
best raw one-vs-rest margin, because temperature scaling makes P relative and an off-taxonomy
text can still get a confident P from a few shared characters. Without the artifact (a fresh
checkout before training) a char TF-IDF similarity to the taxonomy's own texts stands in, with
its own threshold. Either way the scorer also returns the vectors the clustering runs on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Category
from matching.channels.classifier import PROHIBITED, CategoryClassifier
from matching.text.normalize import normalize

CLASSIFIER_THRESHOLD = 0.5  # calibrated probabilities: below a coin flip is "fits nothing well"
MARGIN_THRESHOLD = -0.25  # best one-vs-rest SVM margin: every category model says "not mine"
LEXICON_THRESHOLD = 0.12  # cosine similarity to the best category text (fallback scorer)


@dataclass
class Scores:
    fit: np.ndarray  # P(best category), or the fallback's similarity
    best: list[str]  # best category per text
    weak: np.ndarray  # bool: fits no category well
    vectors: sparse.csr_matrix


class FitScorer(Protocol):
    """How well each text fits the taxonomy, its best category, and vectors to cluster on."""

    source: str
    threshold: float

    def score(self, texts: Sequence[str], threshold: float | None = None) -> Scores: ...


class ClassifierFit:
    """The matcher's category classifier: calibrated P(category), prohibited class left out."""

    source = "classifier"
    threshold = CLASSIFIER_THRESHOLD

    def __init__(self, classifier: CategoryClassifier) -> None:
        self.clf = classifier
        self.names = [c for c in classifier.classes if c != PROHIBITED]
        self.cols = [classifier.classes.index(c) for c in self.names]

    def score(self, texts: Sequence[str], threshold: float | None = None) -> Scores:
        threshold = self.threshold if threshold is None else threshold
        full = self.clf.predict_proba(texts)[:, self.cols]
        probs = full / np.maximum(full.sum(axis=1, keepdims=True), 1e-12)
        margin = self.clf.decision(texts)[:, self.cols].max(axis=1)
        fit = probs.max(axis=1)
        weak = (fit < threshold) | (margin < MARGIN_THRESHOLD) if threshold > 0 else fit < 0
        best = [self.names[j] for j in probs.argmax(axis=1)]
        return Scores(fit, best, weak, self.clf.vectors(texts))


class LexiconFit:
    """Fallback: char 1–3-gram TF-IDF cosine between a need and each category's name,
    description and keywords."""

    source = "tfidf"
    threshold = LEXICON_THRESHOLD

    def __init__(self, categories: Sequence[tuple[str, str]]) -> None:
        self.names = [n for n, _ in categories]
        self.docs = [normalize(t) for _, t in categories]

    def score(self, texts: Sequence[str], threshold: float | None = None) -> Scores:
        threshold = self.threshold if threshold is None else threshold
        norm = [normalize(t) for t in texts]
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        vec.fit(self.docs + norm)
        cats = vec.transform(self.docs)
        needs = vec.transform(norm)
        sims = (needs @ cats.T).toarray() if self.docs else np.zeros((len(texts), 1))
        best = [self.names[j] if self.names else "" for j in sims.argmax(axis=1)]
        fit = sims.max(axis=1)
        return Scores(fit, best, fit < threshold, sparse.csr_matrix(needs))


@lru_cache(maxsize=2)
def _shipped_classifier(path: str, mtime: float) -> CategoryClassifier:
    """Loaded once per artifact version (path and modification time), not on every page view."""
    from matching.service import load_models

    return load_models()[0]


def default_scorer(session: Session) -> FitScorer:
    """The shipped classifier when its artifact loads, else the taxonomy-text fallback."""
    try:
        from matching.service import CLASSIFIER_PATH, MODELS_DIR

        path = Path(MODELS_DIR) / CLASSIFIER_PATH
        return ClassifierFit(_shipped_classifier(str(path), path.stat().st_mtime))
    except (FileNotFoundError, ValueError, ImportError, OSError, EOFError):
        cats = session.scalars(select(Category).order_by(Category.position))
        return LexiconFit(
            [(c.name, " ".join([c.name, c.description or "", *(c.keywords or [])])) for c in cats]
        )
