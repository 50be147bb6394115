"""Joint purchases (联合采购): similar needs of several streets, proposed as one project.

A bundle is a group of open needs of the same service category, posted within `window_days` of
each other, in the same or neighbouring districts, whose texts are close: every pair of them
(complete linkage, so no chain of loosely related needs) has a word-level TF-IDF cosine of at
least `min_similarity`. Only groups spanning at least two streets and two needs are proposed.

Words, not characters: the needs are written colloquially and rarely share the service's name,
but needs about the same thing share content words (刑满释放, 律师, 老兵), which also make the
reason readable ("both mention …"). The IDF is fitted on all candidate needs, so words every need
uses (社区, 居民) count for little. The threshold 0.15 was chosen on the labeled dev set, where it
keeps about the top 5 % of same-category pairs of different streets: the pairs a reader would call
the same kind of need (README.md, "From map to action")."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matching.channels.lexical import content_words
from matching.planning.actions import BUNDLE, Action

MIN_SIMILARITY = 0.15
WINDOW_DAYS = 180
MAX_TERMS = 5


@dataclass(frozen=True)
class OpenNeed:
    """A need that could still be bought jointly (not yet matched to an organization)."""

    id: str
    street: str
    category: str
    text: str
    budget_yuan: int
    posted: dt.date


@lru_cache(maxsize=20_000)
def _words(text: str) -> tuple[str, ...]:
    """Content words of a need's text; cached, as the same texts come back every recompute."""
    return tuple(content_words(text))


def _allowed(a: OpenNeed, b: OpenNeed, window: int, neighbours: Mapping[str, frozenset[str]]):
    da, db = a.street[:6], b.street[:6]
    near = da == db or db in neighbours.get(da, frozenset())
    return near and abs((a.posted - b.posted).days) <= window


def _clusters(sim: np.ndarray, allowed: np.ndarray, min_similarity: float) -> list[list[int]]:
    """Complete-linkage groups: every pair within a group is allowed and similar enough."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    n = len(sim)
    if n < 2:
        return []
    dist = np.where(allowed, 1.0 - np.clip(sim, 0.0, 1.0), 2.0)
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(
        linkage(squareform(dist, checks=False), method="complete"),
        t=1.0 - min_similarity + 1e-9,
        criterion="distance",
    )
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return [g for g in groups.values() if len(g) >= 2]


def _shared_terms(words: Sequence[list[str]]) -> list[str]:
    """Words at least half the needs of a bundle use, most shared first."""
    counts = Counter(w for ws in words for w in set(ws))
    need = max(2, (len(words) + 1) // 2)
    order = {w: i for i, w in enumerate(w for ws in words for w in ws)}
    shared = [w for w, c in counts.items() if c >= need]
    return sorted(shared, key=lambda w: (-counts[w], order[w]))[:MAX_TERMS]


def find_bundles(
    needs: Sequence[OpenNeed],
    neighbours: Mapping[str, frozenset[str]],
    min_similarity: float = MIN_SIMILARITY,
    window_days: int = WINDOW_DAYS,
) -> list[Action]:
    """Bundles, the most needs first (then the largest combined budget)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(needs) < 2:
        return []
    words = [list(_words(n.text)) for n in needs]
    if not any(words):
        return []
    matrix = TfidfVectorizer(analyzer=lambda ws: ws, sublinear_tf=True).fit_transform(words)
    by_category: dict[str, list[int]] = {}
    for i, need in enumerate(needs):
        by_category.setdefault(need.category, []).append(i)
    out = []
    for category, rows in sorted(by_category.items()):
        if len({needs[i].street for i in rows}) < 2:
            continue
        sub = matrix[rows]
        sim = (sub @ sub.T).toarray()
        allowed = np.array(
            [[_allowed(needs[i], needs[j], window_days, neighbours) for j in rows] for i in rows]
        )
        for group in _clusters(sim, allowed, min_similarity):
            members = [needs[rows[k]] for k in group]
            streets = sorted({m.street for m in members})
            if len(streets) < 2:
                continue
            action = Action(BUNDLE, category, needs=sorted(m.id for m in members))
            action.streets = streets
            action.budget_yuan = sum(int(m.budget_yuan or 0) for m in members)
            action.shared_terms = _shared_terms([words[rows[k]] for k in group])
            out.append(action)
    return sorted(out, key=lambda a: (-len(a.needs), -a.budget_yuan, a.needs))
