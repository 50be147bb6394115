"""Out-of-fold evaluation of a labeled folder that the shipped procedure also trains on.

Once a folder (real-dev) is among the training data, scoring it with the shipped model is
in-sample. This module measures it the only honest way: the target folder's needs are split
into K stratified folds (fixed seed) and each fold is scored by models trained on the lexicon,
every extra folder (dev) and the OTHER folds of the target — classifier, temperature, gap and
prohibited thresholds, probability map and likely cut-off, exactly as `flask matching train`
fits them. Repeated over several seeds for the spread. In the same run: the model trained on the
extra folders alone (what shipped before the target was trained on) and the char TF-IDF
keyword baseline, both on every target need, plus segments (title-only vs described, by
language, prohibited) and how much category accuracy the description adds on described needs.
"""

from __future__ import annotations

import json
import statistics
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

from matching.evaluation.evaluate import baseline_run, run_line, score_run
from matching.ranking.pipeline import Matcher
from matching.ranking.probability import fit_probability, score_probabilities
from matching.records import NeedRecord, OrgRecord
from matching.training.labeled import Labeled, load_prefixed
from matching.training.train import NeedLabel, calibrate_thresholds, train_category_model

# A source description shorter than this counts as a title-only posting (data/real-dev/README.md).
TITLE_ONLY_CHARS = 40
KEYS = ("ndcg@10", "category_accuracy", "prohibited_recall", "prohibited_false_alarms", "gap_f1")
PROB_KEYS = ("ece", "brier", "likely_precision", "likely_grade2_coverage", "likely_per_need")


def load_set(path: str | Path, prefix: str) -> Labeled:
    """A labeled folder with need ids prefixed (dev and real-dev both number need-001…)."""
    out = load_prefixed(Path(path), prefix)
    out.title_only = {f"{prefix}:{k}" for k in _title_only_ids(Path(path))}
    return out


def _title_only_ids(path: Path) -> set[str]:
    """Needs whose source had no real description: from `items.jsonl` (real-dev's source of
    truth, where rd-NNN is need-NNN) when the folder has one; otherwise none."""
    items = path / "items.jsonl"
    if not items.exists():
        return set()
    out = set()
    for line in items.read_text("utf-8").splitlines():
        if line.strip():
            it = json.loads(line)
            if len((it.get("description") or "").strip()) < TITLE_ONLY_CHARS:
                out.add("need-" + str(it["id"]).split("-", 1)[1])
    return out


def fit_matcher(
    orgs: Sequence[OrgRecord],
    needs: Sequence[NeedRecord],
    labels: Mapping[str, NeedLabel],
    qrels: Mapping[str, Mapping[str, int]],
    train_params: dict | None = None,
) -> Matcher:
    """Classifier and everything calibrated on labeled needs, as the shipped training fits them
    (thresholds and the probability map from the classifier's out-of-fold probabilities)."""
    clf = train_category_model(orgs, needs, labels, **(train_params or {}))
    matcher = Matcher(clf).index(orgs)
    calibrate_thresholds(matcher, needs, labels)
    fit_probability(matcher, needs, labels, qrels)
    return matcher


def report(run: Sequence[dict], target: Labeled) -> dict:
    """Metrics of a run on the target's needs, overall and by segment."""
    needs = {n.id: n for n in target.needs}
    out = score_run(run, target.qrels, target.raw, list(needs.values()))
    out |= score_probabilities(run, target.qrels, target.raw)
    segs = {
        "title_only": lambda n: n.id in target.title_only,
        "described": lambda n: n.id not in target.title_only,
        "zh-Hans": lambda n: n.lang == "zh-Hans",
        "zh-Hant": lambda n: n.lang == "zh-Hant",
    }
    out["segments"] = {}
    for name, keep in segs.items():
        sub = [r for r in run if keep(needs[r["need"]])]
        if sub:
            s = score_run(sub, target.qrels, target.raw, [needs[r["need"]] for r in sub])
            out["segments"][name] = {
                "n": len(sub),
                "ndcg@10": s["ndcg@10"],
                "category_accuracy": s["category_accuracy"],
            }
    return out


def _strata(target: Labeled) -> list[str]:
    """Fold strata: the gold subcategory (prohibited as its own class)."""
    labs = [target.labels[n.id] for n in target.needs]
    return ["__prohibited__" if lab.prohibited else str(lab.category) for lab in labs]


def _weighted(sets: Sequence[Labeled], weight: float) -> dict[str, NeedLabel]:
    """The sets' labels, each need with the given classifier sample weight."""
    return {k: replace(v, weight=weight) for s in sets for k, v in s.labels.items()}


def _title_variants(need: NeedRecord) -> dict[str, NeedRecord]:
    return {
        "title": replace(need, description="", beneficiaries=""),
        "title+beneficiaries": replace(need, description=""),
        "full": need,
    }


