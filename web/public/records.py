"""Labels for acceptance results and credit archive entries, shared by the office, reviewer,
organization and public pages. Registered as Jinja globals by the public blueprint (always
installed) so every page names a grade or a credit kind the same way in each language."""

from __future__ import annotations

from typing import Any

from flask.blueprints import BlueprintSetupState

from catalog.credit import CREDIT_KINDS
from catalog.outcomes import GRADES
from web.pages.labels import CREDIT_KIND_LABELS, GRADE_LABELS

# Kinds a reader should notice at once (shown with the warning colour).
ADVERSE_KINDS = frozenset({"warning", "penalty", "blacklist"})

assert set(GRADE_LABELS) == set(GRADES)
assert set(CREDIT_KIND_LABELS) == set(CREDIT_KINDS)


def register_globals(state: BlueprintSetupState) -> None:
    """Blueprint `record_once` hook: make the labels available to every template."""
    globals_: dict[str, Any] = {
        "GRADES": GRADE_LABELS,
        "CREDIT_KINDS": CREDIT_KIND_LABELS,
        "ADVERSE_KINDS": ADVERSE_KINDS,
    }
    state.app.jinja_env.globals.update(globals_)
