"""The thin-text prompt: a title with boilerplate is caught, a described need is not, an
uncertain category asks too, and only drafts (or returned needs) are prompted."""

from __future__ import annotations

from types import SimpleNamespace

from matching.wording.thin_text import draft_prompt, is_title_only, text_prompt

TITLE = "“暖心同行”关爱行动"
BOILERPLATE = "本项目拟通过政府购买社会组织服务实施“暖心同行”关爱行动，服务周期12个月。"
DESCRIBED = (
    "辖区独居老人多，子女在外地，平时吃饭将就、生病没人知道。希望有机构每周上门探访两次，"
    "帮忙买菜做饭，教老人用紧急呼叫器。"
)


def test_title_with_boilerplate_is_title_only():
    assert is_title_only(TITLE, "")
    assert is_title_only(TITLE, BOILERPLATE, "辖区居民")
    assert is_title_only("長者關愛計劃", "本計劃透過購買服務實施，服務對象為長者。", "長者")


def test_a_described_need_is_not_thin():
    assert not is_title_only(TITLE, DESCRIBED, "独居老人")
    assert text_prompt(TITLE, DESCRIBED, "独居老人", category_confidence=0.8) is None


def test_prompt_asks_who_what_where_and_names_its_reasons():
    prompt = text_prompt(TITLE, BOILERPLATE, category_confidence=0.3)
    assert prompt is not None and prompt.reasons == ("title_only", "category_uncertain")
    out = prompt.as_dict()
    assert len(out["questions"]) == 3
    assert "服务谁" in out["questions"][0]["zh"] and "服務" in out["questions"][0]["zh_hant"]
    assert "Where" in out["questions"][2]["en"]
    uncertain = text_prompt(TITLE, DESCRIBED, category_confidence=0.3)
    assert uncertain is not None and uncertain.reasons == ("category_uncertain",)
    assert "类别不确定" in uncertain.zh


def _need(status: str, source: str | None = "model", confidence: float | None = 0.9):
    return SimpleNamespace(
        status=status,
        title=TITLE,
        description=BOILERPLATE,
        beneficiaries="辖区居民",
        category_source=source,
        category_confidence=confidence,
    )


def test_only_needs_still_being_written_are_prompted():
    assert draft_prompt(_need("draft"))["reasons"] == ["title_only"]
    assert draft_prompt(_need("returned")) is not None
    assert draft_prompt(_need("submitted")) is None
    # A category a person chose is not "uncertain", whatever the model's confidence was.
    described = _need("draft", source="manual", confidence=0.1)
    described.description = DESCRIBED
    assert draft_prompt(described) is None
