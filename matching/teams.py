"""Team proposals (组团建议) for gap needs.

Beijing's 组团 practice: several organizations, one of them coordinating, jointly take on what
none of them could alone. When the matcher flags a need as a gap the office otherwise gets
nothing it can act on, so this proposes up to three small teams (2–3 organizations), each
grounded in *why* the need is a gap and each with reasons a clerk can check. A proposal is only
advice: inviting a team (`catalog.teams.invite_team`) turns its members into ordinary
suggestions, which a person then confirms or rejects one by one.

Shapes
- ``outside_lead`` (gap reason no_coverage or no_capacity): a lead that offers the unserved
  service and has capacity left but does not serve the street (organizations already working
  elsewhere in the same district first), plus a partner that serves the street and has capacity
  left and brings local presence: it offers another service this need may involve, a related
  service of the same group, community building / volunteering (社区营造类), or is a
  comprehensive organization (≥ 3 services).
- ``split``: the classifier's top categories are each substantial (P ≥ 0.25) and no single
  organization serving the street with capacity left offers all of them: one member per
  category, each serving the street with capacity left.

no_capacity: every organization serving the street that offers the service is full. Two such
organizations are no better than one (pooling two full organizations creates no capacity), and
a pair of them where each has some capacity left would not be a gap at all. So the only
defensible team brings capacity from elsewhere: an ``outside_lead`` team whose lead offers the
service and has capacity left, anchored by a local partner. If nobody offering the service has
capacity left anywhere, there is no team: the honest answer is more supply, which the planners'
gap view shows. no_service: nobody offers the service; organizations that don't do it can't
team up into doing it, so there is no team either.

Art. 16: founding year, size and grade never filter or rank candidates. Only between otherwise
equal teams does one with a grassroots member (small, young or unrated: the planners' fairness
bands) come first, and a reason says so only when a member is one.

Pure: functions over the `Matcher` (its `OrgTable` and lexical channel) and plain records; no
database, no Flask. `matching.service` persists what `attach_teams` puts on each result.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from catalog.analytics.fairness import age_band, rating_band, size_band
from matching import reasons as R
from matching.pipeline import Matcher, MatchResult
from matching.records import NeedRecord, OrgRecord
from matching.text import normalize

MAX_TEAMS = 3
SPLIT_MIN = 0.25  # a quarter of the probability mass is a real part of the need, not noise
PER_ROLE = 4  # best candidates per role combined into teams
LOCAL_GROUP = "社区营造类"  # community building, incl. 志愿服务 and 自组织培育
BROAD_MIN = 3  # offering this many services makes a comprehensive organization
SHAPES = ("split", "outside_lead")  # a team of local organizations comes first

# Why a partner brings local presence, best first.
PARTNER_KINDS = ("other_part", "related", "community", "comprehensive")


@dataclass(frozen=True)
class Member:
    org_id: str
    role: str  # lead | partner | member
    category: str | None  # the service it brings (None: a partner's local presence)
    reasons: list[dict]


@dataclass(frozen=True)
class Team:
    shape: str
    categories: list[str]
    members: list[Member]
    reasons: list[dict]

    def as_dict(self) -> dict:
        """The JSON shape stored on the need (`Need.team_proposals`)."""
        return asdict(self)


@dataclass(frozen=True)
class _Draft:
    shape: str
    rows: tuple[int, ...]
    roles: tuple[str, ...]
    categories: tuple[str | None, ...]  # per member
    key: tuple
    kinds: tuple[str | None, ...]  # per member: what a partner brings (PARTNER_KINDS)


def propose_teams(
    matcher: Matcher,
    need: NeedRecord,
    result: MatchResult,
    limit: int = MAX_TEAMS,
    year: int | None = None,
) -> list[Team]:
    """Up to `limit` teams for a gap need, best first; [] for a need that is not a gap."""
    if not result.gap or result.prohibited or not len(matcher.table):
        return []
    ctx = _Context(matcher, need, year or dt.date.today().year)
    drafts = _split_drafts(ctx, result) + _outside_lead_drafts(ctx, result)
    return [_build(ctx, result, d) for d in _pick(drafts, limit)]


def attach_teams(
    matcher: Matcher,
    needs: Sequence[NeedRecord],
    results: Sequence[MatchResult],
    year: int | None = None,
) -> None:
    """Fill `result.teams` (JSON-ready dicts) for every gap result."""
    for need, result in zip(needs, results, strict=True):
        result.teams = [t.as_dict() for t in propose_teams(matcher, need, result, year=year)]


class _Context:
    """What every shape needs about one need against the table, computed once."""

    def __init__(self, matcher: Matcher, need: NeedRecord, year: int) -> None:
        self.m = matcher
        self.t = matcher.table
        self.need = need
        self.year = year
        self.level = self.t.coverage(need.street)
        self.has_room = self.t.capacity_left > 0
        self.local = (self.level > 0) & self.has_room
        self._query = None

    def org(self, row: int) -> OrgRecord:
        return self.t.orgs[row]

    def relevance(self, rows: Sequence[int]) -> np.ndarray:
        """Text similarity of need and profiles: breaks ties only, as in the ranker."""
        lex = self.m.lexical
        if lex.vectorizer is None or lex.matrix is None or not len(rows):
            return np.zeros(len(rows))
        if self._query is None:
            self._query = lex.vectorizer.transform([normalize(self.need.text())])
        return np.asarray((lex.matrix[list(rows)] @ self._query.T).toarray()).ravel()

    def grassroots(self, row: int) -> list[tuple[str, str]]:
        """The grassroots traits (zh, en) of an organization that has any; used for ties."""
        o = self.org(row)
        out = []
        if size_band(o.staff) == "staff_1_9":
            out.append(("员工不足10人", "fewer than 10 staff"))
        if age_band(o.founded, self.year) == "years_0_2":
            out.append(("成立不满3年", "founded less than 3 years ago"))
        if rating_band(o.rating) == "unrated":
            out.append(("尚未评估等级", "not yet rated"))
        return out

    def best(self, rows: np.ndarray, tier) -> list[int]:
        """The PER_ROLE best rows by `tier(row)`, then grassroots, text similarity and id."""
        rel = dict(zip(rows.tolist(), self.relevance(rows.tolist()), strict=True))
        order = sorted(
            rows.tolist(),
            key=lambda r: (tier(r), not self.grassroots(r), -round(rel[r], 9), self.t.ids[r]),
        )
        return order[:PER_ROLE]

    def team_key(self, shape: str, rows: tuple[int, ...], tiers: tuple) -> tuple:
        rel = self.relevance(rows)
        mixed = any(self.grassroots(r) for r in rows)
        ids = tuple(sorted(self.t.ids[r] for r in rows))
        return (SHAPES.index(shape), tiers, not mixed, -round(float(rel.sum()), 9), ids)


def _substantial(ctx: _Context, result: MatchResult) -> list[str]:
    return [str(c) for c, p in result.category_top if p >= SPLIT_MIN and c in ctx.m.cats]


def _split_drafts(ctx: _Context, result: MatchResult) -> list[_Draft]:
    cats = _substantial(ctx, result)
    if len(cats) < 2:
        return []
    offers = [ctx.t.offers(c) for c in cats]
    if (np.logical_and.reduce(offers) & ctx.local).any():
        return []  # one organization can do all of it: no team needed
    pools = [np.flatnonzero(o & ctx.local) for o in offers]
    if any(not len(p) for p in pools):
        return []

    def tier(r: int) -> tuple:
        return (-int(ctx.level[r]), ctx.org(r).credit < 0)

    ranked = [ctx.best(p, tier) for p in pools]
    drafts = []
    for rows in itertools.product(*ranked):
        if len(set(rows)) < len(rows):
            continue
        key = ctx.team_key("split", rows, tuple(tier(r) for r in rows))
        drafts.append(
            _Draft("split", rows, ("member",) * len(rows), tuple(cats), key, (None,) * len(rows))
        )
    return drafts


def _partner_kinds(ctx: _Context, gap_cat: str, others: list[str]) -> np.ndarray:
    """Per organization, the index in PARTNER_KINDS of what it brings as a local partner (the
    first that applies), or -1. Vectorized over the table: city-wide organizations cover every
    street, so the candidates of a large catalog are many."""
    names = ctx.t.categories
    group = ctx.m.cats[gap_cat].group
    masks = [
        [c in others for c in names],
        [bool(group) and ctx.m.cats[c].group == group and c != gap_cat for c in names],
        [ctx.m.cats[c].group == LOCAL_GROUP for c in names],
    ]
    kinds = np.full(len(ctx.t), -1, dtype=np.int64)
    hits = [np.asarray(ctx.t.cat_matrix @ np.asarray(m, dtype=float)).ravel() > 0 for m in masks]
    hits.append(np.asarray(ctx.t.cat_matrix.sum(axis=1)).ravel() >= BROAD_MIN)
    for k in reversed(range(len(hits))):  # the first kind that applies wins
        kinds[hits[k]] = k
    return kinds


def _same_district(ctx: _Context, row: int) -> bool:
    return any(a[:6] == ctx.need.district for a in ctx.org(row).areas)


def _outside_lead_drafts(ctx: _Context, result: MatchResult) -> list[_Draft]:
    cat = result.gap_category
    if result.gap_reason not in ("no_coverage", "no_capacity") or cat not in ctx.m.cats:
        return []
    offers = ctx.t.offers(cat)
    leads = np.flatnonzero(offers & ctx.has_room & (ctx.level == 0))
    others = [c for c in _substantial(ctx, result) if c != cat]
    kind = _partner_kinds(ctx, cat, others)
    local = np.flatnonzero(ctx.local & ~offers & (kind >= 0))
    if not len(leads) or not len(local):
        return []

    def lead_tier(r: int) -> tuple:
        return (not _same_district(ctx, r), ctx.org(r).credit < 0)

    def partner_tier(r: int) -> tuple:
        return (-int(ctx.level[r]), int(kind[r]), ctx.org(r).credit < 0)

    partners = ctx.best(local, partner_tier)
    drafts = []
    for lead in ctx.best(leads, lead_tier):
        for partner in partners:
            rows = (lead, partner)
            key = ctx.team_key("outside_lead", rows, (lead_tier(lead), partner_tier(partner)))
            kinds = (None, PARTNER_KINDS[kind[partner]])
            drafts.append(
                _Draft("outside_lead", rows, ("lead", "partner"), (cat, None), key, kinds)
            )
    return drafts


def _pick(drafts: list[_Draft], limit: int) -> list[_Draft]:
    """Best first; alternatives that share nobody with an earlier pick come before variants
    of it, so the office sees different organizations, not one lead three times."""
    ordered = sorted(drafts, key=lambda d: d.key)
    picked: list[_Draft] = []
    used: set[int] = set()
    for d in ordered:
        if len(picked) < limit and not used & set(d.rows):
            picked.append(d)
            used |= set(d.rows)
    seen = [set(d.rows) for d in picked]
    for d in ordered:
        if len(picked) < limit and set(d.rows) not in seen:
            picked.append(d)
            seen.append(set(d.rows))
    return picked


# ---------------------------------------------------------------- reasons
# Traditional Chinese comes from OpenCC (`reasons.reason`), as for every other reason.
def _name(ctx: _Context, cat: str) -> tuple[str, str]:
    c = ctx.m.cats[cat]
    return c.name, c.name_en or c.name


def _prob(result: MatchResult, cat: str) -> float:
    return dict(result.category_top).get(cat, 0.0)


def _team_reasons(ctx: _Context, result: MatchResult, d: _Draft) -> list[dict]:
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
    if any(ctx.grassroots(r) for r in d.rows):
        out.append(
            R.reason(
                "fairness",
                "组合中有基层社会组织；成立年限、规模和等级从不作为门槛（第十六条）",
                "the team includes a grassroots organization; founding year, size and grade are "
                "never requirements (Art. 16)",
            )
        )
    return out


def _member_reasons(
    ctx: _Context, result: MatchResult, d: _Draft, row: int, role: str, cat: str | None
) -> list[dict]:
    org = ctx.org(row)
    out: list[dict] = []
    if cat is not None:
        out.append(R.category_reason(ctx.m.cats[cat], max(_prob(result, cat), 0.01), True))
    else:
        kind = d.kinds[d.rows.index(row)] or "comprehensive"
        out.append(_presence_reason(ctx, row, kind, d.categories[0] or "", result))
    out.append(R.area_reason(int(ctx.level[row])))
    if role == "lead" and _same_district(ctx, row):
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
    traits = ctx.grassroots(row)
    if traits:
        out.append(
            R.reason(
                "fairness",
                "基层社会组织（" + "、".join(t[0] for t in traits) + "）",
                "grassroots organization (" + ", ".join(t[1] for t in traits) + ")",
            )
        )
    return out


def _presence_reason(ctx: _Context, row: int, kind: str, gap_cat: str, result: MatchResult) -> dict:
    """What a partner without the unserved service brings (`kind`, from `_partner_kinds`)."""
    others = [c for c in _substantial(ctx, result) if c != gap_cat]
    cats = [c for c in ctx.org(row).categories if c in ctx.m.cats]
    if kind == "other_part":
        zh, en = _name(ctx, next(c for c in cats if c in others))
        return R.reason(
            "team",
            f"还提供「{zh}」，本需求也可能涉及这一方面",
            f"offers {en}, which this need may also involve",
        )
    if kind == "related":
        group = ctx.m.cats[gap_cat].group
        zh, en = _name(ctx, next(c for c in cats if ctx.m.cats[c].group == group and c != gap_cat))
        return R.reason(
            "team",
            f"提供相近服务「{zh}」，熟悉这类服务对象",
            f"offers the related service {en} and knows these beneficiaries",
        )
    if kind == "community":
        zh, en = _name(ctx, next(c for c in cats if ctx.m.cats[c].group == LOCAL_GROUP))
        return R.reason(
            "team",
            f"从事「{zh}」，熟悉社区、能动员居民",
            f"works in {en}: knows the community and can reach residents",
        )
    return R.reason(
        "team",
        f"综合性社会组织（提供 {len(cats)} 类服务），可提供在地支持",
        f"comprehensive organization ({len(cats)} services) able to provide local support",
    )


def _build(ctx: _Context, result: MatchResult, d: _Draft) -> Team:
    members = [
        Member(ctx.t.ids[row], role, cat, _member_reasons(ctx, result, d, row, role, cat))
        for row, role, cat in zip(d.rows, d.roles, d.categories, strict=True)
    ]
    return Team(d.shape, [c for c in d.categories if c], members, _team_reasons(ctx, result, d))
