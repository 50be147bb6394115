"""匹配度 as a clerk reads it: the level and a percentage that never claims certainty."""

from __future__ import annotations

import pytest

from web.pages.match_display import match_level


@pytest.mark.parametrize(
    ("probability", "key", "percent"),
    [
        (1.0, "high", "99%"),
        (0.999, "high", "99%"),
        (0.87, "high", "87%"),
        (0.5, "medium", "50%"),
        (0.12, "low", "12%"),
        (0.001, "low", "1%"),
        (None, "low", "1%"),
    ],
)
def test_level_and_percentage(app, probability, key, percent):
    with app.test_request_context():
        got_key, text = match_level(probability)
    assert got_key == key and str(text).endswith(" " + percent)
