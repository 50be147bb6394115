"""Emerging needs: a planted cluster of off-taxonomy needs is found and labelled; needs that fit
a category are left alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import Category
from matching.planning.emerging import emerging_needs
from matching.planning.taxonomy_fit import LexiconFit

from .conftest import BAITENG, GONGBEI, JIDA, SANZAO, add_need

# Feral cats: not a service of the Art. 8 taxonomy, reported by several streets in similar words.
PLANTED = {
    "cat1": ("野猫绝育和领养", "小区里野猫越来越多，希望有人组织野猫绝育和领养。"),
    "cat2": ("楼道野猫绝育", "野猫在楼道里下崽，想请人给野猫做绝育，再办野猫领养日。"),
    "cat3": ("野猫绝育放归", "想找人抓野猫绝育再放归，给野猫找领养人家。"),
    "cat4": ("野猫TNR", "社区野猫太多，需要野猫TNR绝育放归和领养。"),
    "cat5": ("野猫领养日", "希望办野猫领养日，顺便给没人领养的野猫做绝育。"),
}
FITTING = {
    "old1": ("独居老人吃饭难", "辖区独居老人多，做饭不便，希望提供助餐配餐和上门探访服务。"),
    "old2": ("长者助浴助洁", "高龄长者行动不便，需要上门助浴助洁和居家照护。"),
    "law1": ("居民需要法律咨询", "邻里纠纷多，居民需要免费法律咨询和法律援助，律师定期坐班。"),
    "kid1": (
        "外来务工子女周末没人管",
        "流动儿童周末在出租屋看电视，希望组织儿童成长小组和亲子活动。",
    ),
}
STRAY = {"drone": ("无人机航拍", "无人机爱好者想在社区开展航拍培训。")}


def plant(session) -> None:
    streets = [GONGBEI, JIDA, BAITENG, SANZAO]
    for i, (nid, (title, desc)) in enumerate({**PLANTED, **FITTING, **STRAY}.items()):
        add_need(session, nid, streets[i % 4], title=title, description=desc)
    session.flush()


def check(report) -> None:
    assert report.considered == len(PLANTED) + len(FITTING) + len(STRAY)
    clusters = [{n.id for n in c.needs} for c in report.clusters]
    assert set(PLANTED) in clusters, clusters
    found = next(c for c in report.clusters if {n.id for n in c.needs} == set(PLANTED))
    assert found.emerging
    assert report.clusters[0] is found
    assert "野猫" in found.terms, found.terms
    assert any(t in found.terms for t in ("绝育", "领养")), found.terms
    flagged = {n.id for c in report.clusters for n in c.needs} | {n.id for n in report.singles}
    assert not flagged & set(FITTING)


def test_planted_cluster_with_the_matchers_classifier(session):
    plant(session)
    report = emerging_needs(session)
    assert report.source == "classifier"
    check(report)
    assert "drone" in {n.id for n in report.singles}


def test_planted_cluster_with_the_tfidf_fallback(session):
    plant(session)
    cats = session.scalars(select(Category).order_by(Category.position))
    scorer = LexiconFit(
        [(c.name, " ".join([c.name, c.description or "", *(c.keywords or [])])) for c in cats]
    )
    report = emerging_needs(session, scorer=scorer)
    assert report.source == "tfidf"
    check(report)


def test_nothing_emerges_from_fitting_needs(session):
    for nid, (title, desc) in FITTING.items():
        add_need(session, nid, GONGBEI, title=title, description=desc)
    session.flush()
    report = emerging_needs(session)
    assert report.clusters == [] and report.singles == []


@pytest.mark.parametrize("threshold", [0.0])
def test_threshold_zero_flags_nothing(session, threshold):
    plant(session)
    assert emerging_needs(session, threshold=threshold).clusters == []
