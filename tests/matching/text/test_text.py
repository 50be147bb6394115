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
