"""How a suggestion's calibrated probability is shown: 匹配度 高 / 中 / 低 with the percentage
(never the ranker's raw score, which means nothing to a clerk), and which suggestions are read
first (the matcher's likely ones, and any a person already acted on) and which are folded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

# A calibrated probability: ≥ 0.7 most such organizations can serve the need, < 0.3 most cannot.
HIGH, MEDIUM = 0.7, 0.3
LEVELS = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}


def match_level(probability: float | None) -> tuple[str, str]:
    """(level key, "高 87%") of a calibrated probability. Shown between 1 % and 99 %: a
    calibrated estimate is never certainty, and "100%" reads to a clerk as a guarantee."""
    p = float(probability or 0.0)
    key = "high" if p >= HIGH else "medium" if p >= MEDIUM else "low"
    return key, f"{LEVELS[key]} {min(99, max(1, round(p * 100)))}%"


def split_suggestions(suggestions: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """(shown first, folded): likely suggestions and decided or invited ones first, in rank
    order; the rest behind "其他候选（N）"."""
    from catalog.teams import is_team_invite

    first, rest = [], []
    for s in suggestions:
        shown = s.likely or s.status != "suggested" or is_team_invite(s)
        (first if shown else rest).append(s)
    return first, rest
