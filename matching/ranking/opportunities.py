"""The reverse direction: listed needs ranked for one organization, with reasons.

The same features and ranker as the forward direction (`Matcher.match`), computed for one
organization against many needs, so a pair scores the same whichever side asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from matching.channels.features import FEATURES, OrgTable, pair_features
from matching.ranking.results import Opportunity
from matching.records import NeedRecord, OrgRecord

if TYPE_CHECKING:
    from matching.ranking.pipeline import Matcher


def rank_needs(
    matcher: Matcher, org: OrgRecord, needs: Sequence[NeedRecord], top_k: int = 20
) -> list[Opportunity]:
    """`needs` ranked for `org`, best first, at most `top_k`."""
    if not needs:
        return []
    probs, _, qv = matcher.category_probs(needs)
    single = OrgTable([org], matcher.cat_names)
    texts = [n.text() for n in needs]
    lex = matcher.lexical.similarity(texts, org.profile_text())
    dense = None
    if qv is not None and matcher.encoder is not None:
        dense = qv @ matcher.encoder.encode([org.profile_text()])[0]
    rows = []
    for i, n in enumerate(needs):
        d = None if dense is None else dense[i : i + 1]
        rows.append(pair_features(single, probs[i], n.street, lex[i : i + 1], d)[0])
    X = np.vstack(rows)
    scores = matcher.ranker.score(X)
    out = []
    for rank, i in enumerate(np.argsort(-scores, kind="stable")[:top_k], start=1):
        level = int(single.coverage(needs[i].street)[0])
        out.append(
            Opportunity(
                need_id=needs[i].id,
                score=float(scores[i]),
                rank=rank,
                reasons=matcher.explain(texts[i], probs[i], org, level),
                features=dict(zip(FEATURES, map(float, X[i]), strict=True)),
            )
        )
    return out
