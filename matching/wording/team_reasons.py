"""Reasons (zh / zh-Hant / en) of team proposals (组团建议, `matching.planning.teams`).

Kept apart from the selection: `teams` decides who is proposed and in which order, this module
only says why in words a clerk can check. Text can then change without touching (or re-reading)
the ranking rules, and the rules stay short enough to review. Traditional Chinese comes from
OpenCC (`reasons.reason`), as for every other reason.

Functions take the selection's per-need context (`team_context.TeamContext`: the matcher, the need, the
coverage levels, which organizations are in the need's district) and a draft team; they never
rank or filter anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.analytics.fairness import age_band, rating_band, size_band
from matching.ranking.results import MatchResult
from matching.records import OrgRecord
from matching.wording import reasons as R

if TYPE_CHECKING:
    from matching.planning.team_context import Draft, TeamContext


def grassroots_traits(org: OrgRecord, year: int) -> list[tuple[str, str]]:
    """The grassroots traits (zh, en) of an organization: the planners' fairness bands small,
    young and unrated. `teams` ranks by the same bands (vectorized), so a reason says
    "grassroots" exactly when a tie was broken for it."""
    out = []
    if size_band(org.staff) == "staff_1_9":
        out.append(("员工不足10人", "fewer than 10 staff"))
    if age_band(org.founded, year) == "years_0_2":
        out.append(("成立不满3年", "founded less than 3 years ago"))
    if rating_band(org.rating) == "unrated":
        out.append(("尚未评估等级", "not yet rated"))
    return out


def _name(ctx: TeamContext, cat: str) -> tuple[str, str]:
    c = ctx.m.cats[cat]
    return c.name, c.name_en or c.name


def _prob(result: MatchResult, cat: str) -> float:
    return dict(result.category_top).get(cat, 0.0)


def team_reasons(ctx: TeamContext, result: MatchResult, d: Draft) -> list[dict]:
    """Why this team: what the need spans (split) or why the lead comes from outside."""
    out = []
    if d.shape == "split":
        parts = [(_name(ctx, c), round(_prob(result, c) * 100)) for c in d.categories if c]
        out.append(
            R.reason(
                "team",
                "本需求同时涉及"
                + "、".join(f"「{n[0]}」（{p}%）" for n, p in parts)
                + "，覆盖本街道且有余力的机构中没有一家同时提供这些服务；由各家分别承担一部分，共同承接",
                "this need spans "
                + ", ".join(f"{n[1]} ({p}%)" for n, p in parts)
                + "; no organization serving this street with capacity left offers all of them, "
                "so each member takes on one part",
            )
        )
    else:
        zh, en = _name(ctx, d.categories[0] or "")
        if result.gap_reason == "no_capacity":
            why_zh = "覆盖本街道的同类机构承接能力已满，由其他地方有余力的同类机构牵头提供服务"
            why_en = (
                "organizations offering it here are at full capacity, so one with capacity "
                "left elsewhere leads"
            )
        else:
            why_zh = "提供该服务的机构都不覆盖本街道，由有余力的机构牵头跨区域提供服务"
            why_en = "no organization offering it serves this street, so one from outside leads"
        out.append(
            R.reason(
                "team",
                f"「{zh}」：{why_zh}；覆盖本街道的在地伙伴负责居民联络、场地和日常跟进",
                f"{en}: {why_en}; a partner that serves this street provides local presence "
                "(outreach, venues, day-to-day follow-up)",
            )
        )
    if any(grassroots_traits(ctx.org(r), ctx.year) for r in d.rows):
        out.append(
            R.reason(
                "fairness",
                "组合中有基层社会组织；成立年限、规模和等级从不作为门槛（第十六条）",
                "the team includes a grassroots organization; founding year, size and grade are "
                "never requirements (Art. 16)",
            )
        )
    return out


def member_reasons(
    ctx: TeamContext,
    result: MatchResult,
    row: int,
    role: str,
    cat: str | None,
    presence: tuple[str, str | None],
) -> list[dict]:
    """Why this member: the service it brings (or, for a partner, its local presence:
    `presence` = (partner kind, the category that shows it)), coverage, capacity, record."""
    org = ctx.org(row)
    out: list[dict] = []
    if cat is not None:
        out.append(R.category_reason(ctx.m.cats[cat], max(_prob(result, cat), 0.01), True))
    else:
        out.append(presence_reason(ctx, row, *presence))
    out.append(R.area_reason(int(ctx.level[row])))
    if role == "lead" and ctx.near[row]:
        out.append(
            R.reason(
                "area",
                "已在同一区的其他街道提供服务，可就近延伸",
                "already serves other streets of the same district, close enough to extend",
            )
        )
    out.append(R.capacity_reason(org.capacity_left))
    rec = R.record_reason(org.credit, org.satisfaction)
    if rec:
        out.append(rec)
    traits = grassroots_traits(org, ctx.year)
    if traits:
        out.append(
            R.reason(
                "fairness",
                "基层社会组织（" + "、".join(t[0] for t in traits) + "）",
                "grassroots organization (" + ", ".join(t[1] for t in traits) + ")",
            )
        )
    return out


# How a partner's own category shows local presence, by partner kind: (zh, en) templates.
PRESENCE_WORDING = {
    "other_part": (
        "还提供「{}」，本需求也可能涉及这一方面",
        "offers {}, which this need may also involve",
    ),
    "related": (
        "提供相近服务「{}」，熟悉这类服务对象",
        "offers the related service {} and knows these beneficiaries",
    ),
    "community": (
        "从事「{}」，熟悉社区、能动员居民",
        "works in {}: knows the community and can reach residents",
    ),
}


def presence_reason(ctx: TeamContext, row: int, kind: str, brought: str | None) -> dict:
    """What a partner without the unserved service brings (`kind`, see teams.PARTNER_KINDS;
    `brought`: the category of its profile that shows it, None for a comprehensive one)."""
    wording = PRESENCE_WORDING.get(kind)
    if wording is not None and brought:
        zh, en = _name(ctx, brought)
        return R.reason("team", wording[0].format(zh), wording[1].format(en))
    n = len([c for c in ctx.org(row).categories if c in ctx.m.cats])
    return R.reason(
        "team",
        f"综合性社会组织（提供 {n} 类服务），可提供在地支持",
        f"comprehensive organization ({n} services) able to provide local support",
    )
