"""What the office sees right after posting: the category the matcher's classifier suggests
and the Art. 11 screening. The classifier is optional: without the matching package or its
model the page simply shows no suggestion."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from catalog.lifecycle import apply_screening
from catalog.models import Need

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _classifier() -> Any:
    try:
        from matching.service import load_models

        return load_models()[0]
    except Exception:  # noqa: BLE001 - no model shipped: degrade to no suggestion
        log.warning("category classifier unavailable", exc_info=True)
        return None


def suggest_category(need: Need) -> tuple[str, float] | None:
    """(category, probability) of the classifier's best real category for the need's text."""
    clf = _classifier()
    if clf is None:
        return None
    try:
        from matching.adapter import need_record
        from matching.channels.classifier import PROHIBITED

        probs = clf.predict_proba([need_record(need).text()])[0]
        ranked = sorted(zip(clf.classes, probs, strict=True), key=lambda x: -x[1])
        for name, p in ranked:
            if name != PROHIBITED:
                return name, float(p)
    except Exception:  # noqa: BLE001
        log.warning("category suggestion failed", exc_info=True)
    return None


def screen_need(need: Need, known_categories: set[str]) -> None:
    """Flag prohibited types and, unless a person chose one, suggest the category."""
    apply_screening(need)
    if need.category_source in ("office", "reviewer", "import"):
        return
    guess = suggest_category(need)
    if guess and guess[0] in known_categories:
        need.category_name, need.category_confidence = guess
        need.category_source = "model"
