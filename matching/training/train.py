"""Training: the category classifier (with its calibrated thresholds) and the ranker, from the
taxonomy lexicon, organization profiles, labeled needs and graded pairs.

The same function trains the shipped artifact (all labeled data) and each cross-validation fold
(training part only), so the numbers reported are for the procedure that ships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from matching.channels.classifier import (
    PROHIBITED,
    CategoryClassifier,
    lexicon_corpus,
    need_corpus,
    org_corpus,
    train_classifier,
)
from matching.channels.features import pair_features
from matching.ranking.gap import decide_gap
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.ranking.ranker import LinearRanker
from matching.records import NeedRecord, OrgRecord
from matching.taxonomy import categories, prohibited_types
from matching.training.calibration import fit_gap_threshold, fit_prohibited_threshold

PROFILE_WEIGHT = 0.0
# Class-balanced SVM weights over the services (the Art. 11 class at 1): real-dev out of fold
# (trained on lexicon + dev + other folds) nDCG@10 0.880 vs 0.872, category accuracy 0.832 vs
# 0.816 over three seeds; dev unchanged within noise (matching/README.md, "Training on real-dev").
CLASS_WEIGHT = "balanced_services"
# The classifier's calibrated temperature is kept (1.0); ranking softens the probabilities on
# its own side (channels/features.RANK_PROBABILITY_POWER), so confidence and thresholds stay calibrated.
TEMPERATURE_SCALE = 1.0


@dataclass
class NeedLabel:
    """Gold labels of one need (from labels.jsonl or from reviewers' decisions)."""

    category: str | None
    prohibited: bool = False
    gap: bool | None = None
    weight: float = 1.0  # sample weight of the need in the classifier (lexicon entries weigh 1)


def need_labels(rows: Mapping[str, Mapping]) -> dict[str, NeedLabel]:
    """Labels of a labeled folder (`records.load_labels`' second value), by need id."""
    return {
        k: NeedLabel(v.get("category"), bool(v.get("prohibited")), v.get("gap"))
        for k, v in rows.items()
    }


def train_category_model(
    orgs: Sequence[OrgRecord],
    needs: Sequence[NeedRecord],
    labels: Mapping[str, NeedLabel],
    profile_weight: float = PROFILE_WEIGHT,
    title_weight: float = 0.0,
    **params: object,
) -> CategoryClassifier:
    """Classifier from lexicon (+ profiles) + labeled needs, temperature-calibrated.

    Organization profiles as extra labeled text were measured (5-fold CV on dev): category
    accuracy 0.826 with them vs 0.840 without, nDCG@10 0.901 vs 0.903 — no gain (a profile
    names several categories, so it is a noisy example of each), so they are off by default."""
    cats = categories()
    base = lexicon_corpus(cats, prohibited_types())
    if profile_weight > 0:
        prof = org_corpus(orgs, {c.name for c in cats})
        prof.weights = [profile_weight] * len(prof.weights)
        base = base.extend(prof)
    labeled = [n for n in needs if n.id in labels]
    lab = [None if labels[n.id].prohibited else labels[n.id].category for n in labeled]
    if title_weight > 0:  # a lever: each labeled need's title alone as one more document
        titles = need_corpus([replace(n, description="", beneficiaries="") for n in labeled], lab)
        titles.weights = [title_weight * labels[n.id].weight for n in labeled]
        base = base.extend(titles)
    params.setdefault("class_weight", CLASS_WEIGHT)
    scale = params.pop("temperature_scale", TEMPERATURE_SCALE)
    assert isinstance(scale, int | float), "temperature_scale is a number"
    corpus = need_corpus(labeled, lab)
    corpus.weights = [labels[n.id].weight for n in labeled]
    return train_classifier(base, corpus, float(scale), **params)


def calibrate_thresholds(
    matcher: Matcher,
    needs: Sequence[NeedRecord],
    labels: Mapping[str, NeedLabel],
) -> MatcherConfig:
    """Gap and prohibited thresholds from the classifier's out-of-fold probabilities on the
    labeled needs (falls back to defaults when there were too few to cross-validate)."""
    cfg = matcher.config
    clf = matcher.classifier
    oof = clf.oof_proba
    labeled = [n for n in needs if n.id in labels]
    if oof is None or len(oof) != len(labeled):
        return cfg
    cols = [clf.classes.index(c) for c in matcher.cat_names]
    probs = oof[:, cols]
    probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
    pro_col = clf.classes.index(PROHIBITED)
    gold_pro = [labels[n.id].prohibited for n in labeled]
    cfg.prohibited_threshold = fit_prohibited_threshold(oof[:, pro_col], gold_pro)
    keep = [
        i
        for i, n in enumerate(labeled)
        if labels[n.id].gap is not None and not labels[n.id].prohibited
    ]
    if keep:
        threshold = cfg.gap_threshold
        served = [
            decide_gap(matcher.table, labeled[i].street, probs[i], threshold).served for i in keep
        ]
        cfg.gap_threshold = fit_gap_threshold(
            served, [bool(labels[labeled[i].id].gap) for i in keep]
        )
    return cfg


def ranker_pairs(
    matcher: Matcher,
    needs: Sequence[NeedRecord],
    qrels: Mapping[str, Mapping[str, int]],
) -> tuple[np.ndarray, np.ndarray]:
    """Features and grades of every (need, indexed org) pair of needs that have qrels.

    P(category) comes from the matcher's classifier as it is: in-sample for needs it was trained
    on, so category features look more certain than on new needs. That is why a ranker trained
    on these pairs ships only if it beats the default weights on held-out needs
    (`retrain.choose_ranker`), and why cross-validation measured it (0.891 vs 0.903 nDCG@10)."""
    judged = [n for n in needs if n.id in qrels]
    if not judged:
        return np.zeros((0, 0)), np.zeros(0)
    probs, _, qv = matcher.category_probs(judged)
    Xs, ys = [], []
    for i, n in enumerate(judged):
        lex = matcher.lexical.scores(n.text())
        dense = None if qv is None or matcher.org_vecs is None else matcher.org_vecs @ qv[i]
        Xs.append(pair_features(matcher.table, probs[i], n.street, lex, dense))
        ys.append([qrels[n.id].get(oid, 0) for oid in matcher.table.ids])
    return np.vstack(Xs), np.concatenate(ys)


def train_ranker(
    matcher: Matcher, needs: Sequence[NeedRecord], qrels: Mapping[str, Mapping[str, int]]
) -> LinearRanker:
    X, y = ranker_pairs(matcher, needs, qrels)
    if not len(y) or y.max() == 0:
        return LinearRanker()
    return LinearRanker().fit(X, y)
