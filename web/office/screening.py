"""The category suggestion every need write asks for (catalog.commands.needs takes it as
`suggest_category`, since catalog cannot import the matcher): the one place pages and API
inject it from. The classifier is optional: without the matching package or its model there is
simply no suggestion."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

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
        from matching.classifier import PROHIBITED

        probs = clf.predict_proba([need_record(need).text()])[0]
        ranked = sorted(zip(clf.classes, probs, strict=True), key=lambda x: -x[1])
        for name, p in ranked:
            if name != PROHIBITED:
                return name, float(p)
    except Exception:  # noqa: BLE001
        log.warning("category suggestion failed", exc_info=True)
    return None
