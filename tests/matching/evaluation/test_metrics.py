import math

from matching.evaluation.metrics import (
    DEFAULT_K,
    dcg_at_k,
    ndcg_at_k,
    precision_at_k,
    precision_recall_f1,
    recall_at_k,
    reciprocal_rank,
    relevant,
)


def test_ndcg_perfect_and_reversed():
    grades = {"a": 2, "b": 1}
    assert ndcg_at_k(["a", "b", "c"], grades, 10) == 1.0
    worse = ndcg_at_k(["c", "b", "a"], grades, 10)
    assert 0 < worse < 1
    assert math.isclose(dcg_at_k(["a"], grades, 1), 3.0)


def test_recall_and_mrr_respect_grade():
    grades = {"a": 2, "b": 1, "c": 2}
    assert recall_at_k(["a", "b", "x"], grades, 2, min_grade=2) == 0.5
    assert reciprocal_rank(["b", "x", "c"], grades, min_grade=2) == 1 / 3
    assert recall_at_k(["x"], {}, 10) == 0.0


def test_precision_at_k_divides_by_k_and_shares_relevance():
    grades = {"a": 2, "b": 1, "c": 0}
    assert relevant(grades) == {"a", "b"} and relevant(grades, min_grade=2) == {"a"}
    assert precision_at_k(["a", "c", "b", "x"], grades, 2) == 0.5
    assert precision_at_k(["a", "b"], grades, 2, min_grade=2) == 0.5
    # A ranking shorter than k cannot reach 1 (Recommenders' and Spark's convention).
    assert precision_at_k(["a", "b"], grades) == 2 / DEFAULT_K
    assert precision_at_k([], {}) == 0.0


def test_every_ranking_metric_takes_the_same_arguments_and_stays_in_range():
    ranking, grades = ["x", "b", "a", "y"], {"a": 2, "b": 1, "z": 2}
    for metric in (ndcg_at_k, precision_at_k, recall_at_k, reciprocal_rank):
        value = metric(ranking, grades, k=3)
        assert 0.0 <= value <= 1.0, metric.__name__
    assert reciprocal_rank(ranking, grades, k=1) == 0.0
    assert reciprocal_rank(ranking, grades, min_grade=2) == 1 / 3


def test_precision_recall_f1():
    m = precision_recall_f1([True, True, False, False], [True, False, True, False])
    assert m == {"precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_prohibited_recall_counts_only_folds_with_prohibited_needs():
    """A scored set without prohibited needs reports n_prohibited 0, so cross-validation can
    leave it out of the fold mean instead of counting recall 0 as misses."""
    from matching.evaluation.evaluate import score_run

    run = [{"need": "n1", "ranking": [], "gap": False, "category": "c", "prohibited": False}]
    labels = {"n1": {"category": "c", "gap": False, "prohibited": False}}
    m = score_run(run, {}, labels)
    assert m["n_prohibited"] == 0 and m["prohibited_recall"] == 0.0
    labels["n1"] = {"category": None, "gap": False, "prohibited": True}
    run[0]["prohibited"] = True
    assert score_run(run, {}, labels)["n_prohibited"] == 1
