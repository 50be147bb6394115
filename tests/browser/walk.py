"""Shared by the browser journeys: the app as production runs it (CSRF on), served by werkzeug
on a free loopback port in a thread, Debian's headless Chromium (no browser download), and
`Walk`, small helpers over the driver so a test reads as the journey it drives. Screenshots go
to test-artifacts/browser/, numbered across the journeys."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
TIMEOUT = 20
DESKTOP = (1280, 1600)
PHONE = (390, 844)


def hub_app(database_url: str, tmp_path: Path) -> Flask:
    """The app with an empty, migrated schema; the test adds its world."""
    from catalog import schema
    from web import create_app

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "browser-test",
            "RATELIMIT_ENABLED": False,
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
            "WTF_CSRF_ENABLED": True,
        }
    )
    schema.upgrade(app.extensions["db"])
    return app


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """The app on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def chromium() -> Iterator:
    """Headless Chromium in Simplified Chinese, desktop-sized; skips when not installed."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian chromium + chromium-driver are not installed (make system-deps)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="hub-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=zh-CN",
        "--window-size={},{}".format(*DESKTOP),
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Walk:
    """Small helpers over the driver so the test reads as the journey. `first_step` numbers
    the first screenshot, so journeys continue each other's numbering."""

    def __init__(self, driver, base: str, first_step: int = 1) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.d, self.base, self.By = driver, base, By
        self.wait = WebDriverWait(driver, TIMEOUT)
        self.step = first_step - 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def go(self, path: str) -> None:
        self.d.get(self.base + path)

    def css(self, selector: str, within=None):
        return (within or self.d).find_element(self.By.CSS_SELECTOR, selector)

    def all(self, selector: str, within=None):
        return (within or self.d).find_elements(self.By.CSS_SELECTOR, selector)

    def click(self, selector: str, within=None) -> None:
        """Click something that loads a page, and wait until the new page is there.

        The old page is marked in its own JavaScript global, which a new document does not
        have; asking Chromium whether an old element went stale instead can fail with an
        inspector error while the page is being replaced."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        self.d.execute_script("window.__walkOldPage = true;")
        self.css(selector, within).click()
        WebDriverWait(self.d, TIMEOUT, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.execute_script(
                "return window.__walkOldPage === undefined && document.readyState === 'complete';"
            )
        )

    def type(self, selector: str, text: str, within=None) -> None:
        field = self.css(selector, within)
        field.clear()
        field.send_keys(text)

    def choose(self, selector: str, visible_text: str, within=None) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.css(selector, within)).select_by_visible_text(visible_text)

    def scroll_to(self, selector: str) -> None:
        """Bring an element to the top of the window (for the screenshot that follows)."""
        self.d.execute_script("arguments[0].scrollIntoView(true);", self.css(selector))

    def shot(self, name: str) -> None:
        self.step += 1
        self.d.save_screenshot(str(ARTIFACTS / f"{self.step:02d}-{name}.png"))

    def full_shot(self, name: str) -> None:
        """A screenshot of the whole page, not just the window (the window is restored)."""
        size = self.d.get_window_size()
        width, height = size["width"], size["height"]
        page = self.d.execute_script("return document.documentElement.scrollHeight;")
        self.d.set_window_size(width, max(height, page + 140))
        try:
            self.shot(name)
        finally:
            self.d.set_window_size(width, height)

    def sign_in(self, username: str, password: str | None = None) -> None:
        from tests.web.web_world import PASSWORD

        self.go("/login")
        self.type("#username", username)
        self.type("#password", password or PASSWORD)
        self.click("#sign-in")
        assert "/login" not in self.d.current_url, self.text()

    def sign_out(self) -> None:
        self.click("form[action$='/logout'] button")

    def text(self) -> str:
        return self.css("body").text

    def flashes(self) -> list[tuple[str, str]]:
        """(category, text) of the page's flash messages."""
        return [
            (f.get_attribute("class").replace("flash", "").strip(), f.text)
            for f in self.all("p.flash")
        ]
