"""Text normalization shared by indexing and querying.

Both sides of every comparison must go through the same function, otherwise a Traditional need
would never meet a Simplified profile and full-width digits would never meet half-width ones.
"""

from __future__ import annotations

import re
import unicodedata

from catalog.chinese import to_simplified

_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """Canonical form of a text: NFKC (full-width → half-width), Traditional → Simplified,
    lower case, single spaces. Idempotent, so normalizing twice is harmless."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = text.lower()
    return _SPACE.sub(" ", text).strip()


_CJK = re.compile(r"[\u3400-\u9fff]")


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among non-space characters; tells English text apart."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _CJK.match(c)) / len(chars)
