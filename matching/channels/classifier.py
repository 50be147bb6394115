"""Category channel: which service subcategory a need is about (and whether it is an Art. 11
prohibited type), as calibrated probabilities.

Why this shape: relevance in this domain is "the organization offers the need's subcategory and
covers its street", so understanding the need's subcategory is the main lever. Needs are short and
colloquial, so the model is a linear SVM over character 1–3-grams (robust to unsegmented Chinese
and to paraphrase that shares characters), trained on the category lexicon (how people talk about
each service) and labeled needs; organization profiles can be added but measured no gain (see
training.py). Word features, a thesaurus (Cilin) and logistic regression lost to this shape
(matching/README.md). SVM margins become probabilities by temperature scaling fitted on
out-of-fold margins, so thresholds on them (gap, prohibited) mean something.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from matching.channels.need_fields import title_matrix, title_once, weighted_vectors
from matching.records import CategoryInfo, NeedRecord, OrgRecord
from matching.taxonomy import ProhibitedType
from matching.text.normalize import normalize

PROHIBITED = "__prohibited__"
PARAMS = ("C", "class_weight", "beneficiary_weight", "tfidf", "title_expert", "title_once")
ARTIFACT_VERSION = 1
# Where artifacts written before matching/ was grouped into stages say this class lives (pickle
# stores the module path): models/category_classifier/model.joblib and deployed retrains.
PICKLED_AS = ("matching.classifier",)


@dataclass
class Corpus:
    """Training texts with labels, weights and where each came from."""

    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def add(self, text: str, label: str, weight: float, kind: str) -> None:
        if text.strip():
            self.texts.append(text)
            self.labels.append(label)
            self.weights.append(weight)
            self.kinds.append(kind)

    def extend(self, other: Corpus) -> Corpus:
        return Corpus(
            self.texts + other.texts,
            self.labels + other.labels,
            self.weights + other.weights,
            self.kinds + other.kinds,
        )

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for k in self.kinds:
            out[k] = out.get(k, 0) + 1
        return out


def lexicon_corpus(cats: Iterable[CategoryInfo], prohibited: Iterable[ProhibitedType]) -> Corpus:
    """One document per description, per keyword list and per keyword: single keywords teach
    the model that one colloquial phrase alone is evidence for its category."""
    c = Corpus()
    for cat in cats:
        c.add(f"{cat.name} {cat.name_hant} {cat.description}", cat.name, 1.0, "taxonomy")
        c.add(f"{cat.name_en} {cat.description_en}", cat.name, 1.0, "taxonomy")
        c.add(" ".join(cat.keywords), cat.name, 1.0, "taxonomy")
        c.add(" ".join(cat.keywords_en), cat.name, 1.0, "taxonomy")
        for kw in (*cat.keywords, *cat.keywords_en):
            c.add(kw, cat.name, 1.0, "lexicon")
    for p in prohibited:
        c.add(f"{p.label} {' '.join(p.keywords)}", PROHIBITED, 1.0, "taxonomy")
        c.add(f"{p.label_en} {' '.join(p.keywords_en)}", PROHIBITED, 1.0, "taxonomy")
        for kw in (*p.keywords, *p.keywords_en):
            c.add(kw, PROHIBITED, 1.0, "lexicon")
    return c


def org_corpus(orgs: Iterable[OrgRecord], known: set[str] | None = None) -> Corpus:
    """Each organization profile is a labeled example of every category it names."""
    c = Corpus()
    for org in orgs:
        for cat in org.categories:
            if known is None or cat in known:
                c.add(org.profile_text(), cat, 1.0, "profile")
    return c


def need_corpus(needs: Iterable[NeedRecord], labels: Sequence[str | None]) -> Corpus:
    """Labeled needs; label None (or PROHIBITED) marks an Art. 11 prohibited need."""
    c = Corpus()
    for need, label in zip(needs, labels, strict=True):
        c.add(need.text(), label or PROHIBITED, 1.0, "need")
    return c


def _class_weights(clf: CategoryClassifier, labels: Sequence[str]) -> str | dict | None:
    """ "balanced_services": sklearn's balanced weights over the service classes, the Art. 11
    pseudo-class left at 1 (balancing it too raised dev false alarms from 1 to 4)."""
    cw = getattr(clf, "class_weight", None)  # artifacts pickled before the lever lack it
    if cw != "balanced_services":
        return cw
    names, counts = np.unique(np.asarray(labels), return_counts=True)
    out = {str(c): len(labels) / (len(names) * int(k)) for c, k in zip(names, counts, strict=True)}
    return out | {PROHIBITED: 1.0} if PROHIBITED in out else out


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class CategoryClassifier:
    """Char n-gram TF-IDF + linear SVM with temperature-scaled probabilities."""

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 3),
        C: float = 1.0,
        class_weight: str | None = None,
        beneficiary_weight: float = 1.0,
        tfidf: dict | None = None,
        title_once: bool = False,
        title_expert: float = 0.0,
    ) -> None:
        self.title_expert = title_expert  # a lever: + this × margins of an SVM on titles alone
        self.title_once = title_once  # a lever: the title counted once (need_fields.title_once)
        self.ngram_range = ngram_range
        self.tfidf = tfidf or {}  # levers: more TfidfVectorizer settings (max_df, sublinear_tf)
        self.beneficiary_weight = beneficiary_weight  # see _weighted_vectors
        self.C = C
        self.class_weight = class_weight  # None | "balanced" | "balanced_services" (_class_weights)
        self.temperature = 5.0  # overwritten by calibrate(); a sane prior for SVM margins
        self.vectorizer: TfidfVectorizer | None = None
        self.svm: LinearSVC | None = None
        self.meta: dict = {}
        self.oof_proba: np.ndarray | None = None

    @property
    def classes(self) -> list[str]:
        assert self.svm is not None, "classifier not fitted"
        return list(self.svm.classes_)

    def fit(self, corpus: Corpus) -> CategoryClassifier:
        self.vectorizer = TfidfVectorizer(
            analyzer="char",
            ngram_range=self.ngram_range,
            **({"sublinear_tf": True} | getattr(self, "tfidf", {})),
        )
        self.vectorizer.fit([normalize(t) for t in corpus.texts])
        X = self.vectors(corpus.texts)
        self.svm = LinearSVC(C=self.C, class_weight=_class_weights(self, corpus.labels))
        self.svm.fit(X, corpus.labels, sample_weight=np.asarray(corpus.weights))
        if getattr(self, "title_expert", 0.0):
            self.title_svm = LinearSVC(C=self.C, class_weight=self.svm.class_weight)
            T = title_matrix(self.vectorizer, corpus.texts)
            self.title_svm.fit(T, corpus.labels, sample_weight=np.asarray(corpus.weights))
        return self

    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The char n-gram TF-IDF vectors the SVM sees (normalized texts)."""
        assert self.vectorizer is not None, "classifier not fitted"
        w = getattr(self, "beneficiary_weight", 1.0)  # artifacts pickled before the lever lack it
        texts = [title_once(t) for t in texts] if getattr(self, "title_once", False) else texts
        if w == 1.0:
            return sparse.csr_matrix(self.vectorizer.transform([normalize(t) for t in texts]))
        return weighted_vectors(self.vectorizer, texts, w)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """One-vs-rest SVM margins, one column per class."""
        assert self.svm is not None and self.vectorizer is not None, "classifier not fitted"
        d = np.asarray(self.svm.decision_function(self.vectors(texts)), dtype=np.float64)
        if getattr(self, "title_expert", 0.0):  # product of experts: log-linear in the margins
            T = title_matrix(self.vectorizer, texts)
            d = d + self.title_expert * self.title_svm.decision_function(T)
        return d

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Rows sum to 1 over `classes` (the prohibited pseudo-class included)."""
        return _softmax(self.decision(texts) * self.temperature)

    def calibrate(self, margins: np.ndarray, y: Sequence[str]) -> float:
        """Fit the temperature that minimizes the log-loss of out-of-fold margins."""
        idx = {c: i for i, c in enumerate(self.classes)}
        rows = [i for i, lab in enumerate(y) if lab in idx]
        if not rows:
            return self.temperature
        cols = np.array([idx[y[i]] for i in rows])
        m = margins[rows]

        def nll(t: float) -> float:
            p = _softmax(m * t)
            return float(-np.mean(np.log(p[np.arange(len(rows)), cols] + 1e-12)))

        res = minimize_scalar(nll, bounds=(0.1, 50.0), method="bounded")
        self.temperature = float(res.x)
        return self.temperature

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        oof, self.oof_proba = self.oof_proba, None
        try:
            joblib.dump({"version": ARTIFACT_VERSION, "model": self}, tmp)
        finally:
            self.oof_proba = oof
        tmp.replace(path)

    @staticmethod
    def load(path: str | Path) -> CategoryClassifier:
        for old in PICKLED_AS:  # unpickling imports the recorded path; point it here
            sys.modules.setdefault(old, sys.modules[__name__])
        blob = joblib.load(path)
        if blob.get("version") != ARTIFACT_VERSION:
            raise ValueError(f"unsupported classifier artifact version {blob.get('version')}")
        return blob["model"]


def out_of_fold_margins(
    base: Corpus, needs: Corpus, folds: int = 5, seed: int = 0, **params: object
) -> np.ndarray:
    """Margins for each labeled need from a model that never saw it (for calibration)."""
    n = len(needs.texts)
    out = np.zeros((n, 0))
    if n < folds * 2:
        return out
    labels = np.asarray(needs.labels)
    # Stratify where possible; rare classes make StratifiedKFold warn, so fall back quietly.
    _, counts = np.unique(labels, return_counts=True)
    strat = labels if counts.min() >= folds else np.zeros(n)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    classes: list[str] | None = None
    for tr, te in splitter.split(np.zeros(n), strat):
        train = base.extend(_subset(needs, tr))
        clf = CategoryClassifier(**params).fit(train)  # type: ignore[arg-type]
        if classes is None:
            classes = clf.classes
            out = np.zeros((n, len(classes)))
        if clf.classes != classes:  # a class missing from this fold: align columns
            d = clf.decision([needs.texts[i] for i in te])
            col = {c: j for j, c in enumerate(clf.classes)}
            for j, c in enumerate(classes):
                out[te, j] = d[:, col[c]] if c in col else -10.0
        else:
            out[te] = clf.decision([needs.texts[i] for i in te])
    return out


def _subset(c: Corpus, idx: Iterable[int]) -> Corpus:
    idx = list(idx)
    return Corpus(
        [c.texts[i] for i in idx],
        [c.labels[i] for i in idx],
        [c.weights[i] for i in idx],
        [c.kinds[i] for i in idx],
    )


def train_classifier(
    base: Corpus, needs: Corpus | None = None, temperature_scale: float = 1.0, **params: object
) -> CategoryClassifier:
    """Fit on base (lexicon + profiles) plus labeled needs; calibrate the temperature on
    out-of-fold margins of the labeled needs when there are enough of them. A lever:
    `temperature_scale` < 1 softens the calibrated probabilities (more weight to the runner-up
    categories in ranking)."""
    needs = needs or Corpus()
    clf = CategoryClassifier(**params).fit(base.extend(needs))  # type: ignore[arg-type]
    clf.oof_proba = None
    if len(needs.texts) >= 10:
        margins = out_of_fold_margins(base, needs, **params)  # type: ignore[arg-type]
        # The lexicon names every class, so fold models share the full model's class order.
        if margins.size and margins.shape[1] == len(clf.classes):
            clf.calibrate(margins, needs.labels)
            clf.temperature *= temperature_scale
            # Out-of-fold probabilities let the caller calibrate thresholds (gap, prohibited)
            # on predictions the model did not train on. Not persisted.
            clf.oof_proba = _softmax(margins * clf.temperature)
    clf.meta = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_counts": base.extend(needs).counts(),
        "temperature": clf.temperature,
        "params": {k: getattr(clf, k) for k in PARAMS}
        | {"ngram_range": list(clf.ngram_range), "temperature_scale": temperature_scale},
    }
    return clf
