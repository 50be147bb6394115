"""Why each red flag was raised, in plain words: Simplified Chinese first, Traditional Chinese
(converted with OpenCC, as the site does for every domain text) and English. A reviewer who
reads one sentence should know what was measured, against what, and why it may matter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from catalog.chinese import reason

if TYPE_CHECKING:
    from catalog.analytics.red_flags import RedFlag, Thresholds


def _duration(hours: float) -> tuple[str, str]:
    if hours < 1:
        minutes = max(0, round(hours * 60))
        return f"{minutes} 分钟", f"{minutes} minute{'s' * (minutes != 1)}"
    if hours < 48:
        return f"{hours:.1f} 小时", f"{hours:.1f} hours"
    return f"{hours / 24:.1f} 天", f"{hours / 24:.1f} days"


def _repeat(f: RedFlag, name, th: Thresholds) -> tuple[str, str]:
    office, org = name(f.office), name(f.organization_id)
    total, pct = f.detail.get("total", 0), round(100 * f.detail.get("share", 0))
    n = len(f.need_ids)
    return (
        f"{office}在所选时期确认的 {total} 个项目中，有 {n} 个交给了同一家社会组织（{org}，"
        f"占 {pct}%）。同一采购方反复选择同一承接方，可能说明竞争不足，值得了解原因。",
        f"{office} confirmed the same organization ({org}) for {n} of its {total} projects in "
        f"this period ({pct}%). A buyer choosing the same supplier again and again may mean "
        "too little competition: worth asking why.",
    )


def _single(f: RedFlag, name, th: Thresholds) -> tuple[str, str]:
    org = name(f.organization_id)
    return (
        f"该需求只有一个推荐（{org}），而且确认的就是它：没有其他可比较的选择，相当于只有一家"
        "投标。",
        f"This need had a single suggestion ({org}) and that one was confirmed: there was no "
        "alternative to compare with, like a tender that received a single bid.",
    )


def _short(f: RedFlag, name, th: Thresholds) -> tuple[str, str]:
    days = f"{f.value:g}"
    zh, en = f"{days} 天", f"{days} day{'s' * (f.value != 1)}"
    limit = f"{th.notice_min_days:g}"
    return (
        f"该需求公示后 {zh}就标记为已对接，短于 {limit} 天。公示期过短，其他社会组织和公众"
        "来不及了解和提出异议。",
        f"This need was marked matched {en} after it was listed publicly, less than {limit} "
        "days: so short a notice period leaves other organizations and the public no time to "
        "see it or object.",
    )


def _closed(f: RedFlag, name, th: Thresholds) -> tuple[str, str]:
    orgs = [name(o) for o in f.detail.get("orgs", [])]
    return (
        f"该需求已结束，但已确认的社会组织（{'、'.join(orgs)}）没有验收结果（服务对象满意度和"
        "评价等级，《办法》第二十六、二十七条）。",
        f"This need was closed, but the confirmed organization{'s' * (len(orgs) != 1)} "
        f"({', '.join(orgs)}) {'have' if len(orgs) != 1 else 'has'} no acceptance result "
        "(beneficiary satisfaction and grade, Art. 26–27).",
    )


def _fast(f: RedFlag, name, th: Thresholds) -> tuple[str, str]:
    took_zh, took_en = _duration(f.value)
    med_zh, med_en = _duration(float(f.detail.get("median", 0)))
    share = f"{th.fast_factor:.0%}"
    if f.detail.get("kind") == "review":
        what_zh, what_en = "从提交到审核决定", "from submission to the review decision"
        base_zh, base_en = "审核", "reviews"
    else:
        org = name(f.organization_id)
        what_zh, what_en = f"从生成推荐到确认{org}", f"from the suggestion to confirming {org}"
        base_zh, base_en = "确认", "confirmations"
    return (
        f"{what_zh}只用了 {took_zh}，不到本平台{base_zh}用时中位数（{med_zh}）的 {share}。"
        "决定异常快，值得看看是否经过了应有的审查。",
        f"It took {took_en} {what_en}, less than {share} of the platform's median for "
        f"{base_en} ({med_en}). A decision this fast deserves a look at whether it got the "
        "scrutiny it needed.",
    )


WRITERS = {
    "repeat_award": _repeat,
    "single_suggestion": _single,
    "short_notice": _short,
    "closed_without_acceptance": _closed,
    "fast_decision": _fast,
}


def explain(flag: RedFlag, names: Mapping[str, str], th: Thresholds) -> dict:
    """{"kind", "zh", "zh_hant", "en"}: the shape of every reason on the platform."""

    def name(key: str | None) -> str:
        return names.get(key or "", key or "")

    zh, en = WRITERS[flag.indicator](flag, name, th)
    return reason(flag.indicator, zh, en)
