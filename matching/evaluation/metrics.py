"""Ranking and classification metrics as small pure functions, shaped like Microsoft Recommenders'
`python_evaluation`: every ranking metric takes the same arguments — a ranked list of ids and the
graded relevance of ids for one query (need), then `k` and `min_grade` — relevance is decided in
one place (`relevant`), and each docstring gives the metric's range. Callers average over queries
(`mean_over`), excluding queries without any relevant id, as TREC and BEIR tooling do.

Grades are those of the labeled sets' qrels: 0 not relevant, 1 partly (offers the service but
does not cover the street), 2 fully relevant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

# A ranked list of ids for one query, best first; and the graded relevance of ids for that
# query (ids not in it are grade 0).
Ranking = Sequence[str]
Grades = Mapping[str, int]

DEFAULT_K = 10  # a clerk reads about ten suggestions; nDCG@10 is the headline figure
DEFAULT_MIN_GRADE = 1  # grade ≥ this counts as relevant for the set-based metrics


def relevant(grades: Grades, min_grade: int = DEFAULT_MIN_GRADE) -> set[str]:
    """The ids that count as relevant: grade ≥ `min_grade`."""
    return {doc for doc, g in grades.items() if g >= min_grade}


def dcg_at_k(ranking: Ranking, grades: Grades, k: int = DEFAULT_K) -> float:
    """DCG with exponential gain (2^g − 1) and log2 discount, as in TREC/BEIR tooling.

    Range: 0 (nothing graded in the top k) to the ideal DCG of `grades` (see `ndcg_at_k`)."""
    return sum(
        (2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranking[:k])
    )


def ndcg_at_k(ranking: Ranking, grades: Grades, k: int = DEFAULT_K) -> float:
    """nDCG@k over graded relevance (every grade counts by its gain, so no `min_grade`).

    Range: 0 to 1 (1 = the top k in the ideal order). A query with no relevant id scores 0 by
    convention and should be left out of the mean by the caller."""
    ideal = sorted(grades.values(), reverse=True)
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal[:k]))
    return dcg_at_k(ranking, grades, k) / idcg if idcg > 0 else 0.0


def precision_at_k(
    ranking: Ranking, grades: Grades, k: int = DEFAULT_K, min_grade: int = DEFAULT_MIN_GRADE
) -> float:
    """Share of the top k that is relevant, over k (as Recommenders and Spark do): a ranking
    shorter than k, or fewer than k relevant ids, caps it below 1.

    Range: 0 to 1."""
    return len(relevant(grades, min_grade) & set(ranking[:k])) / k if k > 0 else 0.0


def recall_at_k(
    ranking: Ranking, grades: Grades, k: int = DEFAULT_K, min_grade: int = DEFAULT_MIN_GRADE
) -> float:
    """Share of the relevant ids found in the top k.

    Range: 0 to 1 (1 even when fewer than k ids are relevant); 0 when none is relevant."""
    rel = relevant(grades, min_grade)
    return len(rel & set(ranking[:k])) / len(rel) if rel else 0.0


def reciprocal_rank(
    ranking: Ranking, grades: Grades, k: int | None = None, min_grade: int = DEFAULT_MIN_GRADE
) -> float:
    """1 / the rank of the first relevant id within the top k (`None`: the whole ranking, as
    the reported MRR uses it).

    Range: 0 (none found) to 1 (the first id is relevant)."""
    rel = relevant(grades, min_grade)
    for i, doc in enumerate(ranking if k is None else ranking[:k]):
        if doc in rel:
            return 1.0 / (i + 1)
    return 0.0


def precision_recall_f1(pred: Iterable[bool], gold: Iterable[bool]) -> dict[str, float]:
    """Precision, recall and F1 of a binary flag (gap, prohibited) against gold labels.

    Range: each 0 to 1; a value with an empty denominator is 0."""
    tp = fp = fn = 0
    for p, g in zip(pred, gold, strict=True):
        tp += bool(p and g)
        fp += bool(p and not g)
        fn += bool(g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def mean_over(values: Iterable[float]) -> float:
    """Mean over queries; 0 for none (a metric that had nothing to measure)."""
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0
