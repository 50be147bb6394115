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
