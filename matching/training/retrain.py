"""Retraining the shipped artifacts (models/): the category classifier with its calibrated
thresholds, and the ranker, from labeled exchange-format folders and from people's decisions in
the catalog (a confirmed suggestion is relevant, a rejected one is not).

Every run also cross-validates the procedure on the labeled folders and writes the numbers into
the model cards, so an artifact never ships without the measurement that justifies it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.channels.classifier import CategoryClassifier
from matching.channels.features import FEATURES
from matching.evaluation.metrics import mean_over, ndcg_at_k
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.ranking.probability import fit_probability
from matching.ranking.ranker import LinearRanker
from matching.records import NeedRecord, OrgRecord, load_exchange_dir, load_labels
from matching.service import CLASSIFIER_PATH, MODELS_DIR, RANKER_PATH
from matching.training.model_card import write_cards
from matching.training.train import (
    NeedLabel,
    calibrate_thresholds,
    need_labels,
    ranker_pairs,
    train_category_model,
)


@dataclass
class Labeled:
    """One labeled exchange-format folder: its catalog content and its gold labels."""

    path: Path
    orgs: list[OrgRecord]
    needs: list[NeedRecord]
    qrels: dict[str, dict[str, int]]
    labels: dict[str, NeedLabel]


def read_labeled(dirs: Sequence[Path]) -> list[Labeled]:
    out = []
    for d in dirs:
        orgs, needs = load_exchange_dir(d)
        qrels, raw = load_labels(d)
        out.append(Labeled(d, orgs, needs, qrels, need_labels(raw)))
    return out


def _grouped_ndcg(scores: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    vals = []
    for g in np.unique(groups):
        m = groups == g
        if y[m].max() == 0:
            continue
        ids = [str(i) for i in range(int(m.sum()))]
        order = np.argsort(-scores[m], kind="stable")
        grades = {ids[i]: int(v) for i, v in enumerate(y[m]) if v > 0}
        vals.append(ndcg_at_k([ids[i] for i in order], grades, 10))
    return mean_over(vals)


def choose_ranker(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, seed: int = 0
) -> tuple[LinearRanker, dict]:
    """Train on 80 % of the needs, compare with the default weights on the other 20 %, keep
    whichever ranks better (the default wins ties: it is the simpler story to tell people)."""
    default = LinearRanker()
    uniq = np.unique(groups)
    if len(uniq) < 5 or y.max() == 0:
        return default, {"chosen": "default", "reason": "too few judged needs"}
    rng = np.random.default_rng(seed)
    held = set(rng.choice(uniq, size=max(1, len(uniq) // 5), replace=False).tolist())
    te = np.array([g in held for g in groups])
    trained = LinearRanker().fit(X[~te], y[~te])
    d = _grouped_ndcg(default.score(X[te]), y[te], groups[te])
    t = _grouped_ndcg(trained.score(X[te]), y[te], groups[te])
    report = {"heldout_ndcg@10_default": d, "heldout_ndcg@10_trained": t}
    if t > d + 0.005:
        final = LinearRanker().fit(X, y)
        final.meta["heldout"] = report
        return final, report | {"chosen": "trained"}
    default.meta = {"source": "default", "heldout": report}
    return default, report | {"chosen": "default"}


def train_shipped(
    labeled_dirs: Sequence[str | Path],
    models_dir: str | Path | None = None,
    catalog_orgs: Sequence[OrgRecord] = (),
    catalog_needs: Sequence[NeedRecord] = (),
    catalog_labels: dict[str, NeedLabel] | None = None,
    decisions: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    cross_validate: bool = True,
) -> dict:
    """Train and save both artifacts; returns a report (also written next to them)."""
    out_dir = Path(models_dir or MODELS_DIR)
    data = read_labeled([Path(d) for d in labeled_dirs])
    orgs = list(catalog_orgs) + [o for d in data for o in d.orgs]
    needs = list(catalog_needs) + [n for d in data for n in d.needs]
    labels = dict(catalog_labels or {})
    for d in data:
        labels.update(d.labels)
    clf = train_category_model(orgs, needs, labels)
    cfg = _thresholds(clf, data, [n.id for n in needs if n.id in labels], out_dir)
    clf.meta["config"] = {
        "gap_threshold": cfg.gap_threshold,
        "prohibited_threshold": cfg.prohibited_threshold,
        "probability_x": cfg.probability_x,
        "probability_y": cfg.probability_y,
        "likely_threshold": cfg.likely_threshold,
        "category_uncertain_below": cfg.category_uncertain_below,
    }
    ranker, rank_report = _ranker(clf, cfg, data, decisions)
    cv = None
    if cross_validate and data and len(data[0].needs) >= 10:
        from matching.evaluation.crossval import run_cv

        res = run_cv(data[0].path)
        cv = {"summary": res["summary"], "baseline": res["baseline"], "pooled": res["pooled"]}
    clf.meta["cv"] = cv
    clf.save(out_dir / CLASSIFIER_PATH)
    ranker.meta["report"] = rank_report
    ranker.save(out_dir / RANKER_PATH)
    report = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "classifier": {k: v for k, v in clf.meta.items() if k != "cv"},
        "ranker": {"weights": ranker.weights, **rank_report},
        "cv": cv,
        "labeled": [str(d.path) for d in data],
    }
    (out_dir / "category_classifier" / "metrics.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=float), "utf-8"
    )
    write_cards(report, out_dir)
    return report


def _thresholds(
    clf: CategoryClassifier, data: list[Labeled], labeled_ids: list[str], out_dir: Path
) -> MatcherConfig:
    """Gap and prohibited thresholds and the calibrated P(can serve) map, calibrated against the organizations the first labeled
    folder's needs were judged with. Without a labeled folder there is nothing to calibrate on:
    the previous artifact's thresholds are kept. `labeled_ids`: the order of the classifier's
    out-of-fold probabilities (the labeled needs it was trained on)."""
    cfg = MatcherConfig()
    previous = out_dir / CLASSIFIER_PATH
    if not data:
        if previous.exists():
            for k, v in CategoryClassifier.load(previous).meta.get("config", {}).items():
                setattr(cfg, k, v)
        return cfg
    first = data[0]
    m = Matcher(clf, config=cfg).index(first.orgs)
    sub = [n for n in first.needs if n.id in first.labels]
    if clf.oof_proba is not None:
        pos = {nid: i for i, nid in enumerate(labeled_ids)}
        full = clf.oof_proba
        clf.oof_proba = full[[pos[n.id] for n in sub]]
        calibrate_thresholds(m, sub, first.labels)
        fit_probability(m, sub, first.labels, first.qrels)
        clf.oof_proba = full
    return cfg


def _ranker(
    clf: CategoryClassifier,
    cfg: MatcherConfig,
    data: list[Labeled],
    decisions: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> tuple[LinearRanker, dict]:
    """The ranker from graded pairs of the labeled folders plus people's decisions."""
    Xs, ys, gs = [], [], []
    for k, d in enumerate(data):
        m = Matcher(clf, config=cfg).index(d.orgs)
        X, y = ranker_pairs(m, d.needs, d.qrels)
        if len(y):
            Xs.append(X)
            ys.append(y)
            gs.append(np.repeat([f"{k}:{n.id}" for n in d.needs if n.id in d.qrels], len(d.orgs)))
    if decisions is not None and len(decisions[1]):
        Xs.append(decisions[0])
        ys.append(decisions[1])
        gs.append(decisions[2])
    if not Xs:
        return LinearRanker(), {"chosen": "default", "reason": "no judged pairs"}
    return choose_ranker(np.vstack(Xs), np.concatenate(ys), np.concatenate(gs))


