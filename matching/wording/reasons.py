"""Reasons shown to people: why an organization is suggested for a need (or a need for an
organization), and why a need is a gap. Plain sentences in Simplified Chinese, Traditional
Chinese and English; never feature dumps.

Each reason is a dict {"kind", "zh", "zh_hant", "en"} (the shape catalog.Suggestion.reasons holds).
"""

from __future__ import annotations

from functools import lru_cache

from matching.records import CategoryInfo, OrgRecord

AREA_TEXT = {
    3: ("服务范围包含该街道（镇）", "服務範圍包含該街道（鎮）", "serves this street/town directly"),
    2: (
        "服务范围覆盖该街道所在的区",
        "服務範圍覆蓋該街道所在的區",
        "serves the whole district of this street",
    ),
    1: ("服务范围覆盖全市", "服務範圍覆蓋全市", "serves the whole city"),
    0: (
        "服务范围未覆盖该街道，需跨区域承接",
        "服務範圍未覆蓋該街道，需跨區域承接",
        "does not currently serve this street",
    ),
}

GAP_TEXT = {
    "no_service": (
        "平台上没有社会组织提供该类服务",
        "平台上沒有社會組織提供該類服務",
        "no organization on the platform offers this kind of service",
    ),
    "no_coverage": (
        "提供该类服务的社会组织都不覆盖该街道",
        "提供該類服務的社會組織都不覆蓋該街道",
        "organizations offering this service do not cover this street",
    ),
    "no_capacity": (
        "覆盖该街道的同类社会组织承接能力已满",
        "覆蓋該街道的同類社會組織承接能力已滿",
        "organizations offering this service here have no capacity left",
    ),
}


@lru_cache(maxsize=1)
def _s2t():
    from opencc import OpenCC

    return OpenCC("s2t")


@lru_cache(maxsize=8192)
def _hant(text: str) -> str:
    return _s2t().convert(text)


def reason(kind: str, zh: str, en: str, zh_hant: str | None = None) -> dict:
    return {"kind": kind, "zh": zh, "zh_hant": zh_hant or _hant(zh), "en": en}


def category_reason(cat: CategoryInfo, prob: float, offered: bool) -> dict:
    pct = min(99, round(prob * 100))  # a model is never certain; "100%" would claim it is
    if offered:
        return reason(
            "category",
            f"提供「{cat.name}」服务，与本需求的类别相符（判断把握 {pct}%）",
            f"offers {cat.name_en or cat.name}, the service this need is about ({pct}% confidence)",
            f"提供「{cat.name_hant or _hant(cat.name)}」服務，與本需求的類別相符（判斷把握 {pct}%）",
        )
    return reason(
        "category",
        f"未登记「{cat.name}」服务，仅作参考",
        f"does not list {cat.name_en or cat.name}; shown for reference only",
    )


def area_reason(level: int) -> dict:
    zh, hant, en = AREA_TEXT[int(level)]
    return reason("area", zh, en, hant)


def capacity_reason(left: int) -> dict:
    if left > 0:
        return reason(
            "capacity",
            f"目前还可承接 {left} 个项目",
            f"can take on {left} more project{'s' if left != 1 else ''}",
        )
    return reason(
        "capacity", "承接能力已满（在办项目已达上限）", "at full capacity (no projects left)"
    )


def terms_reason(terms: list[str]) -> dict | None:
    if not terms:
        return None
    joined = "、".join(terms)
    return reason(
        "terms",
        f"机构简介与需求都提到：{joined}",
        f"profile and need both mention: {', '.join(terms)}",
    )


def record_reason(credit: float, satisfaction: float | None) -> dict | None:
    if satisfaction is not None and satisfaction >= 85:
        s = round(satisfaction)
        return reason(
            "record", f"以往项目服务对象满意度 {s} 分", f"past beneficiary satisfaction {s}/100"
        )
    if credit < 0:
        return reason(
            "record",
            "信用档案中有警示或处罚记录，请留意",
            "credit record shows warnings or penalties",
        )
    if credit > 0:
        return reason(
            "record", "信用档案中有表彰或检查合格记录", "credit record shows commendations"
        )
    return None


def gap_reason_text(kind: str, cat: CategoryInfo | None) -> dict:
    zh, hant, en = GAP_TEXT[kind]
    if cat is not None:
        zh = f"「{cat.name}」：{zh}"
        hant = f"「{cat.name_hant or _hant(cat.name)}」：{hant}"
        en = f"{cat.name_en or cat.name}: {en}"
    return reason("gap", zh, en, hant)


def pair_reasons(
    category: tuple[CategoryInfo, float] | None, level: int, org: OrgRecord, terms: list[str]
) -> list[dict]:
    """Why an organization suits a need, most telling first: the offered category the need is
    most likely about (`category`: it and its probability; said only from 10 %), the area
    coverage `level`, capacity left, the words need and profile share, the record."""
    out: list[dict] = []
    if category is not None and category[1] >= 0.1:
        out.append(category_reason(category[0], category[1], True))
    out.append(area_reason(level))
    out.append(capacity_reason(org.capacity_left))
    said = terms_reason(terms)
    if said:
        out.append(said)
    rec = record_reason(org.credit, org.satisfaction)
    if rec:
        out.append(rec)
    return out
