"""Reasons shown to people: why an organization is suggested for a need (or a need for an
organization), and why a need is a gap. Plain sentences in Simplified Chinese, Traditional
Chinese and English; never feature dumps.

Each reason is a dict {"kind", "zh", "zh_hant", "en"} (the shape catalog.Suggestion.reasons holds).
"""

from __future__ import annotations

from catalog.chinese import reason
from catalog.chinese import to_traditional as _hant
from matching.records import CategoryInfo, OrgRecord

# What a suggestion's coverage level (3 street, 2 district, 1 city, 0 none) and a gap's reason
# say; the Traditional text is converted (catalog.chinese), as for every reason.
AREA_TEXT = {
    3: ("服务范围包含该街道（镇）", "serves this street/town directly"),
    2: ("服务范围覆盖该街道所在的区", "serves the whole district of this street"),
    1: ("服务范围覆盖全市", "serves the whole city"),
    0: ("服务范围未覆盖该街道，需跨区域承接", "does not currently serve this street"),
}

GAP_TEXT = {
    "no_service": (
        "平台上没有社会组织提供该类服务",
        "no organization on the platform offers this kind of service",
    ),
    "no_coverage": (
        "提供该类服务的社会组织都不覆盖该街道",
        "organizations offering this service do not cover this street",
    ),
    "no_capacity": (
        "覆盖该街道的同类社会组织承接能力已满",
        "organizations offering this service here have no capacity left",
    ),
}


def category_reason(cat: CategoryInfo, prob: float, offered: bool) -> dict:
    pct = min(99, round(prob * 100))  # a model is never certain; "100%" would claim it is
    if offered:
        return reason(
            "category",
            f"提供「{cat.name}」服务，与本需求的类别相符（可能性约 {pct}%）",
            f"offers {cat.name_en or cat.name}, the service this need is about ({pct}% confidence)",
            f"提供「{cat.name_hant or _hant(cat.name)}」服務，與本需求的類別相符（可能性約 {pct}%）",
        )
    return reason(
        "category",
        f"未登记「{cat.name}」服务，仅作参考",
        f"does not list {cat.name_en or cat.name}; shown for reference only",
    )


def area_reason(level: int) -> dict:
    zh, en = AREA_TEXT[int(level)]
    return reason("area", zh, en)


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
    zh, en = GAP_TEXT[kind]
    if cat is None:
        return reason("gap", zh, en)
    hant = f"「{cat.name_hant or _hant(cat.name)}」：{_hant(zh)}"
    return reason("gap", f"「{cat.name}」：{zh}", f"{cat.name_en or cat.name}: {en}", hant)


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
