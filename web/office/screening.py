"""What the office sees right after posting: the category the matcher's classifier suggests
and the Art. 11 screening. The classifier is optional: without the matching package or its
model the page simply shows no suggestion."""

from __future__ import annotations

from flask import current_app

from catalog.lifecycle import apply_screening
from catalog.models import Need


def suggest_category(need: Need) -> tuple[str, float] | None:
    """(category, probability) of the classifier's best real category for the need's text."""
    from matching import facade

    return facade.suggest_category(need, facade.Settings.from_config(current_app.config))


def screen_need(need: Need, known_categories: set[str]) -> None:
    """Flag prohibited types and, unless a person chose one, suggest the category."""
    apply_screening(need)
    if need.category_source in ("office", "reviewer", "import"):
        return
    guess = suggest_category(need)
    if guess and guess[0] in known_categories:
        need.category_name, need.category_confidence = guess
        need.category_source = "model"
