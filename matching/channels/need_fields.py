"""The fields of a need's text, for features that weigh them differently.

`NeedRecord.text()` joins title, title, description and beneficiaries with "。"; the category
channel receives only that string (the ranking pipeline passes texts, not records), so the fields
are recovered here from its shape.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.text.normalize import normalize


def split_need_text(text: str) -> tuple[str, str] | None:
    """(everything but the beneficiaries, the beneficiaries) of a text built by
    `NeedRecord.text()` (title。title。description。beneficiaries); None for any other text
    (lexicon entries, profiles), recognised by the repeated title."""
    parts = text.split("。")
    if len(parts) < 4 or parts[0] != parts[1] or not parts[0]:
        return None
    return "。".join(parts[:-1]), parts[-1]


def title_once(text: str) -> str:
    """The need text with its title written once instead of twice (a lever). Why try it: a
    branded title (a programme name) counted twice outweighs a description that names the
    service; other texts are returned unchanged."""
    parts = text.split("。")
    return "。".join(parts[1:]) if split_need_text(text) else text


def title_matrix(vectorizer: TfidfVectorizer, texts: Sequence[str]):
    """TF-IDF rows of the titles alone (the title expert's view; other texts whole). Why: a
    title and a description can point at different services; a separate expert lets the
    title's evidence count on its own, with a weight chosen under CV."""
    titles = [t.split("。")[0] if split_need_text(t) else t for t in texts]
    return vectorizer.transform([normalize(t) for t in titles])


def weighted_vectors(vectorizer: TfidfVectorizer, texts: Sequence[str], w: float):
    """TF-IDF rows with the beneficiaries field's own vector weighted by w, re-normalized.
    Why: the beneficiaries name a group (长者, 残疾人), which pulls a need towards that group's
    category even when the service asked for is another one (health checks for the elderly)."""
    head, tail = [], []
    for t in texts:
        split = split_need_text(t)
        head.append(normalize(split[0] if split else t))
        tail.append(normalize(split[1] if split else ""))
    X = vectorizer.transform(head) + w * vectorizer.transform(tail)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ X)
