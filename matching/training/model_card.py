"""Model cards written next to the artifacts by every training run, from its report, so the
numbers in a card are always those of the artifact beside it."""

from __future__ import annotations

from pathlib import Path

from matching.channels.features import RANK_PROBABILITY_POWER


def _fmt(summary: dict | None, key: str) -> str:
    if not summary or key not in summary:
        return "n/a"
    v = summary[key]
    return f"{v['mean']:.3f} ± {v['std']:.3f}"


# The classifier card; `classifier_card` fills in the figures of one training report.
CLASSIFIER_CARD = """# Model card: service-category classifier

**Artifact**: `model.joblib` (joblib; `matching.channels.classifier.CategoryClassifier.load`).
Trained {trained_at} by `flask --app web matching train` / `matching.training.retrain.train_shipped`.

## What it does
Predicts which of the 25 service subcategories (Zhuhai 2021 measures, Art. 8) a community need is
about, plus a pseudo-class `__prohibited__` for Art. 11 types (equity investment or business,
community debts, municipal maintenance, full-time firefighters/cleaners/patrols, matters outside
the street's responsibility). Output: calibrated probabilities over those 26 classes.

Used by the matcher for: the need's category, the ranking (P(org offers the need's category)),
the gap decision (P(some organization here offers it) < gap threshold), and, with the catalog's
keyword rules, the prohibited flag (never drops a need; flags it for the reviewer).

## Model
Character 1–3-gram TF-IDF (after NFKC, lower case and, for Traditional script, OpenCC tw2sp
phrase conversion plus the Hong Kong / Macau / Taiwan service vocabulary of the lexicon's
`regional_terms`) → linear SVM (C = {C}, class weights {class_weight}). SVM margins →
probabilities by temperature scaling (T = {temperature:.2f}) fitted on 5-fold out-of-fold margins
of the labeled needs. The ranking uses these probabilities raised to the power {power} and
renormalized (`channels/features.RANK_PROBABILITY_POWER`), so the runner-up category's
organizations get a place when the classifier is unsure; category, confidence and thresholds
use the calibrated ones.

## Training data ({counts})
- `matching/data/category_lexicon.json`: descriptions and colloquial vocabulary per
  subcategory and per Art. 11 type, in Chinese and English, written from general social-work
  knowledge (each keyword is also a one-phrase training document).
- The catalog taxonomy's own descriptions and keywords (`catalog/data/taxonomy.json`).
- Labeled needs: {labeled} (labels.jsonl), plus needs whose
  category a person set in the catalog.
- Organization profiles are NOT used by default: measured no gain (a profile names several
  categories, so it is a noisy example of each); `profile_weight` turns them on.

## Decisions it learned from
{learned}

## Last retraining run
{guard}

## Calibrated thresholds (stored in the artifact's meta)
- gap threshold: {gap_threshold:.3f} (maximizes gap F1 on out-of-fold predictions)
- prohibited threshold: {prohibited_threshold:.3f} (maximizes F2 of the classifier
  alone on out-of-fold predictions; the keyword rules are OR-ed on top)

## Measured quality (5-fold CV on the labeled dev set, mean ± spread over folds)
Everything trained on labeled needs is refit on 4 folds and scored on the 5th.

| metric | pipeline (CV) | char TF-IDF baseline |
|---|---|---|
{rows}

nDCG@10 by need language (pooled CV run): {lang}.

## Out of fold on each labeled folder it learned from
{oof}

## Limits
- 150 labeled needs; fold spread is large (see ±). The English dev needs are only 5.
- Colloquial needs that straddle two services (an older person's loneliness: 居家养老 or
  心理咨询?) are the main error; the second-best category still gets ranking weight.
- Does not know services outside the taxonomy; a new kind of need (Art. 9) shows as low
  confidence, and the reviewer sets the category.
"""


CLASSIFIER_METRICS = (
    "ndcg@10",
    "recall@10",
    "recall@5",
    "mrr",
    "category_accuracy",
    "gap_precision",
    "gap_recall",
    "gap_f1",
    "prohibited_recall",
    "prohibited_false_alarms",
)


SOURCES = {
    "office_confirmations": "office confirmations of suggestions (ranker pairs, grade 2)",
    "office_rejections": "office rejections of suggestions (ranker pairs, grade 0)",
    "office_categories": "categories an office set on its needs",
    "reviewer_category_corrections": "categories a reviewer set or corrected",
    "labeled_folder_needs": "labeled needs of exchange-format folders",
}


def _sources(decisions: dict | None) -> str:
    if not decisions:
        return "- not recorded (an artifact trained before decisions were recorded)"
    lines = [f"- {text}: {decisions.get(k, 0)}" for k, text in SOURCES.items()]
    return "\n".join([*lines, f"- total: {decisions.get('total', 0)}"])


