"""Simplified and Traditional Chinese, converted in one place for the whole platform.

Text is written in Simplified Chinese. Readers of Traditional get OpenCC's s2t conversion of
it (`to_traditional`), and Traditional input is read as Simplified (`to_simplified`: Art. 11
screening, matching, spreadsheet headers), so one rule set and one index serve both scripts.
Every reason the platform shows is built by `reason`, with its Traditional text converted
here rather than written by hand, so the three languages of a reason cannot drift apart."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=2)
def _converter(config: str) -> Any:
    # Imported lazily: OpenCC builds its dictionaries on first use (~0.1 s).
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=8192)
def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (OpenCC s2t). Cached: the same reason sentences are
    converted for every suggestion of a run."""
    return _converter("s2t").convert(text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); other scripts pass through unchanged."""
    return _converter("t2s").convert(text)


def reason(kind: str, zh: str, en: str, zh_hant: str | None = None) -> dict:
    """{"kind", "zh", "zh_hant", "en"}: the shape of every reason on the platform (suggestion,
    gap, team and red-flag reasons). `zh_hant` only where a part is not a conversion of `zh`
    (a category's own Traditional name)."""
    return {"kind": kind, "zh": zh, "zh_hant": zh_hant or to_traditional(zh), "en": en}
