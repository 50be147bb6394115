"""Every page of every role, and the public's, at phone width (390×844) in a real Chromium: no
page may be wider than the phone (document.documentElement.scrollWidth > innerWidth means the
reader scrolls sideways), and axe-core (bundled by axe-selenium-python) may find no serious or
critical violation. The pages come from the app's URL map (tests/browser/pages.py), filled
from a world with needs in every state, teams, results and an inspection draw."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.pages import (
    ROLES,
    VALUES,
    axe_findings,
    overflow,
    page_urls,
    phone,
    small_targets,
)
from tests.browser.walk import Walk, hub_app, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def world_server(database_url, tmp_path) -> Iterator[tuple]:
    from tests.web.web_world import (
        add_contacts,
        add_draw,
        add_gap_with_teams,
        add_outcomes,
        build_world,
    )

    app = hub_app(database_url, tmp_path)
    world = build_world(app)
    add_outcomes(app)
    add_gap_with_teams(app)
    add_contacts(app)
    values = dict(VALUES, draw_id=(str(add_draw(app)),))
    values["account_id"] = (str(world.account_ids["office"]),)
    try:
        with serve(app) as base:
            yield app, base, values
    finally:
        app.extensions["db"].dispose()


def check_pages(walk: Walk, urls: list[str]) -> tuple[list[str], list[str]]:
    """(overflows and tap targets under 44 px, axe findings) of the pages, each line naming
    its URL."""
    wide, axe = [], []
    from selenium.common.exceptions import TimeoutException

    for url in urls:
        try:
            walk.go(url)
        except TimeoutException:  # a busy machine's renderer, not the page: once more
            walk.go(url)
        assert walk.d.execute_script("return document.contentType;") == "text/html", url
        problem = overflow(walk.d)
        if problem:
            wide.append(f"{url}: {problem}")
        wide += [f"{url}: tap target {small}" for small in small_targets(walk.d)]
        axe += [f"{url}: {finding}" for finding in axe_findings(walk.d)]
    return wide, axe


@pytest.mark.parametrize("role", (None, *ROLES))
def test_every_page_fits_a_phone_and_passes_axe(world_server, browser, role):
    app, base, values = world_server
    w = Walk(browser, base)
    urls = page_urls(app, role, values)
    assert urls, f"no page found for {role}"
    if role is not None:
        from tests.web.web_world import ACCOUNTS

        w.sign_in(next(user for user, r, _ in ACCOUNTS.values() if r == role))
    phone(browser)
    wide, axe = check_pages(w, urls)
    assert not wide, "wider than the phone, or too small to tap:\n" + "\n".join(wide)
    assert not axe, "axe-core, serious or critical:\n" + "\n".join(axe)
