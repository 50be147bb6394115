"""What team selection (`matching.planning.teams`) and its wording
(`matching.wording.team_reasons`) share: per-table columns built once, the per-need context that
picks each role's best candidates, and the draft of a team before it is worded.

Kept apart so that the selection rules in `teams` read as rules, and so the wording can name its
inputs' types without importing the selection.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from catalog.analytics.fairness import age_band, rating_band, size_band
from matching.channels.features import OrgTable
from matching.ranking.pipeline import Matcher
from matching.ranking.results import MatchResult
from matching.records import NeedRecord, OrgRecord
from matching.text.normalize import normalize

T = TypeVar("T")

SPLIT_MIN = 0.25  # a quarter of the probability mass is a real part of the need, not noise
PER_ROLE = 4  # best candidates per role combined into teams
BROAD_MIN = 3  # offering this many services makes a comprehensive organization
SHAPES = ("split", "outside_lead")  # a team of local organizations comes first


@dataclass(frozen=True)
class Draft:
    shape: str
    rows: tuple[int, ...]
    roles: tuple[str, ...]
    categories: tuple[str | None, ...]  # per member
    key: tuple
    kinds: tuple[str | None, ...]  # per member: what a partner brings (PARTNER_KINDS)


class TableColumns:
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


def _mapped(values: Sequence[T], test: Callable[[T], bool]) -> np.ndarray:
    """`test` of each value as a boolean array, calling it once per distinct value."""
    lut = {v: bool(test(v)) for v in dict.fromkeys(values)}
    return np.fromiter(map(lut.__getitem__, values), dtype=bool, count=len(values))


_COLUMNS: weakref.WeakKeyDictionary[OrgTable, TableColumns] = weakref.WeakKeyDictionary()


def columns_of(t: OrgTable) -> TableColumns:
    cols = _COLUMNS.get(t)
    if cols is None:
        cols = _COLUMNS[t] = TableColumns(t)
    return cols


class TeamContext:
    """What every shape needs about one need against the table, computed once."""

    def __init__(self, matcher: Matcher, need: NeedRecord, result: MatchResult, year: int):
        self.m = matcher
        self.t = matcher.table
        self.need = need
        self.year = year
        self.cols = columns_of(self.t)
        self.level = self.t.coverage(need.street)
        self.has_room = self.cols.has_room
        self.local = (self.level > 0) & self.has_room
        self.flagged = self.cols.flagged
        self.grass = self.cols.grassroots(year)
        # The classifier's substantial categories (P ≥ SPLIT_MIN), most likely first.
        self.substantial = [
            str(c) for c, p in result.category_top if p >= SPLIT_MIN and c in matcher.cats
        ]
        self._query: np.ndarray | None = None
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
