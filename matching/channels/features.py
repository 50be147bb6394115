"""Structured and channel features of (need, organization) pairs, vectorized over organizations.

Founding year, size and evaluation grade are deliberately NOT features (Zhuhai Art. 16: they
must not be mandatory qualifications, and grassroots organizations must get a fair chance); the
ranker can therefore never learn to filter by them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from catalog.actors import enclosing_areas
from matching.records import CITY_CODE, OrgRecord

FEATURES = (
    "category",  # P(need's subcategory ∈ org's categories)
    "category_x_area",  # the same, only when the org covers the need's street
    "area",  # org covers the street (street, district or city)
    "area_street",  # org names the street itself (local presence)
    "lexical",  # char n-gram TF-IDF cosine, need vs profile
    "dense",  # embedding cosine, need vs profile
    "capacity",  # org has capacity left
    "credit",  # credit record, -1 … +1
    "satisfaction",  # past beneficiary satisfaction, centred (0 = no record)
)


# Category probabilities enter the ranking raised to this power and renormalized (the same as
# multiplying the classifier's temperature by it, for ranking only): the runner-up category's
# organizations get a place when the classifier is unsure, while the category shown, its
# confidence, the gap and the Art. 11 flag keep the calibrated probabilities. Out of fold over
# 3 seeds (as temperature x0.7): real-dev nDCG@10 0.886 vs 0.879, dev CV 0.907 vs 0.903; x0.85
# gained less, x0.5 less on real-dev (matching/README.md, "Real postings, round 3").
RANK_PROBABILITY_POWER = 0.7


def soften(probs: np.ndarray, power: float | None = None) -> np.ndarray:
    """probs ** power, renormalized over the last axis."""
    power = RANK_PROBABILITY_POWER if power is None else power
    if power == 1.0:
        return probs
    p = np.power(np.clip(probs, 0.0, None), power)
    return p / np.maximum(p.sum(axis=-1, keepdims=True), 1e-12)


class OrgTable:
    """Column arrays of the organizations, so a need is scored against all of them at once."""

    def __init__(self, orgs: Sequence[OrgRecord], categories: Sequence[str]) -> None:
        self.orgs = list(orgs)
        self.ids = [o.id for o in self.orgs]
        self.pos = {oid: i for i, oid in enumerate(self.ids)}
        self.categories = list(categories)
        cidx = {c: j for j, c in enumerate(self.categories)}
        rows, cols = [], []
        for i, o in enumerate(self.orgs):
            for c in o.categories:
                if c in cidx:
                    rows.append(i)
                    cols.append(cidx[c])
        self.cat_matrix = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(self.orgs), len(self.categories))
        )
        by_area: dict[str, list[int]] = {}
        for i, o in enumerate(self.orgs):
            for a in set(o.areas):
                by_area.setdefault(a, []).append(i)
        self.by_area = {a: np.asarray(ix, dtype=np.int64) for a, ix in by_area.items()}
        self._coverage: dict[str, np.ndarray] = {}
        # Organizations offering each category, for candidate retrieval in large catalogs.
        csc = self.cat_matrix.tocsc()
        self.by_category = [
            csc.indices[csc.indptr[j] : csc.indptr[j + 1]] for j in range(len(self.categories))
        ]
        self.capacity_left = np.array([o.capacity_left for o in self.orgs], dtype=np.float64)
        self.credit = np.array([float(o.credit or 0.0) for o in self.orgs])
        self.satisfaction = np.array(
            [0.0 if o.satisfaction is None else (o.satisfaction - 80.0) / 20.0 for o in self.orgs]
        )

    def __len__(self) -> int:
        return len(self.orgs)

    def coverage(self, street: str) -> np.ndarray:
        """Coverage level per org: 3 street, 2 district, 1 city, 0 none. Cached per street
        (a city has a few hundred streets; the table is rebuilt when profiles change)."""
        level = self._coverage.get(street)
        if level is not None:
            return level
        level = np.zeros(len(self.orgs), dtype=np.int8)
        _, district, city = enclosing_areas(street)
        for code, lv in ((CITY_CODE, 1), (city, 1), (district, 2), (street, 3)):
            idx = self.by_area.get(code)
            if idx is not None and len(idx):
                level[idx] = np.maximum(level[idx], lv)
        level.flags.writeable = False
        if len(self._coverage) >= 1024:
            self._coverage.clear()
        self._coverage[street] = level
        return level

    def category_mass(self, probs: np.ndarray) -> np.ndarray:
        """For each org, the probability mass of the need's subcategory it offers."""
        return np.asarray(self.cat_matrix @ probs).ravel()

    def offers(self, category: str) -> np.ndarray:
        j = self.categories.index(category)
        return np.asarray(self.cat_matrix[:, j].toarray()).ravel() > 0


def pair_features(
    table: OrgTable,
    probs: np.ndarray,
    street: str,
    lexical: np.ndarray,
    dense: np.ndarray | None,
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """Feature matrix (orgs × FEATURES) for one need; `rows` restricts to candidate orgs."""
    cat = table.category_mass(soften(probs))
    level = table.coverage(street)
    if rows is not None:
        cat, level = cat[rows], level[rows]
        cap, credit, sat = (
            table.capacity_left[rows],
            table.credit[rows],
            table.satisfaction[rows],
        )
    else:
        cap, credit, sat = table.capacity_left, table.credit, table.satisfaction
    area = (level > 0).astype(np.float64)
    d = np.zeros_like(cat) if dense is None else dense
    return np.column_stack(
        [
            cat,
            cat * area,
            area,
            (level == 3).astype(np.float64),
            lexical,
            d,
            (cap > 0) * 1.0,
            credit,
            sat,
        ]
    )
