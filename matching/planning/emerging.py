"""Emerging needs (Zhuhai Art. 9): needs that fit no service category well, grouped so a
planner can see a new kind of demand (stray animals, e-sports addiction, …) rather than a pile of
misfits.

How: the matcher's category classifier scores each need. A need fits weakly when its calibrated
P(best category) is below `threshold` or when no one-vs-rest category model claims it (best raw
margin below `MARGIN_THRESHOLD`): temperature scaling makes P relative, so an off-taxonomy text
can still get a confident P from a few shared characters, and the margin is the absolute check.
Weak fits are clustered on the classifier's own char n-gram TF-IDF vectors (the matcher's
need-side representation) by average-linkage agglomerative clustering on cosine distance — no
number of clusters to guess; a need unlike any other stays alone. A cluster is *emerging* when the
classifier cannot say which service it is about (its members' best categories disagree, or their
mean P is low); a cluster whose members agree on one category is colloquial wording of an existing
service and is shown apart. Labels are the words frequent in the cluster and rare among all needs
in view (class-based TF-IDF over jieba words).

Measured on data/dev with out-of-fold classifiers (legitimate needs, 142): P < 0.5 flags
13 %, P < 0.5 or margin < -0.25 about a quarter; the category-agreement rule then keeps most of
those out of the emerging clusters.

When the classifier artifact is missing (a fresh checkout before training), a char TF-IDF
similarity to the taxonomy's own texts stands in for P(category), with its own threshold (both
scorers are in `taxonomy_fit`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering
from sklearn.preprocessing import normalize as l2_normalize
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.analytics import NeedFilter
from catalog.analytics.filters import submitted
from catalog.models import Need
from matching.planning.taxonomy_fit import CLASSIFIER_THRESHOLD, FitScorer, default_scorer
from matching.text.normalize import normalize

AGREEMENT = 0.6  # a cluster whose members' best category agrees less than this is emerging
DISTANCE = 0.85  # average cosine distance within a cluster (similarity ≥ 0.15 on char n-grams)
MAX_NEEDS = 2000  # the distance matrix is n²; beyond this the worst-fitting needs are kept
# Words every need uses; they say nothing about what is new.
_STOP = (
    "社区 居民 希望 需要 想请 想要 开展 组织 机构 服务 活动 项目 街道 我们 他们 一些 很多 越来越 "
    "没有 可以 进行 提供 相关 问题 情况 目前 现在 附近 小区 帮助 帮忙 请人 有人 the and for with "
    "need needs residents community service services want help"
)
STOPWORDS = frozenset(_STOP.split())


@dataclass
class EmergingNeed:
    id: str
    title: str
    street: str
    fit: float
    nearest_category: str


@dataclass
class EmergingCluster:
    terms: list[str]
    needs: list[EmergingNeed]
    nearest_category: str
    agreement: float  # share of members whose best category is `nearest_category`
    emerging: bool  # False: members agree on one category (unusual wording, not new demand)

    @property
    def label(self) -> str:
        return " · ".join(self.terms)

    @property
    def size(self) -> int:
        return len(self.needs)

    @property
    def mean_fit(self) -> float:
        return float(np.mean([n.fit for n in self.needs])) if self.needs else 0.0


@dataclass
class EmergingReport:
    clusters: list[EmergingCluster] = field(default_factory=list)  # emerging first
    singles: list[EmergingNeed] = field(default_factory=list)  # off-taxonomy but alone
    considered: int = 0
    threshold: float = CLASSIFIER_THRESHOLD
    source: str = "classifier"


def cluster_labels(vectors: sparse.csr_matrix, distance: float = DISTANCE) -> np.ndarray:
    """Average-linkage clusters on cosine distance; one label per row."""
    n = vectors.shape[0]
    if n < 2:
        return np.zeros(n, dtype=int)
    x = l2_normalize(vectors)
    dist = np.clip(1.0 - (x @ x.T).toarray(), 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=distance
    )
    return model.fit_predict(dist)


def _words(text: str) -> set[str]:
    from matching.text.segment import segment

    out = set()
    for w in segment(normalize(text)):
        if w in STOPWORDS or w.isdigit():
            continue
        if len(w) >= 2 and (not w.isascii() or len(w) >= 3):
            out.add(w)
    return out


def top_terms(cluster_texts: Sequence[str], background: Sequence[str], k: int = 4) -> list[str]:
    """Words frequent in the cluster and rare in the background (class-based TF-IDF); ties go
    to longer words, which read better as a label."""
    bg_df = Counter(w for t in background for w in _words(t))
    n_bg = max(len(background), 1)
    df = Counter(w for t in cluster_texts for w in _words(t))
    scored = [
        (df[w] / len(cluster_texts) * (math.log((1 + n_bg) / (1 + bg_df[w])) + 1.0), len(w), w)
        for w in df
        if df[w] >= 2 or len(cluster_texts) == 1
    ]
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [w for _, _, w in scored[:k]]


def find_emerging(
    items: Sequence[tuple[str, str, str, str]],
    scorer: FitScorer,
    threshold: float | None = None,
    min_cluster: int = 2,
    distance: float = DISTANCE,
    background: Sequence[str] | None = None,
) -> EmergingReport:
    """Pure core over (id, title, street, text) tuples: score, keep the weak fits, cluster,
    label, and tell emerging clusters from colloquial wording of one category."""
    threshold = scorer.threshold if threshold is None else threshold
    report = EmergingReport(threshold=threshold, source=scorer.source, considered=len(items))
    if not items:
        return report
    texts = [t for *_, t in items]
    sc = scorer.score(texts, threshold)
    weak = sorted(int(i) for i in np.flatnonzero(sc.weak))
    if len(weak) > MAX_NEEDS:
        weak = sorted(sorted(weak, key=lambda i: sc.fit[i])[:MAX_NEEDS])
    if not weak:
        return report
    labels = cluster_labels(sc.vectors[weak], distance)
    groups: dict[int, list[int]] = {}
    for row, lab in zip(weak, labels, strict=True):
        groups.setdefault(int(lab), []).append(row)
    bg = list(background) if background is not None else texts

    def member(i: int) -> EmergingNeed:
        return EmergingNeed(items[i][0], items[i][1], items[i][2], float(sc.fit[i]), sc.best[i])

    for rows in groups.values():
        if len(rows) < min_cluster:
            report.singles.extend(member(i) for i in rows)
            continue
        nearest, votes = Counter(sc.best[i] for i in rows).most_common(1)[0]
        agreement = votes / len(rows)
        mean_fit = float(np.mean([sc.fit[i] for i in rows]))
        report.clusters.append(
            EmergingCluster(
                terms=top_terms([texts[i] for i in rows], bg),
                needs=[member(i) for i in rows],
                nearest_category=nearest,
                agreement=agreement,
                emerging=agreement < AGREEMENT or mean_fit < threshold,
            )
        )
    report.clusters.sort(key=lambda c: (not c.emerging, -c.size, c.label))
    report.singles.sort(key=lambda n: (n.fit, n.id))
    return report


def emerging_needs(
    session: Session,
    flt: NeedFilter | None = None,
    scorer: FitScorer | None = None,
    threshold: float | None = None,
    min_cluster: int = 2,
    distance: float = DISTANCE,
) -> EmergingReport:
    """Off-taxonomy needs among those `flt` selects (Art. 11 prohibited needs excluded: they
    are a reviewer's matter, not new demand)."""
    flt = flt or NeedFilter()
    needs = list(
        session.scalars(
            select(Need)
            .where(*flt.conditions(), submitted(), Need.prohibited.is_not(True))
            .order_by(Need.id)
        )
    )
    # Title and description only: the matcher's text() repeats the title and appends the
    # beneficiaries ("居民" on half the needs), which would pull unrelated short needs together.
    items = [(n.id, n.title, n.street_code, f"{n.title}。{n.description or ''}") for n in needs]
    return find_emerging(items, scorer or default_scorer(session), threshold, min_cluster, distance)
