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
The per-table arrays (`_Columns`) are built on the first gap need of a table (~30 ms at
100,000 organizations) and live as long as the table. Same proposals as sorting every
candidate in Python: tests/matching/test_teams.py pins them on a seeded catalog.
"""

from __future__ import annotations

import datetime as dt
import itertools
import weakref
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from catalog.analytics.fairness import age_band, rating_band, size_band
from matching.channels.features import OrgTable
from matching.ranking.pipeline import Matcher, MatchResult
from matching.records import NeedRecord, OrgRecord
from matching.text.normalize import normalize
from matching.wording.team_reasons import member_reasons, team_reasons

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
    ctx = _Context(matcher, need, result, year or dt.date.today().year)
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


class _Columns:
    """Per organization table, once: the grassroots bands and the id order as arrays, so no
    per-need work walks the organizations in Python. The bands are the planners' own
    functions, evaluated once per distinct value (a table is rebuilt when profiles change)."""

    def __init__(self, t: OrgTable) -> None:
        self.small = _mapped([o.staff for o in t.orgs], lambda v: size_band(v) == "staff_1_9")
        self.unrated = _mapped([o.rating for o in t.orgs], lambda v: rating_band(v) == "unrated")
        self.founded = [o.founded for o in t.orgs]
        self.offered = t.cat_matrix.toarray() > 0  # orgs × categories; a few MB at 100k
        self.broad = np.asarray(t.cat_matrix.sum(axis=1)).ravel() >= BROAD_MIN
        # The categories an organization offers as bits of one integer (when they fit).
        self._pos = np.arange(self.offered.shape[1], dtype=np.int64)
        fits = self.offered.shape[1] <= 62
        self.bits = self.offered.astype(np.int64) @ (1 << self._pos) if fits else None
        self.has_room = t.capacity_left > 0
        self.flagged = t.credit < 0
        self._near: dict[str, np.ndarray] = {}
        self.id_rank = np.empty(len(t), dtype=np.int64)
        self.id_rank[np.argsort(np.asarray(t.ids, dtype=str), kind="stable")] = np.arange(len(t))
        self.by_area = t.by_area
        self._grassroots: dict[int, np.ndarray] = {}

    def offers_any(self, cats: np.ndarray) -> np.ndarray:
        """Per organization: offers any of the categories where `cats` (a mask) is set."""
        if self.bits is None:  # more categories than bits in an integer
            return self.offered[:, cats].any(axis=1)
        return (self.bits & int(cats.astype(np.int64) @ (1 << self._pos))) != 0

    def near(self, district: str) -> np.ndarray:
        """Serves some area of `district` (a street of it or the district itself)."""
        if district not in self._near:
            mask = np.zeros(len(self.has_room), dtype=bool)
            for code, rows in self.by_area.items():
                if code[:6] == district:
                    mask[rows] = True
            self._near[district] = mask
        return self._near[district]

    def grassroots(self, year: int) -> np.ndarray:
        if year not in self._grassroots:
            young = _mapped(self.founded, lambda v: age_band(v, year) == "years_0_2")
            self._grassroots[year] = self.small | young | self.unrated
        return self._grassroots[year]


def _mapped(values: list, test: Callable[[object], bool]) -> np.ndarray:
    """`test` of each value as a boolean array, calling it once per distinct value."""
    lut = {v: bool(test(v)) for v in dict.fromkeys(values)}
    return np.fromiter(map(lut.__getitem__, values), dtype=bool, count=len(values))


_COLUMNS: weakref.WeakKeyDictionary[OrgTable, _Columns] = weakref.WeakKeyDictionary()


def _columns(t: OrgTable) -> _Columns:
    cols = _COLUMNS.get(t)
    if cols is None:
        cols = _COLUMNS[t] = _Columns(t)
    return cols


class _Context:
    """What every shape needs about one need against the table, computed once."""

    def __init__(self, matcher: Matcher, need: NeedRecord, result: MatchResult, year: int):
        self.m = matcher
        self.t = matcher.table
        self.need = need
        self.year = year
        self.cols = _columns(self.t)
        self.level = self.t.coverage(need.street)
        self.has_room = self.cols.has_room
        self.local = (self.level > 0) & self.has_room
        self.flagged = self.cols.flagged
        self.grass = self.cols.grassroots(year)
        # The classifier's substantial categories (P ≥ SPLIT_MIN), most likely first.
        self.substantial = [
            str(c) for c, p in result.category_top if p >= SPLIT_MIN and c in matcher.cats
        ]
        self._query = None
        self._rel: dict[int, float] = {}

    def org(self, row: int) -> OrgRecord:
        return self.t.orgs[row]

    @property
    def near(self) -> np.ndarray:
        """Per organization: already working close by (in the need's district)."""
        return self.cols.near(self.need.district)

    def offers(self, cat: str) -> np.ndarray:
        return self.cols.offered[:, self.t.categories.index(cat)]

    def relevance(self, rows: np.ndarray) -> np.ndarray:
        """Text similarity of need and `rows`' profiles: breaks ties only, as in the ranker.
        Row by row the same numbers whatever other rows are asked for (each output row of
        the product depends only on its own profile)."""
        lex = self.m.lexical
        if lex.vectorizer is None or lex.matrix is None or not len(rows):
            return np.zeros(len(rows))
        if self._query is None:  # dense: a char 1-2-gram vocabulary, cheap as a vector
            q = lex.vectorizer.transform([normalize(self.need.text())])
            self._query = np.asarray(q.toarray()).ravel()
        return np.asarray(lex.matrix[rows] @ self._query, dtype=np.float64)

    def best(self, rows: np.ndarray, tiers: Sequence[np.ndarray]) -> list[int]:
        """The PER_ROLE best `rows` by the tier columns (over `rows`, most significant
        first), then grassroots first, text similarity and id. The structural key is packed
        into one integer; `np.partition` keeps only the rows that can still be among the
        best, and only those get a text similarity and a (numpy) sort."""
        if not len(rows):
            return []
        code = np.zeros(len(rows), dtype=np.int64)
        for col in [*tiers, ~self.grass[rows]]:
            col = np.asarray(col, dtype=np.int64)
            lo = int(col.min())
            code = code * (int(col.max()) - lo + 1) + (col - lo)
        if len(rows) > PER_ROLE:
            keep = code <= np.partition(code, PER_ROLE - 1)[PER_ROLE - 1]
            rows, code = rows[keep], code[keep]
        rel = self.relevance(rows)
        top = np.lexsort((self.cols.id_rank[rows], -np.round(rel, 9), code))[:PER_ROLE]
        self._rel.update(zip(rows[top].tolist(), rel[top].tolist(), strict=True))
        return rows[top].tolist()

    def team_key(self, shape: str, rows: tuple[int, ...], tiers: tuple) -> tuple:
        rel = np.array([self._rel[r] for r in rows])  # every member came from `best`
        mixed = bool(self.grass[list(rows)].any())
        ids = tuple(sorted(self.t.ids[r] for r in rows))
        return (SHAPES.index(shape), tiers, not mixed, -round(float(rel.sum()), 9), ids)


def _split_drafts(ctx: _Context) -> list[_Draft]:
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
            _Draft("split", rows, ("member",) * len(rows), tuple(cats), key, (None,) * len(rows))
        )
    return drafts


