"""The whole loop in a real headless Chromium (Debian's chromium + chromedriver, no browser
download): office posts a need → reviewer approves → matching finishes (eager Celery, the real
matcher) → office confirms one suggestion and rejects another with a reason → office lists the
need → the organization sees it and expresses interest → the public notice shows the listed need
and the confirmed organization, not the rejected one. A screenshot per step goes to
test-artifacts/browser/. CSRF protection is on, as in production."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
TIMEOUT = 20


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    from werkzeug.serving import make_server

    from catalog import schema
    from tests.web.web_world import build_world
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
    build_world(app, needs=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["db"].dispose()


@pytest.fixture
def browser() -> Iterator:
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
        "--window-size=1280,1600",
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
    """Small helpers over the driver so the test reads as the journey."""

    def __init__(self, driver, base: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.d, self.base, self.By = driver, base, By
        self.wait = WebDriverWait(driver, TIMEOUT)
        self.step = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def go(self, path: str) -> None:
        self.d.get(self.base + path)

    def css(self, selector: str, within=None):
        return (within or self.d).find_element(self.By.CSS_SELECTOR, selector)

    def all(self, selector: str):
        return self.d.find_elements(self.By.CSS_SELECTOR, selector)

    def click(self, selector: str, within=None) -> None:
        """Click something that loads a page, and wait until the new page is there."""
        from selenium.webdriver.support import expected_conditions as ec

        old = self.d.find_element(self.By.TAG_NAME, "html")
        self.css(selector, within).click()
        self.wait.until(ec.staleness_of(old))
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def type(self, selector: str, text: str, within=None) -> None:
        field = self.css(selector, within)
        field.clear()
        field.send_keys(text)

    def shot(self, name: str) -> None:
        self.step += 1
        self.d.save_screenshot(str(ARTIFACTS / f"{self.step:02d}-{name}.png"))

    def sign_in(self, username: str) -> None:
        from tests.web.web_world import PASSWORD

        self.go("/login")
        self.type("#username", username)
        self.type("#password", PASSWORD)
        self.click("#sign-in")
        assert "/login" not in self.d.current_url, self.text()

    def sign_out(self) -> None:
        self.click("form[action$='/logout'] button")

    def text(self) -> str:
        return self.css("body").text


def test_full_loop(live_server, browser):
    w = Walk(browser, live_server)
    title = "拱北独居长者助餐送餐服务"

    # 1. The street office posts a need and sees the suggested category.
    w.sign_in("office_gb")
    w.click("#new-need")
    assert browser.find_element(w.By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    w.type("#title", title)
    w.type(
        "#description",
        "辖区内独居老人做饭困难，希望有社会组织每天中午送餐上门，并每周上门探访一次。",
    )
    w.type("#beneficiaries", "独居长者")
    w.type("#beneficiary_count", "60")
    w.type("#budget_yuan", "120000")
    w.type("#months", "12")
    w.shot("office-need-form")
    w.click("#submit-for-review")
    w.wait.until(lambda d: "posted=1" in d.current_url)
    need_id = browser.current_url.split("?")[0].rsplit("/", 1)[1]
    assert "系统推荐的服务类别" in w.text() and "居家养老" in w.css("#category").text
    w.shot("office-need-submitted")
    w.sign_out()

    # 2. The reviewer approves; matching runs (eagerly) and the page shows it finished.
    w.sign_in("reviewer_xz")
    w.go("/reviewer/")
    w.click(f"#queue a[href$='/reviewer/needs/{need_id}']")
    w.shot("reviewer-review")
    w.click("#approve")
    w.wait.until(lambda d: w.css("#match-status").get_attribute("data-state") == "done")
    assert len(w.all(".suggestion")) >= 2
    w.shot("reviewer-approved-matched")
    w.sign_out()

    # 3. The office confirms the first suggestion, rejects the second with a reason, lists it.
    w.sign_in("office_gb")
    w.go(f"/office/needs/{need_id}")
    cards = w.all(".suggestion")
    confirmed_id, rejected_id = cards[0].get_attribute("id"), cards[1].get_attribute("id")
    confirmed_name = w.css(f"#{confirmed_id} h3").text.split(". ", 1)[1].split(" ")[0]
    rejected_name = w.css(f"#{rejected_id} h3").text.split(". ", 1)[1].split(" ")[0]
    w.click(f"#{confirmed_id} button.confirm")
    w.type(f"#{rejected_id} input[name=reason]", "服务范围与本街道需求不符")
    w.click(f"#{rejected_id} button.reject")
    assert "confirmed" in w.css(f"#{confirmed_id}").get_attribute("class")
    assert "rejected" in w.css(f"#{rejected_id}").get_attribute("class")
    w.shot("office-decided")
    w.click("#action-list")
    assert w.css("#need-facts h1 .badge.listed").text == "已公示"
    w.shot("office-listed")
    w.sign_out()

    # 4. The organization sees the opportunity with reasons and expresses interest.
    w.sign_in("org_elder")
    card = w.css(f"#need-{need_id}")
    assert title in card.text and w.css(".reasons", card).text
    w.click("button.express-interest", card)
    assert "已表达意向" in w.css(f"#need-{need_id}").text
    w.shot("organization-interest")
    w.sign_out()

    # The office sees who is interested.
    w.sign_in("office_gb")
    w.go(f"/office/needs/{need_id}")
    assert "珠海市拱北乐龄长者服务中心" in w.css("#interests").text
    w.sign_out()

    # 5. The public notice: the listed need with the confirmed organization, not the rejected.
    w.go("/")
    row = w.css(f"#need-{need_id}")
    assert title in row.text
    assert confirmed_name in row.text and rejected_name not in row.text
    assert "office_gb" not in w.text() and "org_elder" not in w.text()
    w.shot("public-notice")
    w.go(f"/notice/{need_id}")
    assert confirmed_name in w.text() and rejected_name not in w.text()
    w.shot("public-need")

    # The same notice on a phone-sized screen, in English.
    browser.set_window_size(390, 844)
    w.go("/?lang=en")
    assert browser.find_element(w.By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Public notice" in w.text()
    w.shot("public-notice-phone-en")
