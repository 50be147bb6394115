"""Word segmentation behind one function.

jieba has been unmaintained since 2020; everything else in `matching` calls `segment()` only, so
swapping the segmenter (pkuseg, LTP, a tokenizer of a multilingual model) is a change to this file.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

_WORD = re.compile(r"[\w\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def segment(text: str) -> list[str]:
    """Split normalized text into words, dropping punctuation and whitespace tokens.
    Expects `matching.text.normalize`d input (lower case, Simplified)."""
    return [tok for tok in _jieba().lcut(text) if tok.strip() and _WORD.search(tok)]
