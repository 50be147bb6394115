"""The matching pipeline over plain records: need → category probabilities → candidate
organizations → features → ranked suggestions with reasons; gap and prohibited flags.

Production (matching.service), evaluation and the benchmark all go through `Matcher`, so what is
measured is what runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from matching.channels.classifier import PROHIBITED, CategoryClassifier
from matching.channels.dense import Encoder
from matching.channels.features import FEATURES, OrgTable
from matching.channels.lexical import LexicalChannel, content_words, matched_terms
from matching.ranking.candidates import scored_rows
from matching.ranking.gap import decide_gap
from matching.ranking.probability import RAW, calibrate
from matching.ranking.prohibited import ProhibitedFlag, screen_need
from matching.ranking.ranker import LinearRanker
from matching.ranking.results import MatchResult, Opportunity, Suggested
from matching.records import CategoryInfo, NeedRecord, OrgRecord
from matching.taxonomy import categories as default_categories
from matching.wording import reasons as R

if TYPE_CHECKING:
    from matching.vectors.index import VectorIndex


@dataclass
class MatcherConfig:
    """Knobs whose defaults come from measurement on the labeled dev set (see README).

    The two thresholds that run are not these defaults: training calibrates them on
    out-of-fold predictions and stores them in the classifier artifact's meta ("config"), and
    `service.load_models` builds the config from there (the model card shows them). The
    defaults apply only to a classifier trained without enough labeled needs to calibrate."""

    gap_threshold: float = 0.5  # P(someone here offers the need's service) below this → gap
    prohibited_threshold: float = 0.5  # classifier probability of an Art. 11 type
    use_rules: bool = True  # catalog keyword rules for Art. 11
    dense_category_weight: float = 0.0  # mix of dense need↔category similarity into P(category)
    dense_temperature: float = 20.0
    manual_category_weight: float = 0.9  # trust in a category set by a person
    top_k: int = 20
    all_candidates_max: int = 5000  # above this, score only retrieved candidates
    rerank_depth: int = 1000  # large catalogs: text channels only for the best structured scores
    # Calibrated P(can serve) (matching.ranking.probability): isotonic map points, the likely cut-off,
    # and the top category probability below which the category is shown as uncertain (a
    # temperature-calibrated top class below 0.5 is more likely wrong than right).
    probability_x: list[float] | None = None
    probability_y: list[float] | None = None
    likely_threshold: float = 0.5
    category_uncertain_below: float = 0.5


class Matcher:
    """Holds the trained models and an indexed set of organizations."""

    def __init__(
        self,
        classifier: CategoryClassifier,
        ranker: LinearRanker | None = None,
        categories: Sequence[CategoryInfo] | None = None,
        encoder: Encoder | None = None,
        config: MatcherConfig | None = None,
    ) -> None:
        self.classifier = classifier
        self.ranker = ranker or LinearRanker()
        self.config = config or MatcherConfig()
        self.encoder = encoder
        known = {c.name: c for c in (categories or default_categories())}
        # Category axis = the classifier's classes (minus the prohibited pseudo-class).
        self.cat_names = [c for c in classifier.classes if c != PROHIBITED]
        self.cats = {n: known.get(n, CategoryInfo(name=n, group="")) for n in self.cat_names}
        self._cat_cols = [classifier.classes.index(c) for c in self.cat_names]
        self._pro_col = (
            classifier.classes.index(PROHIBITED) if PROHIBITED in classifier.classes else None
        )
        self._cat_vecs: np.ndarray | None = None
        self.table = OrgTable([], self.cat_names)
        self.lexical = LexicalChannel()
        self.org_vecs: np.ndarray | None = None
        # Optional FAISS index of the organizations (large catalogs retrieve candidates from it).
        self.vector_index: VectorIndex | None = None

    # ---------------------------------------------------------------- indexing
    def index(self, orgs: Sequence[OrgRecord]) -> Matcher:
        """(Re)build the organization side: feature table, lexical and dense vectors."""
        self.table = OrgTable(orgs, self.cat_names)
        texts = [o.profile_text() for o in orgs]
        self.lexical.fit(self.table.ids, texts)
        if self.encoder is not None and self._dense_on():
            self.org_vecs = self.encoder.encode(texts) if orgs else None
            self._cat_vecs = self.encoder.encode([self._cat_text(c) for c in self.cat_names])
        return self

    def _dense_on(self) -> bool:
        w = self.ranker.weights.get("dense", 0.0)
        return bool(w) or self.config.dense_category_weight > 0

    def _cat_text(self, name: str) -> str:
        c = self.cats[name]
        return f"{c.name_en}. {c.description_en} {', '.join(c.keywords_en)}"

    # ---------------------------------------------------------------- category
    def category_probs(
        self, needs: Sequence[NeedRecord]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """P(category) per need over `cat_names` (renormalized without the prohibited class),
        P(prohibited), and the need embeddings if the dense channel is on."""
        texts = [n.text() for n in needs]
        full = self.classifier.predict_proba(texts)
        p_pro = full[:, self._pro_col] if self._pro_col is not None else np.zeros(len(needs))
        probs = full[:, self._cat_cols]
        probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
        qv = None
        if self.encoder is not None and self._dense_on():
            qv = self.encoder.encode(texts)
            w = self.config.dense_category_weight
            if w > 0 and self._cat_vecs is not None:
                sims = qv @ self._cat_vecs.T * self.config.dense_temperature
                sims = np.exp(sims - sims.max(axis=1, keepdims=True))
                probs = (1 - w) * probs + w * sims / sims.sum(axis=1, keepdims=True)
        for i, n in enumerate(needs):  # a person's choice beats the model
            if n.category in self.cat_names:
                onehot = np.zeros(len(self.cat_names))
                onehot[self.cat_names.index(n.category)] = 1.0
                m = self.config.manual_category_weight
                probs[i] = m * onehot + (1 - m) * probs[i]
                p_pro[i] = 0.0
        return probs, p_pro, qv

    # ---------------------------------------------------------------- matching
    def match(self, need: NeedRecord, top_k: int | None = None) -> MatchResult:
        return self.match_many([need], top_k)[0]

    def match_many(
        self, needs: Sequence[NeedRecord], top_k: int | None = None
    ) -> list[MatchResult]:
        if not needs:
            return []
        probs, p_pro, qv = self.category_probs(needs)
        return [
            self._match_one(n, probs[i], float(p_pro[i]), None if qv is None else qv[i], top_k)
            for i, n in enumerate(needs)
        ]

    def _match_one(
        self,
        need: NeedRecord,
        probs: np.ndarray,
        p_pro: float,
        qv: np.ndarray | None,
        top_k: int | None,
    ) -> MatchResult:
        result = self._findings(need, probs, p_pro)
        if len(self.table):
            self._rank(result, need, probs, qv, top_k or self.config.top_k)
        return result

    def _findings(self, need: NeedRecord, probs: np.ndarray, p_pro: float) -> MatchResult:
        """Category, Art. 11 flag and gap of one need, before any organization is ranked."""
        cfg = self.config
        flag: ProhibitedFlag | None = None
        if need.category not in self.cat_names:
            flag = screen_need(
                f"{need.title}。{need.description}", p_pro, cfg.prohibited_threshold, cfg.use_rules
            )
        jbest = int(np.argmax(probs))
        gap = decide_gap(self.table, need.street, probs, cfg.gap_threshold)
        is_gap = gap.gap and flag is None  # a prohibited need is the reviewer's, not a gap
        result = MatchResult(
            need_id=need.id,
            category=None if flag else self.cat_names[jbest],
            category_confidence=float(probs[jbest]),
            category_top=[(self.cat_names[j], float(probs[j])) for j in np.argsort(-probs)[:3]],
            prohibited=flag is not None,
            category_uncertain=flag is None and float(probs[jbest]) < cfg.category_uncertain_below,
            prohibited_rule=flag.rule if flag else None,
            prohibited_detail=flag.detail if flag else None,
            gap=is_gap,
            gap_reason=gap.reason if is_gap else None,
            served_prob=gap.served,
            ranking=[],
        )
        if is_gap and gap.reason is not None:
            cat = self.cats[self.cat_names[gap.category if gap.category is not None else jbest]]
            result.gap_reasons = [R.gap_reason_text(gap.reason, cat)]
            result.gap_category = cat.name
        return result

    def _rank(
        self,
        result: MatchResult,
        need: NeedRecord,
        probs: np.ndarray,
        qv: np.ndarray | None,
        top_k: int,
    ) -> None:
        """Score the candidates; fill `result.ranking` and the top_k suggestions with reasons,
        each with its calibrated probability and whether it is one of the likely ones."""
        cfg = self.config
        rows, X = scored_rows(self, need, probs, qv)
        words = content_words(need.text())
        scores = self.ranker.score(X)
        order = np.argsort(-scores, kind="stable")
        idx = np.arange(len(self.table)) if rows is None else rows
        result.ranking = [self.table.ids[idx[k]] for k in order[: max(top_k, 20)]]
        prob = calibrate(X[:, RAW], cfg.probability_x, cfg.probability_y)
        result.probabilities = [float(prob[k]) for k in order[: len(result.ranking)]]
        level = self.table.coverage(need.street)
        for rank, k in enumerate(order[:top_k], start=1):
            org = self.table.orgs[idx[k]]
            result.suggestions.append(
                Suggested(
                    org_id=org.id,
                    score=float(scores[k]),
                    rank=rank,
                    reasons=self.explain(words, probs, org, int(level[idx[k]]), idx[k]),
                    features=dict(zip(FEATURES, map(float, X[k]), strict=True)),
                    probability=float(prob[k]),
                    likely=bool(prob[k] >= cfg.likely_threshold),
                )
            )
        result.likely = [s.org_id for s in result.suggestions if s.likely]

    def explain(
        self,
        need_words: str | list[str],
        probs: np.ndarray,
        org: OrgRecord,
        level: int,
        row: int | None = None,
    ) -> list[dict]:
        """Reasons for one (need, organization) pair, most telling first: the offered category
        the need most likely is about, and the words need and profile share (`row`: the
        organization's row in the index, whose normalized profile is kept)."""
        offered = [c for c in org.categories if c in self.cats]
        best = None
        if offered:
            name = max(offered, key=lambda c: probs[self.cat_names.index(c)])
            best = (self.cats[name], float(probs[self.cat_names.index(name)]))
        if row is not None and self.lexical.norm_texts:
            terms = matched_terms(need_words, self.lexical.norm_texts[row], normalized=True)
        else:
            terms = matched_terms(need_words, org.profile_text())
        return R.pair_reasons(best, level, org, terms)

    # ---------------------------------------------------------------- reverse
    def recommend_for_org(
        self, org: OrgRecord, needs: Sequence[NeedRecord], top_k: int = 20
    ) -> list[Opportunity]:
        """Needs ranked for one organization (its 'opportunities'), with reasons."""
        from matching.ranking.opportunities import rank_needs

        return rank_needs(self, org, needs, top_k)
