from matching.text.normalize import normalize
from matching.text.segment import segment


def test_normalize_traditional_fullwidth_case_space():
    assert normalize("  社區ＡＢＣ　長者１２３  ") == "社区abc 长者123"


def test_normalize_is_idempotent_and_handles_none():
    text = "獨居老人吃飯難，ＨＥＬＰ"
    assert normalize(normalize(text)) == normalize(text)
    assert normalize(None) == ""


def test_segment_drops_punctuation_and_keeps_words():
    words = segment(normalize("独居老人吃饭难，希望有人送餐。"))
    assert "，" not in words and "。" not in words
    assert "送餐" in words or "送" in words


def test_traditional_regional_service_words_become_mainland_terms():
    # Taiwan and Hong Kong words for the same services (our own phrasings).
    assert "志愿者" in normalize("招募志工陪伴身心障礙者") and "残疾" in normalize("身心障礙者")
    assert "低保" in normalize("協助長者申請綜援")
    assert "刑满释放人员" in normalize("更生人就業輔導")
    assert "通过" in normalize("透過社區網路")  # OpenCC tw2sp: Taiwan phrases, not only characters


def test_simplified_text_keeps_its_words():
    # The regional map follows the script: a Simplified text is only case- and space-folded.
    assert normalize("志工 综援") == "志工 综援"


def test_regional_mapping_can_be_switched_off(monkeypatch):
    import matching.text.normalize as norm

    assert normalize("招募志工，服務長者") == "招募志愿者,服务长者"
    monkeypatch.setattr(norm, "REGIONAL", False)
    assert normalize("招募志工，服務長者") == "招募志工,服务长者"
