"""Features, ranking, gap reasons, prohibited flags and the reverse direction on a small
catalog built in code (categories set by a person, so results don't hinge on the classifier)."""

import dataclasses

import numpy as np
import pytest

from matching.channels.features import FEATURES, OrgTable
from matching.ranking.pipeline import Matcher
from matching.records import OrgRecord, coverage_level

from ..conftest import S1, S2, S3, make_orgs, need


@pytest.fixture()
def matcher(lexicon_classifier, orgs):
    return Matcher(lexicon_classifier).index(orgs)


def test_coverage_levels():
    assert coverage_level(["440402001"], "440402001") == 3
    assert coverage_level(["440402"], "440402001") == 2
    assert coverage_level(["440400"], "440402001") == 1
    assert coverage_level(["440403100"], "440402001") == 0


def test_table_features(orgs):
    t = OrgTable(orgs, ["居家养老", "法律援助", "矛盾调解", "心理咨询", "妇女儿童服务", "社区教育"])
    assert t.coverage(S1).tolist() == [3, 2, 0, 1, 0]
    probs = np.array([0.5, 0.3, 0.2, 0, 0, 0])
    assert t.category_mass(probs).tolist() == pytest.approx([0.5, 0.5, 0.5, 0.5, 0.0])
    assert t.capacity_left.tolist() == [3, 2, 2, 5, 0]


def test_art16_founding_size_rating_are_not_features(lexicon_classifier):
    """Art. 16: founding year, size and grade must not decide; here they cannot even move a score."""
    assert not {"founded", "staff", "rating", "social_workers"} & set(FEATURES)
    a = make_orgs()
    b = [dataclasses.replace(o, founded=2024, staff=1, social_workers=0, rating=None) for o in a]
    n = need("n1", "独居老人吃饭难", "想请机构为独居长者提供助餐和上门探访")
    ra = Matcher(lexicon_classifier).index(a).match(n)
    rb = Matcher(lexicon_classifier).index(b).match(n)
    assert ra.ranking == rb.ranking
    assert [s.score for s in ra.suggestions] == [s.score for s in rb.suggestions]


def test_ranking_prefers_service_then_coverage(matcher):
    r = matcher.match(need("n1", "独居老人吃饭难", "辖区独居长者多，希望提供助餐配餐和上门探访"))
    assert r.category == "居家养老"
    assert r.ranking[:3] == ["o-elder-s1", "o-elder-dist", "o-elder-far"]
    assert not r.gap and not r.prohibited
    top = r.suggestions[0]
    kinds = [x["kind"] for x in top.reasons]
    assert kinds[:3] == ["category", "area", "capacity"]
    assert all(x["zh"] and x["en"] and x["zh_hant"] for x in top.reasons)
    assert "居家养老" in top.reasons[0]["zh"]
    assert set(top.features) == set(FEATURES)


def test_english_need_finds_chinese_organizations(matcher):
    r = matcher.match(
        need(
            "n-en",
            "Meals for elderly living alone",
            "Many older residents live alone and need meal delivery and home visits.",
        )
    )
    assert r.category == "居家养老"
    assert set(r.ranking[:2]) == {"o-elder-s1", "o-elder-dist"}  # both serve S1


def test_gap_no_service(matcher):
    r = matcher.match(need("n2", "退伍老兵", "想为退役军人提供走访慰问", category="退役军人服务"))
    assert r.gap and r.gap_reason == "no_service"
    assert "退役军人服务" in r.gap_reasons[0]["zh"]


def test_gap_no_coverage(matcher):
    r = matcher.match(need("n3", "老人照护", "为高龄老人上门照护", street=S2, category="居家养老"))
    # S2 is in district 440402, which o-elder-dist covers: not a gap.
    assert not r.gap
    r = matcher.match(need("n4", "心理疏导", "情绪疏导", street="440403105", category="心理咨询"))
    assert r.gap and r.gap_reason == "no_coverage"


