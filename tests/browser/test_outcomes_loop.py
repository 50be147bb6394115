"""The outcome loop in a real headless Chromium, after the full loop (screenshots 11-…): the
street office records the acceptance result of the confirmed organization on a matched need
(first refused: satisfaction 150) and closes the need; the reviewer follows the organization's
link from the need's suggestions to its page and adds a warning to its credit archive; an
anonymous visitor reads the published grade and satisfaction on the notice of the closed need,
never the office's note; the organization reads both records on its profile, also on a phone.
CSRF protection is on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.walk import PHONE, Walk, hub_app, serve

pytestmark = pytest.mark.browser

NEED = "n-matched"  # matched, org-elder confirmed, no result yet (tests/web/web_world.py)
ORG = "org-elder"
ORG_NAME = "珠海市拱北乐龄长者服务中心"
NOTE = "个别长者反映周末送餐偏晚（内部备注）"
WARNING = {"date": "2025-01-15", "source": "珠海市民政局", "note": "2024年度工作报告逾期未报送"}


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    """The web world plus a matched need awaiting its result, a closed one with its result
    (an earlier project of org-elder) and an earlier credit entry of org-elder."""
    from tests.web.web_world import add_outcomes, build_world

    app = hub_app(database_url, tmp_path)
    build_world(app)
    add_outcomes(app)
    try:
        with serve(app) as base:
            yield base
    finally:
        app.extensions["db"].dispose()


def test_outcomes_loop(live_server, browser):
    w = Walk(browser, live_server, first_step=11)

    # 1. The office opens the matched need from its list and finds the acceptance form.
    w.sign_in("office_gb")
    w.go("/office/?status=matched")
    w.click(f"a[href$='/office/needs/{NEED}']")
    assert w.css("#need-facts h1 .badge").text == "已对接"
    card = w.css(f"#outcome-{ORG}")
    assert ORG_NAME in card.text
    assert "满意度" in w.css(f"label[for=satisfaction-{ORG}]").text
    assert "社会组织和民政部门可见" in w.css(f"label[for=note-{ORG}]").text  # who reads the note
    assert not w.all(f"#outcome-{ORG} .target-error")  # no refusal yet
    w.scroll_to("#outcomes")
    w.shot("office-outcome-form")

    # 2. Satisfaction 150: the browser itself refuses to send it (the field says 0–100) ...
    w.type(f"#satisfaction-{ORG}", "150")
    w.choose(f"#evaluation-{ORG}", "优秀")
    w.type(f"#note-{ORG}", NOTE)
    w.css(f"#outcome-{ORG} button.record-outcome").click()
    field = w.css(f"#satisfaction-{ORG}")
    assert browser.execute_script("return arguments[0].validity.rangeOverflow;", field)
    assert "100" in field.get_attribute("validationMessage")
    assert browser.current_url.endswith(f"/office/needs/{NEED}")
    # ... and where the browser does not check (an old browser), the server refuses it and
    # the message names the problem; the form is still there, nothing was recorded.
    browser.execute_script("arguments[0].noValidate = true;", w.css(f"#outcome-{ORG} form"))
    w.click(f"#outcome-{ORG} button.record-outcome")
    # The page comes back at the card, which shows the message once and what was typed.
    assert browser.current_url.endswith(f"#outcome-{ORG}")
    assert not [f for f in w.flashes() if f[0] == "error"]
    refused = w.css(f"#outcome-{ORG} .form-error")
    assert refused.is_displayed() and "满意度必须在0到100之间" in refused.text
    assert w.css(f"#satisfaction-{ORG}").get_attribute("value") == "150"
    assert NOTE in w.css(f"#note-{ORG}").get_attribute("value")
    assert w.all(f"#outcome-{ORG} form.outcome-form")
    w.shot("office-outcome-refused")

    # 3. A valid result is recorded, shown with its grade, satisfaction and note; it is final.
    w.type(f"#satisfaction-{ORG}", "92.5")
    w.choose(f"#evaluation-{ORG}", "优秀")
    w.type(f"#note-{ORG}", NOTE)
    # The service period has not ended: recording now needs a reason.
    w.type(f"#early-{ORG}", "项目提前完成验收")
    w.click(f"#outcome-{ORG} button.record-outcome")
    assert ("success", "验收结果已登记。") in w.flashes()
    card = w.css(f"#outcome-{ORG}")
    assert w.css(".outcome-grade", card).text == "优秀"
    assert w.css(".outcome-satisfaction", card).text == "92.5 / 100"
    assert NOTE in card.text
    assert not w.all("form.outcome-form", card)
    w.shot("office-outcome-recorded")

    # 4. The page offers to close the need, with a reason and a confirmation; closing it
    # publishes the result.
    w.type("#close-reason", "服务期满，验收完成")
    w.css("#close-confirm").click()  # a checkbox: no page load
    w.click("#action-close")
    assert w.css("#need-facts h1 .badge").text == "已结束"
    assert w.css(f"#outcome-{ORG} .outcome-grade").text == "优秀"
    w.sign_out()

    # 5. The reviewer finds the need among closed ones, follows the organization's link from
    # its suggestions to the organization's page: profile, credit archive, performance.
    w.sign_in("reviewer_xz")
    w.go("/reviewer/?status=closed")
    w.click(f"#queue a[href$='/reviewer/needs/{NEED}']")
    link = w.css(f"#suggestions a.org-link[href$='/reviewer/orgs/{ORG}']")
    assert link.text == ORG_NAME
    w.scroll_to("#suggestions")
    w.shot("reviewer-need-org-link")
    w.click(f"#suggestions a.org-link[href$='/reviewer/orgs/{ORG}']")
    assert w.css("#org-profile h1").text == ORG_NAME
    assert [r.get_attribute("data-kind") for r in w.all("#credit-archive .credit-event")] == [
        "inspection_pass"
    ]
    history = w.css("#performance-history").text
    assert f"独居长者助餐服务{NEED}" in history and "92.5" in history and NOTE in history
    w.full_shot("reviewer-org")

    # 6. The reviewer adds a warning; it is at the top of the archive, marked adverse.
    w.choose("#credit-kind", "警告")
    browser.execute_script(
        "arguments[0].value = arguments[1];", w.css("#credit-date"), WARNING["date"]
    )
    w.type("#credit-source", WARNING["source"])
    w.type("#credit-note", WARNING["note"])
    w.click("#add-credit-entry")
    assert ("success", "已添加信用记录。") in w.flashes()
    rows = w.all("#credit-archive .credit-event")
    assert [r.get_attribute("data-kind") for r in rows] == ["warning", "inspection_pass"]
    assert "adverse" in rows[0].get_attribute("class")
    assert "警告" in rows[0].text and WARNING["source"] in rows[0].text
    assert WARNING["note"] in rows[0].text
    w.full_shot("reviewer-credit-added")
    w.sign_out()

    # 7. Anyone: the notice of the closed need publishes grade and satisfaction, not the note.
    w.go(f"/notice/{NEED}")
    result = w.css(f".public-outcome[data-org='{ORG}']")
    assert w.css(".outcome-grade", result).text == "优秀"
    assert w.css(".outcome-satisfaction", result).text == "92.5"
    assert NOTE not in w.text() and "内部备注" not in w.text()
    assert WARNING["note"] not in w.text()
    w.shot("public-need-closed")

    # 8. The organization reads what is held on it on its profile: the warning and both results.
    w.sign_in("org_elder")
    w.click("a[href$='/org/profile']")
    records = w.css("#records")
    rows = w.all("#credit-archive .credit-event", records)
    assert [r.get_attribute("data-kind") for r in rows] == ["warning", "inspection_pass"]
    assert WARNING["note"] in rows[0].text
    history = w.all("#performance-history .performance-record", records)
    assert len(history) == 2
    assert any("92.5" in r.text and "优秀" in r.text for r in history)
    assert not w.all("#records form, #records input, #records textarea")  # read-only
    w.scroll_to("#records")
    w.shot("organization-records")

    # The same on a phone: the tables become cards, each value with its label.
    browser.set_window_size(*PHONE)
    w.go("/org/profile#records")
    first = w.css("#credit-archive .credit-event td[data-label]")
    assert first.get_attribute("data-label") == "日期" and first.is_displayed()
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth;"
    ), "the profile scrolls sideways on a phone"
    w.shot("organization-records-phone")
