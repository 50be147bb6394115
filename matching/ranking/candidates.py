"""Which organizations a need is scored against, and their feature table (the first half of
`Matcher._rank`, kept apart so the pipeline module stays about assembling results).

Large catalogs rank in two stages: category and area features are cheap for every candidate,
the text channels (whose weights only break ties) are computed for the best `rerank_depth`.
The second stage reuses the first stage's rows of the feature table and fills in the text
columns, instead of building the table again: the same numbers, one table less per match.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from matching.channels.features import FEATURES, pair_features
from matching.channels.lexical import LexicalChannel

if TYPE_CHECKING:
    from matching.ranking.pipeline import Matcher
    from matching.records import NeedRecord

_LEXICAL = FEATURES.index("lexical")
_DENSE = FEATURES.index("dense")


def candidate_rows(m: Matcher, probs: np.ndarray, qv: np.ndarray | None) -> np.ndarray | None:
    """All organizations for small catalogs (None); else those offering a likely category
    plus the dense index's nearest neighbours, or every row when that leaves < top_k.
    Rows come back in ascending order."""
    if len(m.table) <= m.config.all_candidates_max:
        return None
    order = np.argsort(-probs)
    mass, cols = 0.0, []
    for j in order[:5]:
        cols.append(j)
        mass += probs[j]
        if mass >= 0.95:
            break
    mask = np.zeros(len(m.table), dtype=bool)
    for j in cols:
        mask[m.table.by_category[j]] = True
    if qv is not None and m.vector_index is not None:
        hits = [m.table.pos.get(oid) for oid, _ in m.vector_index.search(qv, 200)]
        mask[[h for h in hits if h is not None]] = True
    rows = np.flatnonzero(mask)
    if len(rows) < (m.config.top_k or 20):
        # Rank everyone, still in two stages: text over every profile of a large catalog
        # was matching's slow tail (200+ ms at 100,000 organizations).
        return np.arange(len(m.table))
    return rows


def scored_rows(
    m: Matcher, need: NeedRecord, probs: np.ndarray, qv: np.ndarray | None
) -> tuple[np.ndarray | None, np.ndarray]:
    """The candidate rows (None: every organization) and their feature table (rows × FEATURES),
    text channels included."""
    rows = candidate_rows(m, probs, qv)
    table, depth = m.table, m.config.rerank_depth
    pre: np.ndarray | None = None
    if rows is not None and len(rows) > depth:
        pre = pair_features(table, probs, need.street, np.zeros(len(rows)), None, rows)
        keep = np.sort(np.argpartition(-m.ranker.score(pre), depth)[:depth])
        rows, pre = rows[keep], pre[keep]  # `rows` ascending, so rows[keep] is too
    text = need.text()
    lex = _lexical(m.lexical, text, rows)
    dense = None
    if qv is not None and m.org_vecs is not None:
        dense = m.org_vecs @ qv if rows is None else m.org_vecs[rows] @ qv
    if pre is None:
        return rows, pair_features(table, probs, need.street, lex, dense, rows)
    pre[:, _LEXICAL] = lex
    if dense is not None:
        pre[:, _DENSE] = dense
    return rows, pre


def _lexical(lexical: LexicalChannel, text: str, rows: np.ndarray | None) -> np.ndarray:
    return lexical.scores(text) if rows is None else lexical.scores_at(text, rows)