def test_gap_no_capacity(matcher):
    r = matcher.match(need("n5", "流动儿童", "周末亲子活动", street=S2, category="妇女儿童服务"))
    assert r.gap and r.gap_reason == "no_capacity"
    assert r.suggestions[0].org_id == "o-youth"  # still suggested, reasons say it is full
    assert any(x["kind"] == "capacity" and "已满" in x["zh"] for x in r.suggestions[0].reasons)


def test_prohibited_flag_by_rules_or_classifier(matcher):
    r = matcher.match(
        need("n6", "社区商铺交给机构经营", "机构出资入股经营便利店，盈利后按比例分成")
    )
    assert r.prohibited and r.category is None and not r.gap
    matcher.config.use_rules = False
    r = matcher.match(need("n7", "社区想入股经营", "机构出资入股，经营收益分红给社区"))
    assert r.prohibited and r.prohibited_rule == "classifier"


def test_category_set_by_a_person_wins(matcher):
    r = matcher.match(need("n8", "法律咨询", "法律咨询", category="居家养老"))
    assert r.category == "居家养老"


def test_reverse_direction(matcher, orgs):
    needs = [
        need("a", "楼里邻居为噪音吵架", "想请人调解邻里纠纷", street=S3),
        need("b", "独居老人吃饭难", "为独居长者助餐探访", street=S1),
        need("c", "老人吃饭难", "长者助餐", street=S3),
    ]
    org = next(o for o in orgs if o.id == "o-elder-s1")
    opp = matcher.recommend_for_org(org, needs)
    assert [o.need_id for o in opp][:2] == ["b", "c"]  # own street first, then elsewhere
    assert opp[0].rank == 1 and opp[0].reasons[0]["kind"] == "category"


def test_large_catalog_uses_candidates(lexicon_classifier):
    orgs = [
        OrgRecord(
            f"x{i}",
            f"机构{i}",
            "法律咨询" if i % 2 else "长者助餐",
            ["法律援助"] if i % 2 else ["居家养老"],
            [S1],
            capacity=1,
        )
        for i in range(60)
    ]
    m = Matcher(lexicon_classifier).index(orgs)
    m.config.all_candidates_max = 10
    r = m.match(need("n", "独居老人吃饭难", "为独居长者助餐探访"), top_k=20)
    assert len(r.ranking) >= 20
    assert all(int(oid[1:]) % 2 == 0 for oid in r.ranking[:20])


def test_too_few_candidates_ranks_everyone_in_two_stages(lexicon_classifier):
    """When few organizations offer the likely category, a large catalog still ranks everyone,
    exactly as a small one would, but the text channels run only for the best structured
    scores (scoring every profile's text was matching's slow tail at 100,000 organizations)."""
    orgs = [
        OrgRecord(
            f"x{i}",
            f"机构{i}",
            "长者助餐" if i < 3 else "法律咨询",
            ["居家养老"] if i < 3 else ["法律援助"],
            [S1],
            capacity=1,
        )
        for i in range(60)
    ]
    the_need = need("n", "独居老人吃饭难", "为独居长者助餐探访")
    small = Matcher(lexicon_classifier).index(orgs).match(the_need, top_k=20)
    large = Matcher(lexicon_classifier).index(orgs)
    large.config.all_candidates_max = 10
    large.config.rerank_depth = 100  # deeper than the catalog: one stage, every organization
    same = large.match(the_need, top_k=20)
    assert same.ranking == small.ranking
    assert [s.score for s in same.suggestions] == [s.score for s in small.suggestions]

    large.config.rerank_depth = 30

    def every_profile(_text):  # the full text scan the two stages avoid
        raise AssertionError("scored every profile's text")

    large.lexical.scores = every_profile
    r = large.match(the_need, top_k=20)
    assert len(r.ranking) >= 20 and set(r.ranking[:3]) == {"x0", "x1", "x2"}
