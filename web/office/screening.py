"""The category suggestion every need write asks for (catalog.commands.needs takes it as
`suggest_category`, since catalog cannot import the matcher): the one place pages and API
inject it from. The classifier is optional: without the matching package or its model there is
simply no suggestion."""

from __future__ import annotations

from flask import current_app

from catalog.models import Need


def suggest_category(need: Need) -> tuple[str, float] | None:
    """(category, probability) of the classifier's best real category for the need's text."""
    from matching import facade

    return facade.suggest_category(need, facade.Settings.from_config(current_app.config))
