"""Retraining ships only where it wins: a new classifier that loses on newly decided needs
leaves the previous artifact in place, a run on too few decisions is refused with nothing
written, and the model card records the decisions (by source) the artifact learned from."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.models import Need
from matching import service
from matching.service import CLASSIFIER_PATH
from matching.training import retrain
from matching.training.guard import Decisions, TooFewDecisions
from matching.training.train import NeedLabel

from ..conftest import need
from .test_retrain import confirm_first_reject_last

# Colloquial needs of our own wording, by category: a first batch the previous artifact
# learned from, a second batch decided since.
TEXTS = {
    "居家养老": [
        ("楼里几个老人自己住，做饭吃力", "想找人每天中午送一顿热饭，顺便看看身体。"),
        ("老伴走了以后老人一个人在家", "腿脚不便，下楼买菜都难，希望有人常来家里坐坐。"),
        ("高龄老人洗澡不方便", "家里卫生间滑，想请人定期上门帮忙洗澡和打扫。"),
        ("老人白天家里没人照看", "子女上班，老人白天一个人，希望有个地方白天有人照料。"),
    ],
    "矛盾调解": [
        ("楼上楼下为漏水吵了好几回", "两家都不肯让步，想请中间人坐下来把话说开。"),
        ("停车位的事邻居闹得很僵", "几户人家为车位争执，希望有人出面调停。"),
        ("兄弟几个为老房子分家闹翻", "家里为房产分配起了纠纷，想找调解员帮忙说和。"),
        ("小区里养狗扰民起了冲突", "狗叫声和卫生问题让邻里关系紧张，想有人来调解。"),
    ],
    "妇女儿童服务": [
        ("放学后孩子没人管", "双职工家庭多，孩子下午四点放学后没人看，想有课后托管。"),
        ("外来务工家庭的孩子缺陪伴", "父母忙着打工，孩子周末没人陪，希望有人组织活动。"),
        ("单亲妈妈带孩子压力大", "想有人给她们讲讲育儿，也能互相说说心里话。"),
        ("孩子在家玩手机停不下来", "家长管不住，希望有人教孩子安排时间、教家长怎么沟通。"),
    ],
}


def batch(k: int) -> tuple[list, dict[str, NeedLabel]]:
    """Batch 0: the first two needs of each category; batch 1: the other two."""
    needs, labels = [], {}
    for cat, rows in TEXTS.items():
        for i, (title, desc) in enumerate(rows[2 * k : 2 * k + 2]):
            nid = f"d{k}-{cat}-{i}"
            needs.append(need(nid, title, desc))
            labels[nid] = NeedLabel(cat)
    return needs, labels


def both_batches() -> tuple[list, dict[str, NeedLabel]]:
    (a, la), (b, lb) = batch(0), batch(1)
    return a + b, la | lb


def fake_oof(monkeypatch, right: bool) -> None:
    """The new classifier's out-of-fold predictions: all right, or all one wrong class."""
    real = retrain.train_category_model

    def train(orgs, needs, labels, **kw):
        clf = real(orgs, needs, labels, **kw)
        labeled = [n for n in needs if n.id in labels]
        oof = np.full((len(labeled), len(clf.classes)), 0.001)
        for i, n in enumerate(labeled):
            oof[i, clf.classes.index(labels[n.id].category if right else "社区矫正")] = 1.0
        clf.oof_proba = oof / oof.sum(axis=1, keepdims=True)
        return clf

    monkeypatch.setattr(retrain, "train_category_model", train)


def test_new_classifier_that_loses_keeps_the_previous_artifact(tmp_path, monkeypatch):
    models = tmp_path / "models"
    first, first_labels = batch(0)
    retrain.train_shipped([], models, make_orgs_(), first, first_labels)
    before = (models / CLASSIFIER_PATH).read_bytes()
    fake_oof(monkeypatch, right=False)
    needs, labels = both_batches()
    report = retrain.train_shipped([], models, make_orgs_(), needs, labels)
    guard = report["classifier_guard"]
    assert guard["chosen"] == "previous" and guard["compared_needs"] == 6  # batch 1 only
    assert guard["accuracy_new"] == 0.0 < guard["accuracy_previous"]
    assert (models / CLASSIFIER_PATH).read_bytes() == before
    card = (models / "category_classifier" / "MODEL_CARD.md").read_text("utf-8")
    assert "previous artifact kept" in card


def test_new_classifier_that_wins_replaces_the_previous(tmp_path, monkeypatch):
    models = tmp_path / "models"
    first, _ = batch(0)
    wrong = {n.id: NeedLabel("社区矫正") for n in first}  # a previous artifact taught badly
    retrain.train_shipped([], models, make_orgs_(), first, wrong)
    before = (models / CLASSIFIER_PATH).read_bytes()
    fake_oof(monkeypatch, right=True)
    needs, labels = both_batches()
    report = retrain.train_shipped([], models, make_orgs_(), needs, labels)
    guard = report["classifier_guard"]
    assert guard["chosen"] == "new" and guard["accuracy_new"] > guard["accuracy_previous"]
    assert (models / CLASSIFIER_PATH).read_bytes() != before
    clf, _, _ = service.load_models(models)
    assert set(clf.meta["decided_need_ids"]) == set(labels)


def _decide(db, factory) -> None:
    """n1: one suggestion confirmed and one rejected, category corrected by a reviewer;
    n2: its category set by the office."""
    confirm_first_reject_last(db, factory)
    with db.session() as s:
        n1, n2 = s.get(Need, "n1"), s.get(Need, "n2")
        n1.category_name, n1.category_source = "居家养老", "reviewer"
        n2.category_name, n2.category_source = "矛盾调解", "office"


def test_too_few_decisions_are_refused_and_nothing_is_written(db, factory, tmp_path):
    _decide(db, factory)
    models = tmp_path / "models"
    with db.session() as s, pytest.raises(TooFewDecisions, match="4 decisions.*at least 20"):
        retrain.train_from_catalog(s, [], models)
    assert not models.exists() or not any(models.rglob("*"))


def test_model_card_records_the_decisions_by_source(db, factory, tmp_path):
    _decide(db, factory)
    models = tmp_path / "models"
    with db.session() as s:
        report = retrain.train_from_catalog(s, [], models, min_decisions=4)
    assert report["decisions"] == Decisions(1, 1, 1, 1, 0).as_dict()
    card = (models / "category_classifier" / "MODEL_CARD.md").read_text("utf-8")
    learned = card.split("## Decisions it learned from", 1)[1].split("##", 1)[0]
    for line in (
        "office confirmations of suggestions (ranker pairs, grade 2): 1",
        "office rejections of suggestions (ranker pairs, grade 0): 1",
        "categories an office set on its needs: 1",
        "categories a reviewer set or corrected: 1",
        "total: 4",
    ):
        assert line in learned, learned


def make_orgs_():
    from ..conftest import make_orgs

    return make_orgs()
