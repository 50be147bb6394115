"""Calibrated P(can serve) on suggestions: aligned with the ranking in run lines, the likely list
is the high-probability prefix in rank order, the isotonic map and the likely cut-off are
fitted from labeled pairs and travel in the config, and the calibration metrics."""

import numpy as np
import pytest

from matching.evaluation.evaluate import run_line
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.ranking.probability import (
    calibrate,
    expected_calibration_error,
    fit_probability,
    likely_cutoff,
    score_probabilities,
)
from matching.training.train import NeedLabel

from ..conftest import S1, need


@pytest.fixture()
def matcher(lexicon_classifier, orgs):
    return Matcher(lexicon_classifier).index(orgs)


def test_run_line_probabilities_align_with_ranking_and_likely_is_ordered(matcher):
    r = matcher.match(need("n1", "独居老人吃饭难", "辖区独居长者多，希望提供助餐配餐和上门探访"))
    line = run_line(r)
    assert len(line["probabilities"]) == len(line["ranking"])
    assert all(0.0 <= p <= 1.0 for p in line["probabilities"])
    # The street's elder-care organization offers the service and covers the street.
    assert line["probabilities"][0] > 0.5 and line["likely"][0] == "o-elder-s1"
    # likely = the suggestions at or above the cut-off, in rank order
    assert line["likely"] == [s.org_id for s in r.suggestions if s.probability >= 0.5]
    pos = [line["ranking"].index(o) for o in line["likely"]]
    assert pos == sorted(pos)
    # A legal-aid organization does not offer elder care: not likely.
    assert "o-legal-city" not in line["likely"]


def test_fitted_calibration_and_cutoff_are_used(matcher, orgs):
    needs = [
        need(f"n{i}", "独居老人吃饭难", "希望提供助餐配餐和上门探访", street=S1) for i in range(4)
    ]
    labels = {n.id: NeedLabel("居家养老") for n in needs}
    qrels = {n.id: {"o-elder-s1": 2, "o-elder-dist": 1} for n in needs}
    fit_probability(matcher, needs, labels, qrels)
    cfg = matcher.config
    assert cfg.probability_x and len(cfg.probability_x) == len(cfg.probability_y)
    assert 0.05 <= cfg.likely_threshold <= 1.0
    # The config round-trips through the model metadata (MatcherConfig(**meta["config"])).
    again = MatcherConfig(**{k: getattr(cfg, k) for k in ("probability_x", "probability_y")})
    r = Matcher(matcher.classifier, config=again).index(orgs).match(needs[0])
    assert r.probabilities == pytest.approx(
        list(
            calibrate(
                np.array([s.features["category_x_area"] for s in r.suggestions]),
                cfg.probability_x,
                cfg.probability_y,
            )
        )
    )


def test_likely_cutoff_keeps_ninety_percent_of_grade_two():
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.2, 0.1, 0.05])
    grade = np.array([2, 2, 2, 2, 2, 2, 2, 2, 2, 2])[: len(p)]
    grade[4:] = [2, 0, 0]
    t = likely_cutoff(p, grade)
    assert t == pytest.approx(0.2)  # 5 grade-2 pairs: ceil(0.9·5) = 5 must be kept
    assert likely_cutoff(p, np.zeros(len(p), dtype=int)) == 0.5


def test_likely_cutoff_steps_off_the_lowest_plateau():
    """Ties: when the coverage quantile falls on the lowest plateau of the isotonic map (the
    organizations that offer none of the need's services), the cut-off takes the next plateau
    up rather than marking every tied organization likely."""
    floor, mid = 0.2, 0.31
    p = np.array([0.9] * 8 + [mid] * 3 + [floor] * 40)
    grade = np.array([2] * 8 + [1, 1, 0] + [2, 2] + [0] * 38)
    t = likely_cutoff(p, grade)  # 10 grade-2 pairs: the 9th (the 0.9 quantile) is on the floor
    assert t == pytest.approx(mid)
    assert (p >= t).sum() == 11  # the whole mid plateau, none of the floor


def test_ece_and_likely_scores():
    assert expected_calibration_error(np.array([0.95, 0.05]), np.array([1.0, 0.0])) == (
        pytest.approx(0.05)
    )
    run = [{"need": "a", "ranking": ["x", "y"], "probabilities": [0.9, 0.2], "likely": ["x"]}]
    out = score_probabilities(run, {"a": {"x": 2, "y": 2}}, {"a": {}})
    assert out["likely_precision"] == 1.0 and out["likely_grade2_coverage"] == 0.5
    assert out["brier"] == pytest.approx((0.01 + 0.64) / 2)