def _guard(report: dict) -> str:
    """Whether the run's new classifier replaced the previous artifact, and why."""
    g = report.get("classifier_guard") or {}
    shipped = "new classifier shipped" if g.get("chosen") == "new" else "previous artifact kept"
    figures = ""
    if "compared_needs" in g:
        figures = (
            f" Category accuracy on {g['compared_needs']} newly decided needs: new (out-of-fold) "
            f"{g['accuracy_new']:.3f} vs previous {g['accuracy_previous']:.3f}."
        )
    reason = f" ({g['reason']})" if g.get("reason") else ""
    run = _sources(report.get("decisions")).replace("\n", "; ").replace("- ", "")
    return f"{report.get('trained_at')}: {shipped}{reason}.{figures}\nThat run's decisions: {run}."


OOF_KEYS = (
    "ndcg@10",
    "category_accuracy",
    "title_only/ndcg@10",
    "zh-Hant/ndcg@10",
    "prohibited_recall",
    "prohibited_false_alarms",
    "ece",
    "likely_precision",
    "likely_grade2_coverage",
)


def _oof(report: dict) -> str:
    """Each labeled folder scored by models trained on the lexicon, the other folders and its
    own other folds (5 stratified folds, seed 0): `matching evaluate` on such a folder with this
    artifact would be in-sample, so these are its figures."""
    oof = report.get("out_of_fold") or {}
    if not oof:
        return "- one labeled folder (or none): the 5-fold CV above is its out-of-fold figure"
    names = list(oof)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for k in OOF_KEYS:
        cells = " | ".join(f"{oof[n][k]:.3f}" if k in oof[n] else "n/a" for n in names)
        lines.append(f"| {k} | {cells} |")
    return "\n".join(lines)


def classifier_card(report: dict) -> str:
    clf = report["classifier"]
    cv = report.get("cv") or {}
    s, base, pooled = cv.get("summary"), cv.get("baseline") or {}, cv.get("pooled") or {}
    lang = ", ".join(f"{k} {v:.3f}" for k, v in (pooled.get("ndcg@10_by_lang") or {}).items())
    rows = "\n".join(
        f"| {k} | {_fmt(s, k)} | {base.get(k, float('nan')):.3f} |" for k in CLASSIFIER_METRICS
    )
    cfg = clf.get("config", {})
    return CLASSIFIER_CARD.format(
        trained_at=clf.get("trained_at"),
        C=clf.get("params", {}).get("C"),
        class_weight=clf.get("params", {}).get("class_weight") or "uniform",
        temperature=clf.get("temperature", 0),
        power=RANK_PROBABILITY_POWER,
        counts=", ".join(f"{k}: {v}" for k, v in clf.get("training_counts", {}).items()),
        labeled=", ".join(report.get("labeled", [])) or "none",
        gap_threshold=cfg.get("gap_threshold", 0),
        prohibited_threshold=cfg.get("prohibited_threshold", 0),
        rows=rows,
        lang=lang or "n/a",
        learned=_sources(clf.get("decisions")),
        guard=_guard(report),
        oof=_oof(report),
    )


def ranker_card(report: dict) -> str:
    r = report["ranker"]
    weights = "\n".join(f"| {k} | {v:+.3f} |" for k, v in r["weights"].items())
    held = {k: v for k, v in r.items() if k.startswith("heldout")}
    held_line = (
        "Held-out needs (20 %; classifier probabilities in-sample, so this compares the weights "
        "only): " + ", ".join(f"{k} {v:.3f}" for k, v in held.items())
        if held
        else ""
    )
    return f"""# Model card: suggestion ranker

**Artifact**: `model.joblib` (`matching.ranking.ranker.LinearRanker.load`); chosen: **{r.get("chosen")}**.
{held_line}
Whole-pipeline 5-fold CV on the dev set (`benchmarks/results/quality.md`): default weights
nDCG@10 0.903 vs a ranker trained on the training folds' qrels 0.891, so the default ships.

score = Σ weight × feature, over the features of a (need, organization) pair:

| feature | weight |
|---|---|
{weights}

- `category` = P(the need's subcategory ∈ the organization's categories); `category_x_area` the
  same when the organization covers the need's street. Together ≈ the expected relevance grade.
- `dense` has weight 0: with the default English-only all-MiniLM-L6-v2 the dense channel was
  measured (5-fold CV) to add nothing (nDCG@10 0.900 at weight 0.1, 0.897 at 0.3, vs 0.901 off).
  A deployment with a multilingual model should re-measure and retrain.
- Founding year, size and evaluation grade are not features at all (Zhuhai Art. 16).
- `matching train` refits a logistic model on graded pairs (qrels of labeled folders; confirmed
  = 2 / rejected = 0 suggestions from the catalog) and keeps it only if it beats these weights
  on held-out needs.
"""


def write_cards(report: dict, models_dir: str | Path) -> None:
    base = Path(models_dir)
    (base / "category_classifier").mkdir(parents=True, exist_ok=True)
    (base / "ranker").mkdir(parents=True, exist_ok=True)
    (base / "category_classifier" / "MODEL_CARD.md").write_text(classifier_card(report), "utf-8")
    (base / "ranker" / "MODEL_CARD.md").write_text(ranker_card(report), "utf-8")
