"""The browser fixture of the journeys (tests/browser/walk.py has the helpers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.walk import chromium, hub_app, serve


@pytest.fixture
def browser() -> Iterator:
    with chromium() as driver:
        yield driver


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    """The web world's organizations and accounts (no needs), served; yields the base URL."""
    from tests.web.web_world import build_world

    app = hub_app(database_url, tmp_path)
    build_world(app, needs=False)
    try:
        with serve(app) as base:
            yield base
    finally:
        app.extensions["db"].dispose()