def _partner_kinds(ctx: _Context, gap_cat: str, others: list[str]) -> np.ndarray:
    """Per organization, the index in PARTNER_KINDS of what it brings as a local partner (the
    first that applies), or -1. Vectorized over the table: city-wide organizations cover every
    street, so the candidates of a large catalog are many."""
    hits = [ctx.cols.offers_any(m) for m in _kind_masks(ctx, gap_cat, others)]
    hits.append(ctx.cols.broad)
    kinds = np.full(len(ctx.t), -1, dtype=np.int64)
    for k in reversed(range(len(hits))):  # the first kind that applies wins
        kinds[hits[k]] = k
    return kinds


def _kind_masks(ctx: _Context, gap_cat: str, others: list[str]) -> list[np.ndarray]:
    """Per category: shows a partner kind (other_part, related, community)."""
    names = ctx.t.categories
    group = ctx.m.cats[gap_cat].group
    return [
        np.array([c in others for c in names]),
        np.array([bool(group) and ctx.m.cats[c].group == group and c != gap_cat for c in names]),
        np.array([ctx.m.cats[c].group == LOCAL_GROUP for c in names]),
    ]


def _brought(ctx: _Context, row: int, kind: str, gap_cat: str) -> str | None:
    """The partner's category that shows its kind (first in its profile); None if broad."""
    if kind == "comprehensive":
        return None
    others = [c for c in ctx.substantial if c != gap_cat]
    masks = dict(zip(PARTNER_KINDS, _kind_masks(ctx, gap_cat, others), strict=False))
    shows = dict(zip(ctx.t.categories, masks[kind].tolist(), strict=True))
    return next((c for c in ctx.org(row).categories if shows.get(c)), None)


def _outside_lead_drafts(ctx: _Context, result: MatchResult) -> list[_Draft]:
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


def _build(ctx: _Context, result: MatchResult, d: _Draft) -> Team:
    members = []
    for row, role, cat, kind in zip(d.rows, d.roles, d.categories, d.kinds, strict=True):
        kind = kind or "comprehensive"
        presence = (kind, None if cat else _brought(ctx, row, kind, d.categories[0] or ""))
        reasons = member_reasons(ctx, result, row, role, cat, presence)
        members.append(Member(ctx.t.ids[row], role, cat, reasons))
    return Team(d.shape, [c for c in d.categories if c], members, team_reasons(ctx, result, d))
