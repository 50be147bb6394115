"""Why each recommended action is proposed, in plain words: Simplified Chinese, Traditional
Chinese (converted, as for every matcher reason) and English.

Written after the actions are narrowed to what a viewer may see, so the counts and the streets in
a sentence are always those of the item it explains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matching.planning.actions import BUNDLE, EXTEND, INCUBATE, Action
from matching.planning.bundles import WINDOW_DAYS
from matching.records import CategoryInfo
from matching.wording.reasons import reason

MAX_NAMES = 6


@dataclass
class ActionNames:
    """Display names the sentences need: regions (code → Chinese, English), organizations and
    categories."""

    regions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    orgs: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, CategoryInfo] = field(default_factory=dict)

    def region(self, code: str | None) -> tuple[str, str]:
        zh, en = self.regions.get(code or "", (code or "", code or ""))
        return zh, en or zh

    def category(self, name: str | None) -> tuple[str, str]:
        info = self.categories.get(name or "")
        return (name or "", (info.name_en if info and info.name_en else name or ""))

    def places(self, codes: Sequence[str]) -> tuple[str, str]:
        names = [self.region(c) for c in codes]
        zh = "、".join(n[0] for n in names[:MAX_NAMES])
        en = ", ".join(n[1] for n in names[:MAX_NAMES])
        if len(names) > MAX_NAMES:
            zh += f"等 {len(names)} 个街道（镇）"
            en += f" and {len(names) - MAX_NAMES} more"
        return zh, en


def _extend(a: Action, names: ActionNames) -> dict:
    org = names.orgs.get(a.organization_id or "", a.organization_id or "")
    cat_zh, cat_en = names.category(a.category)
    where_zh, where_en = names.places(a.add_streets)
    near_zh = "包括相邻区" if a.tier else "都在其已服务的区内"
    near_en = "including a neighbouring district" if a.tier else "in a district it already serves"
    n = len(a.closes)
    return reason(
        EXTEND,
        f"{org}提供「{cat_zh}」服务，尚可承接 {a.free_capacity} 个项目；把服务范围扩展到"
        f"{where_zh}（{near_zh}），可解决 {n} 条缺口需求。已在平台数据的副本上重新运行匹配的"
        "缺口规则核验：这些需求确实不再是缺口。",
        f"{org} offers {cat_en} and can take {a.free_capacity} more "
        f"project{'s' * (a.free_capacity != 1)}; adding {where_en} "
        f"({near_en}) to its service area closes {n} gap need{'s' * (n != 1)}. Checked by "
        "rerunning the matcher's gap rule on a copy of the records: these needs really stop "
        "being gaps.",
    )


def _incubate(a: Action, names: ActionNames) -> dict:
    cat_zh, cat_en = names.category(a.category)
    dist_zh, dist_en = names.region(a.district)
    where_zh, where_en = names.places(a.streets)
    n = len(a.closes)
    if a.cause == "no_service":
        why_zh = f"平台上没有社会组织提供「{cat_zh}」服务"
        why_en = f"No organization on the platform offers {cat_en}"
    elif a.free_capacity:
        why_zh = (
            f"提供「{cat_zh}」服务、能覆盖{dist_zh}的社会组织只剩 {a.free_capacity} 个项目的"
            "承接能力，远低于需求"
        )
        why_en = (
            f"Organizations offering {cat_en} within reach of {dist_en} have room for only "
            f"{a.free_capacity} more project{'s' * (a.free_capacity != 1)}, far below demand"
        )
    else:
        why_zh = f"提供「{cat_zh}」服务、能覆盖{dist_zh}的社会组织都已没有剩余承接能力"
        why_en = f"Organizations offering {cat_en} within reach of {dist_en} have no capacity left"
    return reason(
        INCUBATE,
        f"{why_zh}；{dist_zh}有 {n} 条该类缺口需求（{where_zh}）。建议在{dist_zh}孵化培育一家"
        "提供该服务的社会组织（《办法》第十六条支持培育基层社会组织）。",
        f"{why_en}; {dist_en} has {n} such gap need{'s' * (n != 1)} ({where_en}). Cultivating a "
        f"new organization for this service in {dist_en} would close them (Art. 16 supports "
        "grassroots organizations).",
    )


def _bundle(a: Action, names: ActionNames) -> dict:
    cat_zh, cat_en = names.category(a.category)
    where_zh, where_en = names.places(a.streets)
    terms = "、".join(a.shared_terms) or "—"
    n = len(a.needs)
    return reason(
        BUNDLE,
        f"{where_zh}的 {n} 条「{cat_zh}」需求内容相近（都提到：{terms}），发布时间相距不超过 "
        f"{WINDOW_DAYS} 天，可合并为一个联合采购项目，合计预算 {a.budget_yuan:,} 元。",
        f"{n} needs for {cat_en} from {where_en} are alike (they mention: {terms}) and were "
        f"posted within {WINDOW_DAYS} days of each other: they could be bought as one joint "
        f"purchase, with a combined budget of {a.budget_yuan:,} yuan.",
    )


WRITERS = {EXTEND: _extend, INCUBATE: _incubate, BUNDLE: _bundle}


def explain(actions: list[Action], names: ActionNames) -> list[Action]:
    """Fill each action's `reason`; returns the same actions."""
    for action in actions:
        action.reason = WRITERS[action.kind](action, names)
    return actions
