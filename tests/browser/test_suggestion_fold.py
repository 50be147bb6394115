"""A clerk's colloquial need in a real headless Chromium: a title-only draft is asked for more
(who is served, what problem, where), the clerk adds a plain-spoken description and submits,
civil affairs approves, matching runs (eager Celery, the real matcher), and the office need page
shows the likely suggestions first with 匹配度 as 高 / 中 / 低 and a percentage, never a raw score,
and the rest folded behind "其他候选（N）", closed. Checked at desktop and phone width;
screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import re

import pytest

from tests.browser.walk import PHONE, Walk

pytestmark = pytest.mark.browser

DESKTOP_WIDE = (1366, 900)
LEVEL = re.compile(r"匹配度 ([高中低]) (\d{1,3})%")


def save_draft(w: Walk, title: str, description: str, beneficiaries: str) -> None:
    """Fill the need form (35 people, ¥90,000, 12 months) and save it as a draft."""
    for field, value in (
        ("title", title),
        ("description", description),
        ("beneficiaries", beneficiaries),
        ("beneficiary_count", "35"),
        ("budget_yuan", "90000"),
        ("months", "12"),
    ):
        w.type(f"#{field}", value)
    w.click("#save-draft")


def check_suggestions(w: Walk) -> None:
    """Likely ones first, each with 匹配度 高/中/低 N%; the others folded and closed."""
    first = w.all("#suggestions > .suggestion")
    folded = w.all("#other-suggestions .suggestion")
    assert first or folded, w.text()
    for card in first + folded:
        meta = w.css("p.muted", card).get_attribute("textContent")
        m = LEVEL.search(" ".join(meta.split()))
        assert m and 1 <= int(m.group(2)) <= 99, meta  # never "certain"
        assert "匹配分" not in meta and "score" not in meta.lower()
    assert all("likely" in c.get_attribute("class") for c in first)
    assert not any("likely" in c.get_attribute("class") for c in folded)
    if folded:
        details = w.css("#other-suggestions")
        assert details.tag_name == "details" and details.get_attribute("open") is None
        summary = w.css("#other-suggestions > summary").text
        assert summary == f"其他候选（{len(folded)}）"
        assert not folded[0].is_displayed()
    else:
        assert not w.all("#other-suggestions")


def test_colloquial_need_shows_likely_first(live_server, browser):
    browser.set_window_size(*DESKTOP_WIDE)
    w = Walk(browser, live_server, first_step=80)

    # 1. A title-only draft: the page asks who is served, what problem, and where.
    w.sign_in("office_gb")
    w.click("#new-need")
    save_draft(w, "家里老人一个人住，饭都吃不上", "拟通过购买服务，为老人提供服务项目。", "老人")
    assert "posted=1" in browser.current_url, w.text()
    prompt = w.css("#text-prompt")
    assert "title_only" in prompt.get_attribute("data-reasons")
    assert len(w.all("#text-prompt li")) == 3
    assert "描述太少" in prompt.text or "类别不确定" in prompt.text
    w.shot("office-thin-draft")
    need_id = browser.current_url.split("?")[0].rsplit("/", 1)[1]

    # A vaguer draft: the category itself is uncertain too, and the prompt says both.
    w.go("/office/needs/new")
    save_draft(w, "社区里有些事想找人帮忙", "拟通过购买服务，提供服务项目。", "居民")
    reasons = w.css("#text-prompt").get_attribute("data-reasons").split()
    assert reasons == ["title_only", "category_uncertain"], reasons

    # 2. The clerk says it in plain words and submits; the prompt is gone.
    w.go(f"/office/needs/{need_id}/edit")
    w.type(
        "#description",
        "我们街道有不少老人一个人过日子，子女不在身边，腿脚不好买菜做饭都难，"
        "经常一天就吃一顿。想找人中午把热饭送到家，顺便看看老人身体怎么样。",
    )
    w.type("#beneficiaries", "拱北街道独自居住的高龄老人")
    w.click("#submit-for-review")
    w.wait.until(lambda d: "submitted=1" in d.current_url)
    assert not w.all("#text-prompt")
    w.sign_out()

    # 3. Civil affairs approves; matching runs eagerly.
    w.sign_in("reviewer_xz")
    w.go(f"/reviewer/needs/{need_id}")
    w.click("#approve")
    w.wait.until(lambda d: w.css("#match-status").get_attribute("data-state") == "done")
    w.sign_out()

    # 4. The office page: likely suggestions first, the rest folded.
    w.sign_in("office_gb")
    w.go(f"/office/needs/{need_id}")
    uncertain = w.all("#category-uncertain")
    if uncertain:  # the category prompt, when the matcher was unsure, offers two choices
        assert "类别不确定" in uncertain[0].text
        assert len(w.all("#category-uncertain .category-choice")) == 2
    check_suggestions(w)
    w.scroll_to("#suggestions")
    w.full_shot("office-suggestions-desktop")
    if w.all("#other-suggestions"):
        w.css("#other-suggestions > summary").click()
        assert w.all("#other-suggestions .suggestion")[0].is_displayed()
        w.full_shot("office-suggestions-unfolded")

    # 5. The same page at phone width.
    browser.set_window_size(*PHONE)
    w.go(f"/office/needs/{need_id}")
    check_suggestions(w)
    width = browser.execute_script("return document.documentElement.scrollWidth;")
    assert width <= PHONE[0], f"page scrolls sideways at phone width: {width}px"
    w.scroll_to("#suggestions")
    w.full_shot("office-suggestions-phone")
