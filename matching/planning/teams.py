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
database, no Flask. `matching.service` persists what `attach_teams` puts on each result; the
reasons' wording lives in `matching.wording.team_reasons`.

Speed: city-wide organizations cover every street, so in a large catalog a role has tens of
thousands of candidates. Each role's best PER_ROLE are therefore found on arrays (tier keys,
grassroots bands, an id order, all vectorized; text similarity only for the rows still tied
after `np.partition`), and Python only sees those few rows and the teams built from them.
The per-table arrays (`team_context.TableColumns`) are built on the first gap need of a table (~30 ms at
100,000 organizations) and live as long as the table. Same proposals as sorting every
candidate in Python: tests/matching/test_teams.py pins them on a seeded catalog.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from matching.planning.team_context import Draft, TeamContext
from matching.ranking.pipeline import Matcher
from matching.ranking.results import MatchResult
from matching.records import NeedRecord
from matching.wording.team_reasons import member_reasons, team_reasons

MAX_TEAMS = 3
LOCAL_GROUP = "社区营造类"  # community building, incl. 志愿服务 and 自组织培育

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
    ctx = TeamContext(matcher, need, result, year or dt.date.today().year)
    drafts = _split_drafts(ctx) + _outside_lead_drafts(ctx, result)
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


def _split_drafts(ctx: TeamContext) -> list[Draft]:
    cats = ctx.substantial
    if len(cats) < 2:
        return []
    offers = [ctx.offers(c) for c in cats]
    if (np.logical_and.reduce(offers) & ctx.local).any():
        return []  # one organization can do all of it: no team needed
    pools = [np.flatnonzero(o & ctx.local) for o in offers]
    if any(not len(p) for p in pools):
        return []

    def tier(r: int) -> tuple:
        return (-int(ctx.level[r]), bool(ctx.flagged[r]))

    ranked = [ctx.best(p, [-ctx.level[p], ctx.flagged[p]]) for p in pools]
    drafts = []
    for rows in itertools.product(*ranked):
        if len(set(rows)) < len(rows):
            continue
        key = ctx.team_key("split", rows, tuple(tier(r) for r in rows))
        drafts.append(
            Draft("split", rows, ("member",) * len(rows), tuple(cats), key, (None,) * len(rows))
        )
    return drafts


def _partner_kinds(ctx: TeamContext, gap_cat: str, others: list[str]) -> np.ndarray:
    """Per organization, the index in PARTNER_KINDS of what it brings as a local partner (the
    first that applies), or -1. Vectorized over the table: city-wide organizations cover every
    street, so the candidates of a large catalog are many."""
    hits = [ctx.cols.offers_any(m) for m in _kind_masks(ctx, gap_cat, others)]
    hits.append(ctx.cols.broad)
    kinds = np.full(len(ctx.t), -1, dtype=np.int64)
    for k in reversed(range(len(hits))):  # the first kind that applies wins
        kinds[hits[k]] = k
    return kinds


def _kind_masks(ctx: TeamContext, gap_cat: str, others: list[str]) -> list[np.ndarray]:
    """Per category: shows a partner kind (other_part, related, community)."""
    names = ctx.t.categories
    group = ctx.m.cats[gap_cat].group
    return [
        np.array([c in others for c in names]),
        np.array([bool(group) and ctx.m.cats[c].group == group and c != gap_cat for c in names]),
        np.array([ctx.m.cats[c].group == LOCAL_GROUP for c in names]),
    ]


def _brought(ctx: TeamContext, row: int, kind: str, gap_cat: str) -> str | None:
    """The partner's category that shows its kind (first in its profile); None if broad."""
    if kind == "comprehensive":
        return None
    others = [c for c in ctx.substantial if c != gap_cat]
    masks = dict(zip(PARTNER_KINDS, _kind_masks(ctx, gap_cat, others), strict=False))
    shows = dict(zip(ctx.t.categories, masks[kind].tolist(), strict=True))
    return next((c for c in ctx.org(row).categories if shows.get(c)), None)


def _outside_lead_drafts(ctx: TeamContext, result: MatchResult) -> list[Draft]:
    cat = result.gap_category
    if result.gap_reason not in ("no_coverage", "no_capacity") or cat not in ctx.m.cats:
        return []
    offers = ctx.offers(cat)
    leads = np.flatnonzero(offers & ctx.has_room & (ctx.level == 0))
    others = [c for c in ctx.substantial if c != cat]
    kind = _partner_kinds(ctx, cat, others)
    local = np.flatnonzero(ctx.local & ~offers & (kind >= 0))
    if not len(leads) or not len(local):
        return []

    def lead_tier(r: int) -> tuple:
        return (not ctx.near[r], bool(ctx.flagged[r]))

    def partner_tier(r: int) -> tuple:
        return (-int(ctx.level[r]), int(kind[r]), bool(ctx.flagged[r]))

    partners = ctx.best(local, [-ctx.level[local], kind[local], ctx.flagged[local]])
    drafts = []
    for lead in ctx.best(leads, [~ctx.near[leads], ctx.flagged[leads]]):
        for partner in partners:
            rows = (lead, partner)
            key = ctx.team_key("outside_lead", rows, (lead_tier(lead), partner_tier(partner)))
            kinds = (None, PARTNER_KINDS[kind[partner]])
            drafts.append(Draft("outside_lead", rows, ("lead", "partner"), (cat, None), key, kinds))
    return drafts


def _pick(drafts: list[Draft], limit: int) -> list[Draft]:
    """Best first; alternatives that share nobody with an earlier pick come before variants
    of it, so the office sees different organizations, not one lead three times."""
    ordered = sorted(drafts, key=lambda d: d.key)
    picked: list[Draft] = []
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


def _build(ctx: TeamContext, result: MatchResult, d: Draft) -> Team:
    members = []
    for row, role, cat, kind in zip(d.rows, d.roles, d.categories, d.kinds, strict=True):
        kind = kind or "comprehensive"
        presence = (kind, None if cat else _brought(ctx, row, kind, d.categories[0] or ""))
        reasons = member_reasons(ctx, result, row, role, cat, presence)
        members.append(Member(ctx.t.ids[row], role, cat, reasons))
    return Team(d.shape, [c for c in d.categories if c], members, team_reasons(ctx, result, d))