def oof_run(
    target: Labeled,
    extra: Sequence[Labeled],
    folds: int = 5,
    seed: int = 0,
    train_params: dict | None = None,
    target_weight: float = 1.0,
    extra_weight: float = 1.0,
) -> tuple[list[dict], dict[str, list[float]]]:
    """The target scored out of fold (each need by models that never saw it), and for its
    described non-prohibited needs, whether the category is right from the title alone, title +
    beneficiaries, and the full text (same fold model)."""
    qrels = {k: v for s in (*extra, target) for k, v in s.qrels.items()}
    labels = _weighted(extra, extra_weight) | _weighted([target], target_weight)
    base = [n for s in extra for n in s.needs]
    run: list[dict] = []
    proxy: dict[str, list[float]] = {k: [] for k in _title_variants(target.needs[0])}
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # classes with fewer members than folds: sklearn warns
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(np.zeros(len(target.needs)), _strata(target)))
    for tr, te in splits:
        train = base + [target.needs[i] for i in tr]
        matcher = fit_matcher(target.orgs, train, labels, qrels, train_params)
        test = [target.needs[i] for i in te]
        run.extend(run_line(r) for r in matcher.match_many(test))
        described = [
            n
            for n in test
            if n.id not in target.title_only and not labels[n.id].prohibited and n.description
        ]
        for name in proxy:
            results = matcher.match_many([_title_variants(n)[name] for n in described])
            proxy[name] += [
                float(r.category == labels[n.id].category)
                for r, n in zip(results, described, strict=True)
            ]
    return run, proxy


def run_transfer_cv(
    target_dir: str | Path,
    extra_dirs: Sequence[str | Path] = (),
    folds: int = 5,
    seeds: Sequence[int] = (0, 1, 2),
    train_params: dict | None = None,
    target_weight: float = 1.0,
    extra_weight: float = 1.0,
) -> dict:
    """Out-of-fold report of the target (per seed, mean and spread over seeds), the model
    trained on the extra folders alone, the keyword baseline and the title-vs-description proxy.
    The extra folders must describe the same organizations as the target (their needs are
    calibrated against the target's organizations)."""
    target = load_set(target_dir, "target")
    extra = [load_set(p, f"extra{i}") for i, p in enumerate(extra_dirs)]
    ids = [o.id for o in target.orgs]
    if any([o.id for o in s.orgs] != ids for s in extra):
        raise ValueError("extra folders must list the same organizations as the target")
    per_seed, proxies = [], []
    for seed in seeds:
        run, proxy = oof_run(target, extra, folds, seed, train_params, target_weight, extra_weight)
        per_seed.append(report(run, target) | {"seed": seed})
        proxies.append({k: statistics.mean(v) if v else 0.0 for k, v in proxy.items()})
    out = {
        "target": str(target_dir),
        "extra": [str(p) for p in extra_dirs],
        "folds": folds,
        "seeds": per_seed,
        "mean": _spread(per_seed),
        "title_vs_description": {"n": len(proxy["full"]), **_spread(proxies)},
        "baseline": report(baseline_run(target.orgs, target.needs), target),
    }
    if extra:
        base_needs = [n for s in extra for n in s.needs]
        labels = _weighted(extra, extra_weight)
        qrels = {k: v for s in extra for k, v in s.qrels.items()}
        m = fit_matcher(target.orgs, base_needs, labels, qrels, train_params)
        out["extra_only"] = report([run_line(r) for r in m.match_many(target.needs)], target)
    return out


def _spread(rows: Sequence[Mapping]) -> dict[str, dict[str, float]]:
    """Mean and population spread over seeds of every top-level number (segments flattened as
    "segment/metric")."""
    flat: list[dict[str, float]] = []
    for r in rows:
        f = {k: float(v) for k, v in r.items() if isinstance(v, int | float) and k != "seed"}
        for seg, vals in (r.get("segments") or {}).items():
            f |= {f"{seg}/{k}": float(v) for k, v in vals.items()}
        flat.append(f)
    return {
        k: {
            "mean": statistics.mean(f[k] for f in flat),
            "std": statistics.pstdev(f[k] for f in flat),
        }
        for k in flat[0]
        if all(k in f for f in flat)
    }


def summary_lines(out: dict) -> list[str]:
    """A markdown table: out-of-fold (mean ± spread over seeds), extra-only, keyword baseline."""
    m, base, only = out["mean"], out["baseline"], out.get("extra_only") or {}

    def val(r: Mapping, k: str) -> str:
        if "/" in k:
            seg, key = k.split("/")
            v = (r.get("segments") or {}).get(seg, {}).get(key)
        else:
            v = r.get(k)
        return "n/a" if v is None else f"{v:.3f}"

    keys = [*KEYS, *PROB_KEYS, "title_only/ndcg@10", "described/ndcg@10", "zh-Hant/ndcg@10"]
    keys += ["title_only/category_accuracy", "zh-Hant/category_accuracy"]
    lines = [
        "| metric | out-of-fold (mean ± spread over seeds) | extra folders only | keyword baseline |",
        "|---|---|---|---|",
    ]
    for k in keys:
        oof = f"{m[k]['mean']:.3f} ± {m[k]['std']:.3f}" if k in m else "n/a"
        lines.append(f"| {k} | {oof} | {val(only, k)} | {val(base, k)} |")
    tv = out["title_vs_description"]
    lines.append("")
    lines.append(
        f"Category accuracy of {tv['n']} described needs, out of fold: title alone "
        f"{tv['title']['mean']:.3f}, title + beneficiaries {tv['title+beneficiaries']['mean']:.3f}, "
        f"title + description + beneficiaries {tv['full']['mean']:.3f}."
    )
    return lines
