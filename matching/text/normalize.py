"""Text normalization shared by indexing and querying.

Both sides of every comparison must go through the same function, otherwise a Traditional need
would never meet a Simplified profile and full-width digits would never meet half-width ones.

Script conversion alone is not enough for Hong Kong, Macau and Taiwan postings: they name the
same services with other words (志工 for 志愿者, 身心障碍 for 残疾, 更生人 for 刑满释放人员, 综援
for 低保), which character conversion leaves untouched, so the classifier, the lexical channel
and the dense channel all saw words the mainland lexicon and the profiles never use. A text in
Traditional script is therefore converted phrase by phrase (OpenCC tw2sp, which also maps
Taiwan phrases such as 透过 → 通过), and its regional service vocabulary is mapped to the
mainland term (`regional_terms` in matching/data/category_lexicon.json, written from Hong Kong,
Macau and Taiwan social-welfare usage). Simplified text is left as before: the regional words
come with the script, and mainland text must not pay for the lookup.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from catalog.chinese import to_simplified

_SPACE = re.compile(r"\s+")
_LEXICON = Path(__file__).resolve().parent.parent / "data" / "category_lexicon.json"
# A lever (benchmarks/bench_quality.py): False restores plain OpenCC t2s for every text.
REGIONAL = True


@lru_cache(maxsize=1)
def _tw2sp() -> Any:
    import opencc

    return opencc.OpenCC("tw2sp")


@lru_cache(maxsize=1)
def regional_terms() -> dict[str, str]:
    """Regional term (Simplified characters) → mainland term, from the lexicon file."""
    data = json.loads(_LEXICON.read_text(encoding="utf-8")).get("regional_terms", {})
    out: dict[str, str] = {}
    for terms in data.values():
        if isinstance(terms, dict):
            out |= terms
    return out


@lru_cache(maxsize=1)
def _regional_pattern() -> re.Pattern[str] | None:
    terms = sorted(regional_terms(), key=len, reverse=True)  # longest first: 长照 after 长照据点
    return re.compile("|".join(map(re.escape, terms))) if terms else None


def _from_traditional(text: str) -> str:
    """Phrase-level conversion of a Traditional text, then its regional service words."""
    text = _tw2sp().convert(text)
    pattern = _regional_pattern()
    if pattern is None:
        return text
    terms = regional_terms()
    return pattern.sub(lambda m: terms[m.group(0)], text)


def normalize(text: str | None) -> str:
    """Canonical form of a text: NFKC (full-width → half-width), Traditional → Simplified
    (with regional vocabulary, see the module docstring), lower case, single spaces.
    Idempotent, so normalizing twice is harmless."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    simplified = to_simplified(text)
    if REGIONAL and simplified != text:
        simplified = _from_traditional(text)
    text = simplified.lower()
    return _SPACE.sub(" ", text).strip()
