"""The API reference page in a real headless Chromium: /api/v1/docs renders the OpenAPI
document with Swagger UI served by the platform itself — every request the page makes goes to
the platform's own origin, nothing is blocked by the content security policy, and the page is
usable at desktop and phone width (screenshots in test-artifacts/browser/)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.walk import ARTIFACTS, DESKTOP, PHONE, TIMEOUT, hub_app, serve

pytestmark = pytest.mark.browser

# Every CSP violation of the page, recorded from the first script on (before Swagger UI runs).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
RESOURCES = """
return performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
  .map(function (e) { return e.name; });
"""


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    app = hub_app(database_url, tmp_path)
    with serve(app) as base:
        yield base
    app.extensions["db"].dispose()


def _operations_rendered(driver) -> int:  # type: ignore[no-untyped-def]
    return len(driver.find_elements("css selector", ".swagger-ui .opblock"))


def test_api_reference_renders_offline(live_server, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})
    browser.get(live_server + "/")
    footer = browser.find_element("css selector", ".site-footer a[href='/api/v1/docs']")
    assert footer.text == "API 参考"
    footer.click()
    WebDriverWait(browser, TIMEOUT).until(lambda d: _operations_rendered(d) >= 20)
    assert browser.find_element("css selector", "main h1").text == "API 参考"
    title = browser.find_element("css selector", ".swagger-ui .info .title").text
    assert "Zhuhai community services" in title
    paths = {e.text for e in browser.find_elements("css selector", ".opblock-summary-path")}
    assert {"/inspections", "/needs/{need_id}/outcomes", "/public/needs"} <= paths

    origin = urlsplit(live_server).netloc
    urls = browser.execute_script(RESOURCES)
    assert any(u.endswith("/api/v1/openapi.json") for u in urls)
    assert any(u.endswith("/swagger-ui-bundle.js") for u in urls)
    elsewhere = [u for u in urls if not u.startswith("data:") and urlsplit(u).netloc != origin]
    assert elsewhere == [], f"requests that left the server: {elsewhere}"
    assert browser.execute_script("return window.__cspViolations;") == []

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        browser.set_window_size(*size)
        browser.execute_script("window.scrollTo(0, 0);")
        assert browser.save_screenshot(str(ARTIFACTS / f"api-docs-{name}.png"))
    width = browser.execute_script("return document.documentElement.scrollWidth;")
    assert width <= PHONE[0] + 1, f"the page scrolls sideways on a phone ({width}px)"
