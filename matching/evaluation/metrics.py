"""Ranking and classification metrics as small pure functions (Microsoft Recommenders style):
each takes a ranked list and a relevance map for one query; callers average over queries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence


def dcg_at_k(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """DCG with exponential gain (2^g − 1) and log2 discount, as in TREC/BEIR tooling."""
    return sum(
        (2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranking[:k])
    )


def ndcg_at_k(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k; a query with no relevant documents scores 0 by convention and is usually
    excluded by the caller (see `mean_over`)."""
    ideal = sorted(grades.values(), reverse=True)
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal[:k]))
    return dcg_at_k(ranking, grades, k) / idcg if idcg > 0 else 0.0


def recall_at_k(
    ranking: Sequence[str], grades: Mapping[str, int], k: int = 10, min_grade: int = 1
) -> float:
    relevant = {d for d, g in grades.items() if g >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / len(relevant)


def reciprocal_rank(ranking: Sequence[str], grades: Mapping[str, int], min_grade: int = 1) -> float:
    for i, doc in enumerate(ranking):
        if grades.get(doc, 0) >= min_grade:
            return 1.0 / (i + 1)
    return 0.0


def precision_recall_f1(pred: Iterable[bool], gold: Iterable[bool]) -> dict[str, float]:
    tp = fp = fn = 0
    for p, g in zip(pred, gold, strict=True):
        tp += p and g
        fp += p and not g
        fn += g and not p
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def mean_over(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0
