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
    """Traditional → Simplified Chinese (OpenCC t2s); other scripts pass through unchanged.
    A text with none of the characters the conversion can change is returned as is: most
    text here is Simplified already, and the pure-Python converter costs ~0.4 ms per profile
    (40 s for an index of 100,000 organizations)."""
    triggers = _t2s_triggers()
    if triggers is not None and triggers.isdisjoint(text):
        return text
    return _converter("t2s").convert(text)


@lru_cache(maxsize=1)
def _t2s_triggers() -> frozenset[str] | None:
    """Characters without which no t2s dictionary entry can change a text: for each entry
    that converts, the characters it changes (all of its characters when the lengths differ).
    An entry matches only where all its characters are present, so a text holding none of
    these matches no converting entry. None when the converter's tables cannot be read."""
    try:
        converter = _converter("t2s")
        converter.convert("")  # loads the dictionaries
        tables = [t for chain in converter._dict_chain_data for t in chain]
        entries = [e for table in tables for e in table[2].items()]
    except Exception:  # noqa: BLE001 - another OpenCC build: convert every text
        return None
    out: set[str] = set()
    for key, value in entries:
        first = value.split(" ")[0]
        if first == key:
            continue
        if len(first) == len(key):
            out.update(k for k, v in zip(key, first, strict=True) if k != v)
        else:
            out.update(key)
    return frozenset(out)


def reason(kind: str, zh: str, en: str, zh_hant: str | None = None) -> dict:
    """{"kind", "zh", "zh_hant", "en"}: the shape of every reason on the platform (suggestion,
    gap, team and red-flag reasons). `zh_hant` only where a part is not a conversion of `zh`
    (a category's own Traditional name)."""
    return {"kind": kind, "zh": zh, "zh_hant": zh_hant or to_traditional(zh), "en": en}
