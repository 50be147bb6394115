"""Evaluation of a labeled exchange-format folder: the production pipeline against a plain char
TF-IDF baseline, in the same run.

`evaluate_dir` builds a throwaway catalog in a temporary SQLite database (never the configured
one), imports the folder, runs `matching.service.run_all` exactly as production does, reads the
suggestions back and scores them. qrels and labels are read only by `score_run`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from matching.channels.lexical import LexicalChannel
from matching.evaluation.metrics import (
    mean_over,
    ndcg_at_k,
    precision_recall_f1,
    recall_at_k,
    reciprocal_rank,
)
from matching.ranking.probability import score_probabilities
from matching.ranking.results import MatchResult
from matching.records import NeedRecord, OrgRecord, load_exchange_dir, load_labels


def run_line(r: MatchResult) -> dict:
    """One line of a run file (`--run-out`, cross-validation): what `score_run` reads."""
    return {
        "need": r.need_id,
        "ranking": r.ranking,
        "gap": bool(r.gap),
        "category": r.category,
        "prohibited": bool(r.prohibited),
        "gap_reason": r.gap_reason,
        "teams": [
            {"shape": t["shape"], "members": [m["org_id"] for m in t["members"]]} for t in r.teams
        ],
        "probabilities": [round(p, 4) for p in r.probabilities],  # aligned with "ranking"
        "likely": list(r.likely),  # shown first, best first
    }


def score_run(
    run: Sequence[Mapping],
    qrels: Mapping[str, Mapping[str, int]],
    labels: Mapping[str, Mapping],
    needs: Sequence[NeedRecord] | None = None,
) -> dict:
    """Metrics of a run (one dict per need, as written by --run-out) against gold labels.

    nDCG@10 over needs with any relevant organization; recall@k and MRR over grade-2
    organizations of needs that have one; category accuracy over non-prohibited needs; gap and
    prohibited over all labeled needs."""
    by_need = {r["need"]: r for r in run}
    ndcg, r10, r5, mrr = [], [], [], []
    by_lang: dict[str, list[float]] = {}
    lang = {n.id: n.lang for n in needs or []}
    for nid, r in by_need.items():
        grades = qrels.get(nid, {})
        if any(g > 0 for g in grades.values()):
            v = ndcg_at_k(r["ranking"], grades, 10)
            ndcg.append(v)
            by_lang.setdefault(lang.get(nid, "?"), []).append(v)
        if any(g >= 2 for g in grades.values()):
            r10.append(recall_at_k(r["ranking"], grades, 10, min_grade=2))
            r5.append(recall_at_k(r["ranking"], grades, 5, min_grade=2))
            mrr.append(reciprocal_rank(r["ranking"], grades, min_grade=2))
    scored = [nid for nid in by_need if nid in labels]
    cat_ids = [nid for nid in scored if labels[nid].get("category")]
    gap = precision_recall_f1(
        [bool(by_need[n]["gap"]) for n in scored], [bool(labels[n].get("gap")) for n in scored]
    )
    pro_pred = [bool(by_need[n]["prohibited"]) for n in scored]
    pro_gold = [bool(labels[n].get("prohibited")) for n in scored]
    n_pro = sum(pro_gold)
    return {
        "ndcg@10": mean_over(ndcg),
        "recall@10": mean_over(r10),
        "recall@5": mean_over(r5),
        "mrr": mean_over(mrr),
        "category_accuracy": mean_over(
            float(by_need[n]["category"] == labels[n]["category"]) for n in cat_ids
        ),
        "gap_precision": gap["precision"],
        "gap_recall": gap["recall"],
        "gap_f1": gap["f1"],
        "prohibited_recall": (sum(p and g for p, g in zip(pro_pred, pro_gold, strict=True)) / n_pro)
        if n_pro
        else 0.0,
        "prohibited_false_alarms": sum(
            p and not g for p, g in zip(pro_pred, pro_gold, strict=True)
        ),
        "ndcg@10_by_lang": {k: mean_over(v) for k, v in sorted(by_lang.items())},
        "n_needs": len(scored),
        "n_prohibited": n_pro,
    }


def score_teams(
    run: Sequence[Mapping], qrels: Mapping[str, Mapping[str, int]], labels: Mapping[str, Mapping]
) -> dict:
    """Team proposals (`matching.planning.teams`) of a run: how many predicted gap needs get at least one,
    by gap reason, and how many labeled gap needs do; for needs with qrels, whether members are
    labeled relevant. A gap need has no grade-2 organization by definition, so a lead can be at
    most grade 1 (does the service, doesn't cover the street), and a partner, chosen for local
    presence rather than for the service, is usually unlabeled."""
    by_reason: dict[str, dict[str, int]] = {}
    gold = {"gap_needs": 0, "with_team": 0}
    members = {"teams": 0, "with_relevant_member": 0, "members": 0, "relevant_members": 0}
    first = {"scored": 0, "relevant": 0}  # lead (outside_lead) or first member (split)
    for r in run:
        teams = r.get("teams") or []
        if labels.get(r["need"], {}).get("gap"):
            gold["gap_needs"] += 1
            gold["with_team"] += bool(teams)
        if r.get("gap"):
            row = by_reason.setdefault(r.get("gap_reason") or "?", {"gap_needs": 0, "with_team": 0})
            row["gap_needs"] += 1
            row["with_team"] += bool(teams)
        grades = qrels.get(r["need"], {})
        if not grades:
            continue
        for t in teams:
            ids = t["members"] if isinstance(t, Mapping) else t
            hits = [grades.get(o, 0) > 0 for o in ids]
            members["teams"] += 1
            members["with_relevant_member"] += any(hits)
            members["members"] += len(ids)
            members["relevant_members"] += sum(hits)
            first["scored"] += 1
            first["relevant"] += hits[0]
    return {"by_gap_reason": by_reason, "labeled_gaps": gold, "qrels": members, "lead": first}


def baseline_run(orgs: Sequence[OrgRecord], needs: Sequence[NeedRecord]) -> list[dict]:
    """Plain char TF-IDF (1–2-grams, need text vs profile); category = the top organization's
    first category; never flags gaps or prohibited types."""
    lex = LexicalChannel((1, 2)).fit([o.id for o in orgs], [o.profile_text() for o in orgs])
    out = []
    for n in needs:
        s = lex.scores(n.text())
        order = np.argsort(-s, kind="stable")
        ranking = [orgs[i].id for i in order[: max(20, min(len(orgs), 100))]]
        top = orgs[order[0]] if len(orgs) else None
        out.append(
            {
                "need": n.id,
                "ranking": ranking,
                "gap": False,
                "category": top.categories[0] if top and top.categories else None,
                "prohibited": False,
            }
        )
    return out


def in_sample(path: Path, trained_on: Sequence[Mapping]) -> bool:
    """Whether the folder's needs are among those the classifier learned from (by content:
    the model card's fingerprints, `training.labeled.folder_fingerprint`)."""
    needs = path / "needs.jsonl"
    if not trained_on or not needs.exists():
        return False
    digest = hashlib.sha256(needs.read_bytes()).hexdigest()
    return any(t.get("needs_sha256") == digest for t in trained_on)


def evaluate_dir(
    path: str | Path,
    run_out: str | Path | None = None,
    matcher_factory=None,
    model_setting: str | None = None,
    models_dir: str | Path | None = None,
) -> dict:
    """Evaluate a labeled folder through a throwaway database; returns the metrics object."""
    from catalog.db import Database
    from matching import service
    from matching.adapter import import_exchange_dir

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="matching-eval-") as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'eval.sqlite'}")
        db.create_all()
        with db.session() as session:
            import_exchange_dir(session, path)
        with db.session() as session:
            matcher = service.build_matcher(
                session,
                factory=matcher_factory,
                index_dir=tmp,
                model_setting=model_setting,
                models_dir=models_dir,
            )
            results = service.run_all(session, matcher=matcher, statuses=None)
            trained_on = matcher.classifier.meta.get("labeled_folders") or []
        run = [run_line(r) for r in results]
        db.dispose()
    orgs, needs = load_exchange_dir(path)
    qrels, labels = load_labels(path)
    metrics = score_run(run, qrels, labels, needs)
    metrics["baseline"] = score_run(baseline_run(orgs, needs), qrels, labels, needs)
    metrics["teams"] = score_teams(run, qrels, labels)
    metrics["probability"] = score_probabilities(run, qrels, labels)
    metrics["in_sample"] = in_sample(path, trained_on)
    if metrics["in_sample"]:
        metrics["note"] = (
            "the shipped classifier was trained on this folder: these figures are in-sample; "
            "use --out-of-fold-with for out-of-fold figures"
        )
    if run_out:
        with Path(run_out).open("w", encoding="utf-8") as fh:
            for line in run:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return metrics
