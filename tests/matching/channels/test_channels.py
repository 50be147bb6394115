"""Unit tests of each channel: lexical, category classifier, dense (with a fake encoder)."""

import numpy as np

from matching.channels.classifier import PROHIBITED, CategoryClassifier
from matching.channels.dense import CachedEncoder, EmbeddingCache
from matching.channels.lexical import LexicalChannel, matched_terms

from ..conftest import FakeEncoder


def test_lexical_ranks_the_profile_sharing_terms_first(orgs):
    lex = LexicalChannel().fit([o.id for o in orgs], [o.profile_text() for o in orgs])
    s = lex.scores("想请机构提供法律咨询和法律援助")
    assert lex.ids[int(np.argmax(s))] == "o-legal-city"


def test_lexical_normalizes_traditional_queries(orgs):
    lex = LexicalChannel().fit([o.id for o in orgs], [o.profile_text() for o in orgs])
    assert np.allclose(lex.scores("長者助餐"), lex.scores("长者助餐"))


def test_matched_terms_are_shared_words():
    terms = matched_terms("独居长者需要助餐和上门探访", "为长者提供助餐配餐、上门探访")
    assert "助餐" in terms and "探访" in "".join(terms)
    assert "需要" not in terms


def test_classifier_understands_colloquial_needs(lexicon_classifier: CategoryClassifier):
    texts = [
        "楼里好几个独居老人，子女不在身边，中午吃饭成了难题",
        "小区邻居因为楼上噪音天天吵架，想请人来调解",
        "Many people lost their jobs and need vocational training",
        "刑满释放回来的人找不到工作，被人看不起",
    ]
    p = lexicon_classifier.predict_proba(texts)
    got = [lexicon_classifier.classes[i] for i in p.argmax(axis=1)]
    assert got == ["居家养老", "矛盾调解", "社区就业", "安置帮教"]
    assert np.allclose(p.sum(axis=1), 1.0)


def test_classifier_has_a_prohibited_class(lexicon_classifier):
    p = lexicon_classifier.predict_proba(["社区想出资入股开商铺，盈利后分红"])[0]
    assert lexicon_classifier.classes[int(p.argmax())] == PROHIBITED


def test_classifier_roundtrip(tmp_path, lexicon_classifier):
    path = tmp_path / "m.joblib"
    lexicon_classifier.save(path)
    again = CategoryClassifier.load(path)
    t = ["老人助餐"]
    assert np.allclose(again.predict_proba(t), lexicon_classifier.predict_proba(t))


def test_temperature_calibration_sharpens_when_margins_are_right(lexicon_classifier):
    clf = lexicon_classifier
    texts = ["独居老人助餐", "法律咨询", "垃圾分类"]
    gold = ["居家养老", "法律援助", "社区环境"]
    margins = clf.decision(texts)
    old = clf.temperature
    try:
        t = clf.calibrate(margins, gold)
        assert t >= old  # all three right → more confident is better
    finally:
        clf.temperature = old


def test_dense_cache_encodes_each_text_once(tmp_path):
    fake = FakeEncoder()
    enc = CachedEncoder(fake, EmbeddingCache(tmp_path / "emb.sqlite"))
    a = enc.encode(["长者助餐", "法律咨询", "長者助餐"])  # Traditional = same normalized text
    assert fake.calls == 2
    b = enc.encode(["长者助餐"])
    assert fake.calls == 2 and np.allclose(a[0], b[0]) and np.allclose(a[0], a[2])
    # A new process sharing the cache file does not re-encode either.
    enc2 = CachedEncoder(fake, EmbeddingCache(tmp_path / "emb.sqlite"))
    enc2.encode(["法律咨询"])
    assert fake.calls == 2


def test_artifact_pickled_before_the_regrouping_still_loads(tmp_path, monkeypatch):
    """Classifiers were pickled as matching.classifier.CategoryClassifier before matching/ was
    grouped by stage; deployments may hold such artifacts, so one pickled under the old module
    path must still load (the shipped one has since been retrained under the new path)."""
    import sys

    import joblib

    import matching.channels.classifier as module
    from matching.channels.classifier import ARTIFACT_VERSION, Corpus

    texts, labels = ["独居老人送餐", "道路维修"], ["居家养老", PROHIBITED]
    clf = CategoryClassifier().fit(Corpus(texts, labels, [1.0, 1.0], ["need", "need"]))
    monkeypatch.setattr(CategoryClassifier, "__module__", "matching.classifier")
    monkeypatch.setitem(sys.modules, "matching.classifier", module)
    path = tmp_path / "old.joblib"
    joblib.dump({"version": ARTIFACT_VERSION, "model": clf}, path)
    monkeypatch.delitem(sys.modules, "matching.classifier")
    monkeypatch.setattr(CategoryClassifier, "__module__", "matching.channels.classifier")
    assert b"matching.classifier" in path.read_bytes()[:4096]
    loaded = CategoryClassifier.load(path)
    assert isinstance(loaded, CategoryClassifier) and PROHIBITED in loaded.classes


