"""The browser fixture of the journeys (tests/browser/walk.py has the helpers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.walk import chromium


@pytest.fixture
def browser() -> Iterator:
    with chromium() as driver:
        yield driver