def decision_pairs(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features stored with decided suggestions: confirmed → grade 2, rejected → 0."""
    from catalog.models import Suggestion

    rows = session.scalars(
        select(Suggestion).where(Suggestion.status.in_(("confirmed", "rejected")))
    )
    X, y, g = [], [], []
    for s in rows:
        if not s.features or any(f not in s.features for f in FEATURES):
            continue
        X.append([float(s.features[f]) for f in FEATURES])
        y.append(2 if s.status == "confirmed" else 0)
        g.append(f"db:{s.need_id}")
    if not X:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0, dtype=object)
    return np.array(X), np.array(y), np.array(g, dtype=object)


def train_from_catalog(
    session: Session, labeled_dirs: Sequence[str | Path], models_dir: str | Path | None = None
) -> dict:
    """The `matching train` command: catalog profiles, reviewer-set categories, decisions."""
    from catalog.models import Need
    from matching.adapter import load_orgs, need_record

    orgs = load_orgs(session)
    needs, labels = [], {}
    for n in session.scalars(select(Need).where(Need.category_source.in_(("office", "reviewer")))):
        rec = need_record(n)
        rec.category = None  # the label is the target, not an input
        needs.append(rec)
        labels[n.id] = NeedLabel(n.category_name, bool(n.prohibited), None)
    return train_shipped(labeled_dirs, models_dir, orgs, needs, labels, decision_pairs(session))