def test_need_text_fields_are_recovered_from_its_shape():
    from matching.channels.need_fields import split_need_text
    from matching.records import NeedRecord

    fields = dict(title="社区健康讲座", description="每月一次。讲慢病。", beneficiaries="老人")
    need = NeedRecord(id="n", street="s", **fields)
    assert split_need_text(need.text()) == (
        "社区健康讲座。社区健康讲座。每月一次。讲慢病。",
        "老人",
    )
    assert split_need_text("独居老人 送餐") is None  # a lexicon entry: no fields


def test_beneficiary_weight_zero_ignores_the_beneficiaries(lexicon_classifier):
    from matching.channels.need_fields import weighted_vectors

    vec = lexicon_classifier.vectorizer
    a = weighted_vectors(vec, ["健康讲座。健康讲座。讲慢病。老人"], 0.0)
    b = weighted_vectors(vec, ["健康讲座。健康讲座。讲慢病。儿童"], 0.0)
    assert abs(a - b).sum() < 1e-9
    c = weighted_vectors(vec, ["健康讲座。健康讲座。讲慢病。儿童"], 0.5)
    assert abs(c - b).sum() > 0 and abs(sparse_norm(c) - 1.0) < 1e-9


def sparse_norm(x) -> float:
    return float(np.sqrt(x.multiply(x).sum()))


def test_temperature_scale_softens_the_calibrated_temperature():
    from matching.channels.classifier import Corpus, train_classifier

    base = Corpus()
    needs = Corpus()
    for i in range(12):
        base.add(f"老人送餐{i}", "居家养老", 1.0, "lexicon")
        base.add(f"法律咨询{i}", "法律援助", 1.0, "lexicon")
        needs.add(f"老人吃饭难{i}", "居家养老", 1.0, "need")
        needs.add(f"打官司{i}", "法律援助", 1.0, "need")
        base.add(f"心理疏导{i}", "心理咨询", 1.0, "lexicon")
        needs.add(f"心情不好{i}", "心理咨询", 1.0, "need")
    full = train_classifier(base, needs)
    soft = train_classifier(base, needs, temperature_scale=0.5)
    assert abs(soft.temperature - 0.5 * full.temperature) < 1e-6
    assert soft.meta["params"]["temperature_scale"] == 0.5


def test_ranking_softens_category_probabilities_only_for_ranking():
    from matching.channels.features import soften

    p = np.array([0.9, 0.08, 0.02])
    s = soften(p, 0.7)
    assert abs(s.sum() - 1.0) < 1e-12 and s[1] > p[1] and s[0] < p[0]
    assert np.argsort(-s).tolist() == [0, 1, 2]  # the order of categories is kept
    assert soften(p, 1.0) is p


def test_max_df_drops_ngrams_common_to_most_training_texts():
    """The max_df lever: an n-gram in every training text (here 服务) carries no category."""
    from matching.channels.classifier import Corpus

    texts = ["老人送餐服务", "法律咨询服务", "心理疏导服务", "儿童托管服务"]
    corpus = Corpus(texts, ["a", "b", "c", "d"], [1.0] * 4, ["need"] * 4)
    kept = CategoryClassifier().fit(corpus).vectorizer.vocabulary_
    pruned = CategoryClassifier(tfidf={"max_df": 0.5}).fit(corpus).vectorizer.vocabulary_
    assert "服务" in kept and "服务" not in pruned and "送餐" in pruned


def test_title_once_drops_only_the_repeated_title():
    from matching.channels.need_fields import title_once

    assert title_once("健康讲座。健康讲座。讲慢病。老人") == "健康讲座。讲慢病。老人"
    assert title_once("独居老人 送餐") == "独居老人 送餐"  # a lexicon entry: unchanged


def test_title_expert_adds_the_title_svm_margins():
    from matching.channels.classifier import Corpus
    from matching.channels.need_fields import title_matrix

    texts = [
        "老人送餐",
        "法律咨询",
        "心理疏导",
        "老人。老人。上门。长者",
        "法律。法律。打官司。居民",
    ]
    corpus = Corpus(texts, ["a", "b", "c", "a", "b"], [1.0] * 5, ["need"] * 5)
    poe = CategoryClassifier(title_expert=0.5).fit(corpus)
    need = ["老人。老人。吃饭难。长者"]
    title = poe.title_svm.decision_function(title_matrix(poe.vectorizer, need))
    full = poe.svm.decision_function(poe.vectors(need))
    assert np.allclose(poe.decision(need), full + 0.5 * title)
