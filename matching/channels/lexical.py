"""Lexical channel: character n-gram TF-IDF between a need and organization profiles.

Characters rather than words because Chinese needs are unsegmented and paraphrased; bigrams
catch most shared terms (助餐, 探访) without trusting a segmenter. It is also the baseline the
evaluation reports next to the full pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.text.normalize import normalize
from matching.text.segment import segment

# Words too common in this domain to explain anything to a person.
STOPWORDS = frozenset(
    [
        "社区",
        "服务",
        "居民",
        "希望",
        "机构",
        "开展",
        "提供",
        "需要",
        "我们",
        "他们",
        "一些",
        "很多",
        "不少",
        "进行",
        "组织",
        "活动",
        "工作",
        "项目",
        "问题",
        "辖区",
        "街道",
        "镇",
        "村",
        "想",
        "请",
        "有",
        "的",
        "了",
        "和",
        "与",
        "及",
        "等",
        "为",
        "在",
        "是",
        "也",
        "都",
        "就",
        "还",
        "能",
        "会",
        "让",
        "把",
        "给",
        "对",
        "从",
        "这",
        "那",
        "一",
        "个",
        "中心",
        "社会",
        "珠海市",
        "珠海",
        "香洲区",
        "斗门区",
        "金湾区",
        "服务中心",
        "协会",
        "社工",
        "专业",
        "相关",
        "定期",
        "帮助",
        "协助",
        "支持",
        "the",
        "and",
        "for",
        "of",
        "to",
        "a",
        "in",
        "with",
        "on",
        "is",
        "are",
        "we",
        "our",
        "they",
        "their",
        "who",
        "want",
        "need",
        "service",
        "services",
        "community",
        "residents",
        "help",
    ]
)


class LexicalChannel:
    """Cosine similarity of char n-gram TF-IDF vectors, fitted on the organization profiles."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.ngram_range = ngram_range
        self.vectorizer: TfidfVectorizer | None = None
        self.matrix: sparse.csr_matrix | None = None
        self.ids: list[str] = []
        self.norm_texts: list[str] = []  # kept for reasons (matched terms)

    def fit(self, ids: Sequence[str], texts: Sequence[str]) -> LexicalChannel:
        self.ids = list(ids)
        self.vectorizer = TfidfVectorizer(
            analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True
        )
        self.norm_texts = [normalize(t) for t in texts]
        self.matrix = self.vectorizer.fit_transform(self.norm_texts).tocsr()
        return self

    def scores(self, text: str) -> np.ndarray:
        """Similarity of `text` to every fitted profile, in `ids` order."""
        assert self.vectorizer is not None and self.matrix is not None, "not fitted"
        if not self.ids:
            return np.zeros(0)
        q = self.vectorizer.transform([normalize(text)])
        return np.asarray((self.matrix @ q.T).toarray()).ravel()

    def scores_at(self, text: str, rows: np.ndarray) -> np.ndarray:
        """Similarity of `text` to the fitted profiles at `rows` only (large catalogs)."""
        assert self.vectorizer is not None and self.matrix is not None, "not fitted"
        q = self.vectorizer.transform([normalize(text)])
        return np.asarray((self.matrix[rows] @ q.T).toarray()).ravel()

    def similarity(self, texts: Sequence[str], profile: str) -> np.ndarray:
        """Similarity of each text to one profile, in the fitted vocabulary (the reverse
        direction: needs for an organization); zeros before anything was fitted."""
        if self.vectorizer is None:
            return np.zeros(len(texts))
        ov = self.vectorizer.transform([normalize(profile)])
        nv = self.vectorizer.transform([normalize(t) for t in texts])
        return np.asarray((nv @ ov.T).toarray()).ravel()


def content_words(text: str) -> list[str]:
    """Words of a text worth showing a person (segmented, stopwords and 1-char words dropped)."""
    out: list[str] = []
    for w in segment(normalize(text)):
        if len(w) >= 2 and w not in STOPWORDS and not w.isdigit() and w not in out:
            out.append(w)
    return out


def matched_terms(
    need_text: str | list[str], profile_text: str, limit: int = 5, normalized: bool = False
) -> list[str]:
    """Words a need and a profile share, in the need's order: the 'matched terms' reason.
    Pass the need's `content_words` and a normalized profile to skip recomputing them for
    every organization of a ranking."""
    words = content_words(need_text) if isinstance(need_text, str) else need_text
    profile = profile_text if normalized else normalize(profile_text)
    return [w for w in words if w in profile][:limit]
