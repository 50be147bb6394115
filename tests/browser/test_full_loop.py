"""The whole loop in a real headless Chromium (Debian's chromium + chromedriver, no browser
download): office posts a need → reviewer approves → matching finishes (eager Celery, the real
matcher) → office confirms one suggestion and rejects another with a reason → office lists the
need → the organization sees it and expresses interest → the public notice shows the listed need
and the confirmed organization, not the rejected one. A screenshot per step goes to
test-artifacts/browser/. CSRF protection is on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.walk import PHONE, Walk, hub_app, serve

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    from tests.web.web_world import build_world

    app = hub_app(database_url, tmp_path)
    build_world(app, needs=False)
    try:
        with serve(app) as base:
            yield base
    finally:
        app.extensions["db"].dispose()


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
    w.wait.until(lambda d: "submitted=1" in d.current_url)
    need_id = browser.current_url.split("?")[0].rsplit("/", 1)[1]
    assert "已提交审核。审核通过后" in w.text()
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
    assert w.css("#need-facts h1 .badge.listed").text == "征集中"
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
    browser.set_window_size(*PHONE)
    w.go("/?lang=en")
    assert browser.find_element(w.By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Public notice" in w.text()
    w.shot("public-notice-phone-en")
