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
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.channels.classifier import CategoryClassifier
from matching.evaluation.metrics import mean_over, ndcg_at_k
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.ranking.probability import fit_probability
from matching.ranking.ranker import LinearRanker
from matching.records import NeedRecord, OrgRecord
from matching.service import CLASSIFIER_PATH, MODELS_DIR, RANKER_PATH
from matching.training.guard import (
    MIN_DECISIONS,
    Decisions,
    compare_classifiers,
    decision_pairs,
    load_previous,
    require_enough,
)
from matching.training.labeled import (
    Labeled,
    folder_fingerprint,
    out_of_fold,
    read_labeled,
    same_orgs,
)
from matching.training.model_card import write_cards
from matching.training.train import (
    NeedLabel,
    calibrate_thresholds,
    ranker_pairs,
    train_category_model,
)

CONFIG_KEYS = (
    "gap_threshold",
    "prohibited_threshold",
    "probability_x",
    "probability_y",
    "likely_threshold",
    "category_uncertain_below",
)


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
    sources: Decisions | None = None,
    min_decisions: int = 0,
) -> dict:
    """Train both artifacts and save those that ship; returns a report (also written next to
    them). The classifier replaces the previous artifact only where it wins (`guard`)."""
    out_dir = Path(models_dir or MODELS_DIR)
    data = read_labeled([Path(d) for d in labeled_dirs])
    orgs = list(catalog_orgs) + [o for d in data for o in d.orgs]
    needs = list(catalog_needs) + [n for d in data for n in d.needs]
    labels = dict(catalog_labels or {})
    for d in data:
        labels.update(d.labels)
    sources = sources or Decisions()
    sources.labeled_folder_needs = sum(len(d.labels) for d in data)
    require_enough(sources, min_decisions)
    clf, cfg, guard = _classifier(orgs, needs, labels, set(catalog_labels or {}), data, out_dir)
    ranker, rank_report = _ranker(clf, cfg, data, decisions)
    if guard["chosen"] == "new":
        clf.meta["decisions"] = sources.as_dict()
        clf.meta["labeled_folders"] = [folder_fingerprint(d.path) for d in data]
        clf.meta["cv"] = _cv(data) if cross_validate else None
        clf.meta["out_of_fold"] = out_of_fold(data) if cross_validate else None
        clf.save(out_dir / CLASSIFIER_PATH)
    ranker.meta["report"] = rank_report
    ranker.save(out_dir / RANKER_PATH)
    report = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "classifier": {k: v for k, v in clf.meta.items() if k not in ("cv", "decided_need_ids")},
        "classifier_guard": guard,
        "decisions": sources.as_dict(),
        "ranker": {"weights": ranker.weights, **rank_report},
        "cv": clf.meta.get("cv"),
        "out_of_fold": clf.meta.get("out_of_fold"),
        "labeled": [str(d.path) for d in data],
    }
    (out_dir / "category_classifier" / "metrics.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1, default=float), "utf-8"
    )
    write_cards(report, out_dir)
    return report


def _cv(data: list[Labeled]) -> dict | None:
    """Cross-validation of the training procedure on the first labeled folder."""
    if not data or len(data[0].needs) < 10:
        return None
    from matching.evaluation.crossval import run_cv

    res = run_cv(data[0].path)
    return {"summary": res["summary"], "baseline": res["baseline"], "pooled": res["pooled"]}


def _classifier(
    orgs: list[OrgRecord],
    needs: list[NeedRecord],
    labels: dict[str, NeedLabel],
    decided: set[str],
    data: list[Labeled],
    out_dir: Path,
) -> tuple[CategoryClassifier, MatcherConfig, dict]:
    """The new classifier with its thresholds if it wins over the previous artifact on newly
    decided needs, else the previous one with its stored thresholds. A run on labeled folders
    with no newly decided needs ships the new one: curated labels, measured by CV."""
    clf = train_category_model(orgs, needs, labels)
    labeled = [n for n in needs if n.id in labels]
    previous = load_previous(out_dir / CLASSIFIER_PATH)
    guard = compare_classifiers(clf, previous, labeled, labels, decided)
    if guard["chosen"] == "previous" and data and "compared_needs" not in guard:
        guard = guard | {"chosen": "new", "reason": "labeled folders; " + guard["reason"]}
    if guard["chosen"] == "previous" and previous is not None:
        cfg = MatcherConfig()
        for k, v in previous.meta.get("config", {}).items():
            setattr(cfg, k, v)
        return previous, cfg, guard
    cfg = _thresholds(clf, data, [n.id for n in labeled], out_dir)
    clf.meta["config"] = {k: getattr(cfg, k) for k in CONFIG_KEYS}
    clf.meta["decided_need_ids"] = sorted(decided)
    return clf, cfg, guard


def _thresholds(
    clf: CategoryClassifier, data: list[Labeled], labeled_ids: list[str], out_dir: Path
) -> MatcherConfig:
    """Gap and prohibited thresholds and the calibrated P(can serve) map, calibrated against the
    organizations the first labeled folder's needs were judged with, on the needs of every
    folder that describes the same organizations. Without a labeled folder there is nothing to
    calibrate on: the previous artifact's thresholds are kept. `labeled_ids`: the order of the
    classifier's out-of-fold probabilities (the labeled needs it was trained on)."""
    cfg = MatcherConfig()
    previous = out_dir / CLASSIFIER_PATH
    if not data:
        if previous.exists():
            for k, v in CategoryClassifier.load(previous).meta.get("config", {}).items():
                setattr(cfg, k, v)
        return cfg
    same = same_orgs(data)
    m = Matcher(clf, config=cfg).index(data[0].orgs)
    labels = {k: v for d in same for k, v in d.labels.items()}
    qrels = {k: v for d in same for k, v in d.qrels.items()}
    sub = [n for d in same for n in d.needs if n.id in labels]
    if clf.oof_proba is not None:
        pos = {nid: i for i, nid in enumerate(labeled_ids)}
        full = clf.oof_proba
        clf.oof_proba = full[[pos[n.id] for n in sub]]
        calibrate_thresholds(m, sub, labels)
        fit_probability(m, sub, labels, qrels)
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


def train_from_catalog(
    session: Session,
    labeled_dirs: Sequence[str | Path],
    models_dir: str | Path | None = None,
    min_decisions: int = MIN_DECISIONS,
) -> dict:
    """The `matching train` command: catalog profiles, people's categories, decisions.
    Raises TooFewDecisions (nothing written) below `min_decisions`."""
    from catalog.models import Need
    from matching.adapter import load_orgs, need_record

    orgs = load_orgs(session)
    needs, labels = [], {}
    src = Decisions()
    for n in session.scalars(select(Need).where(Need.category_source.in_(("office", "reviewer")))):
        rec = need_record(n)
        rec.category = None  # the label is the target, not an input
        needs.append(rec)
        labels[n.id] = NeedLabel(n.category_name, bool(n.prohibited), None)
        if n.category_source == "reviewer":
            src.reviewer_category_corrections += 1
        else:
            src.office_categories += 1
    pairs = decision_pairs(session)
    src.office_confirmations = int((pairs[1] > 0).sum())
    src.office_rejections = int((pairs[1] == 0).sum())
    return train_shipped(
        labeled_dirs,
        models_dir,
        orgs,
        needs,
        labels,
        pairs,
        sources=src,
        min_decisions=min_decisions,
    )
