"""Ask for more when a posting is too thin to match well.

Real postings are often a project name alone (a slogan in quotation marks), or a title plus a
sentence of procurement boilerplate that restates it. From such a text neither a person nor the
classifier can tell whom the service is for or what it should change, and the matcher then
guesses. So, before a draft is submitted, the posting form and the API's answer to a draft say
so and ask three things: who is served, what problem, and where. Asked also when the classifier's
category is uncertain (below the calibrated cut-off), whatever the length.

"Thin" is judged on the words the description adds beyond the title and the beneficiaries,
leaving out the vocabulary of procurement itself (buy, service, organization, period...), which
says nothing about the need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from catalog.chinese import to_traditional
from matching.text.normalize import normalize
from matching.text.segment import segment

EDITABLE = ("draft", "returned")  # need statuses whose text the office can still change
# Fewer new content words than this in the description: the text is "title only".
MIN_NEW_WORDS = 5
# Category confidence below this (the pipeline's default `category_uncertain_below`).
UNCERTAIN_BELOW = 0.5
# Words of procurement and project administration: they describe the contract, not the need.
PROCUREMENT_WORDS = frozenset(
    [
        "购买",
        "采购",
        "政府",
        "社会组织",
        "组织",
        "机构",
        "承接",
        "服务",
        "项目",
        "实施",
        "开展",
        "拟",
        "通过",
        "计划",
        "方案",
        "周期",
        "个月",
        "年度",
        "季度",
        "报告",
        "进展",
        "资金",
        "经费",
        "预算",
        "万元",
        "元",
        "对象",
        "服务对象",
        "提供",
        "进行",
        "工作",
        "相关",
        "活动",
        "以及",
        "等",
        "和",
        "为",
        "的",
        "了",
        "在",
        "由",
        "按",
        "将",
        "对",
        "并",
        "及",
        "其",
        "与",
        "给",
        "向",
        "本",
        "该",
        "此",
        "一",
        "个",
        "次",
        "年",
        "月",
        "日",
    ]
)
QUESTIONS = (
    ("服务谁：哪些人、大约多少人？", "Who is served: which people, about how many?"),
    (
        "要解决什么问题：现在的困难是什么，希望有什么改变？",
        "What problem: what is hard now, what should change?",
    ),
    ("在哪里：哪个社区、村或场所？", "Where: which community, village or place?"),
)


@dataclass(frozen=True)
class TextPrompt:
    reasons: tuple[str, ...]  # "title_only", "category_uncertain"
    zh: str
    en: str

    def as_dict(self) -> dict:
        return {
            "reasons": list(self.reasons),
            "zh": self.zh,
            "zh_hant": to_traditional(self.zh),
            "en": self.en,
            "questions": [{"zh": q, "zh_hant": to_traditional(q), "en": e} for q, e in QUESTIONS],
        }


def new_words(title: str, description: str, beneficiaries: str = "") -> list[str]:
    """Content words of the description that neither the title nor the beneficiaries hold."""
    known = set(segment(normalize(title))) | set(segment(normalize(beneficiaries)))
    words = []
    for w in segment(normalize(description)):
        if w in known or w in PROCUREMENT_WORDS or w.isdigit() or w in words:
            continue
        if len(w) == 1 and not w.isalpha():
            continue
        words.append(w)
    return words


def is_title_only(title: str, description: str, beneficiaries: str = "") -> bool:
    return len(new_words(title, description, beneficiaries)) < MIN_NEW_WORDS


def text_prompt(
    title: str,
    description: str,
    beneficiaries: str = "",
    category_confidence: float | None = None,
) -> TextPrompt | None:
    """The prompt to show before submitting, or None when the text says enough."""
    reasons = []
    if is_title_only(title, description, beneficiaries):
        reasons.append("title_only")
    if category_confidence is not None and category_confidence < UNCERTAIN_BELOW:
        reasons.append("category_uncertain")
    if not reasons:
        return None
    if "title_only" in reasons:
        zh = "描述太少，系统难以判断需要什么服务。提交前请补充："
        en = "The description is too thin to tell what service is needed. Before submitting, add:"
    else:
        zh = "类别不确定，系统难以判断需要什么服务。提交前请补充："
        en = "The category is uncertain. Before submitting, add:"
    return TextPrompt(tuple(reasons), zh, en)


def draft_prompt(need: Any) -> dict | None:
    """The prompt for a catalog need still being written (draft or returned for changes), as
    the office page and the API show it; None once submitted or when the text says enough. The
    category confidence counts only while the category is the model's guess."""
    if str(need.status) not in EDITABLE:
        return None
    conf = need.category_confidence if need.category_source == "model" else None
    prompt = text_prompt(need.title, need.description or "", need.beneficiaries or "", conf)
    return prompt.as_dict() if prompt else None
