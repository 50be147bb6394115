"""From map to action (issue 16) in a real headless Chromium (screenshots 40-…): a planner opens
the recommended actions and the red flags in Simplified Chinese, Traditional Chinese and
English, at desktop and phone width, follows an action to the need it closes, and opens the
planner report; a reviewer reaches the red flags from the site header.

The world: the small planner catalog (one action of each kind) and the red-flag catalog with one
planted case of each indicator. CSRF protection is on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.walk import DESKTOP, PHONE, Walk, hub_app, serve

pytestmark = pytest.mark.browser

PASSWORD = "planner-pass-1"  # tests/planner/conftest.py
LANGS = {
    "zh_Hans_CN": ("zh-Hans", "扩大服务范围", "反复选择同一组织"),
    "zh_Hant_TW": ("zh-Hant", "擴大服務範圍", "反覆選擇同一組織"),
    "en": ("en", "Extend coverage", "Same organization again and again"),
}


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    from tests.planner.conftest import add_account, build_small_catalog
    from tests.planner.planning_world import add_planning_needs
    from tests.planner.red_flag_world import build_clean, plant

    app = hub_app(database_url, tmp_path)
    with app.extensions["db"].session() as s:
        build_small_catalog(s)
        add_planning_needs(s)
        build_clean(s)
        plant(s)
        add_account(s, "planner", "planner", "440400")
        add_account(s, "reviewer", "reviewer", "440400")
    with serve(app) as url:
        yield url
    app.extensions["db"].dispose()


def _fits(w: Walk) -> bool:
    """Nothing wider than the window: no sideways scrolling on a phone."""
    return w.d.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1;"
    )


def _check_actions(w: Walk, lang: str) -> None:
    html_lang, extend_label, _ = LANGS[lang]
    assert w.css("html").get_attribute("lang") == html_lang
    kinds = [c.get_attribute("data-kind") for c in w.all(".action-card")]
    assert {"extend_coverage", "incubate", "bundle"} <= set(kinds)
    assert extend_label in w.css("#section-extend_coverage h2").text
    extend = w.css("#section-extend_coverage .action-card")
    assert "n5" in extend.text
    assert w.css("#section-extend_coverage .reason").text.strip()


def _check_flags(w: Walk, lang: str) -> None:
    html_lang, _, repeat_label = LANGS[lang]
    assert w.css("html").get_attribute("lang") == html_lang
    found = {c.get_attribute("data-indicator") for c in w.all("#flag-list .action-card")}
    assert {
        "repeat_award",
        "single_suggestion",
        "short_notice",
        "closed_without_acceptance",
        "fast_decision",
    } <= found
    assert repeat_label in w.text()


def test_actions_and_red_flags_in_three_languages_and_two_widths(live_server, browser):
    w = Walk(browser, live_server, first_step=40)
    w.sign_in("planner", PASSWORD)
    for lang in LANGS:
        for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
            browser.set_window_size(*size)
            w.go(f"/planner/actions?lang={lang}")
            _check_actions(w, lang)
            assert _fits(w), (lang, width, "actions")
            w.full_shot(f"planner-actions-{lang}-{width}")
            w.go(f"/planner/red-flags?lang={lang}")
            _check_flags(w, lang)
            assert _fits(w), (lang, width, "red flags")
            w.full_shot(f"planner-red-flags-{lang}-{width}")
    browser.set_window_size(*DESKTOP)

    # An action names the need it closes; the link opens that need.
    w.go("/planner/actions?lang=zh_Hans_CN")
    w.click("#section-extend_coverage a.need-link")
    assert "/planner/need/n5" in browser.current_url
    assert w.css("#need-facts h1").text.startswith("需求n5")

    # The report for one district: unmet demand, actions, bundles, fairness, red flags.
    w.go("/planner/report?district=440402&lang=zh_Hans_CN")
    captions = [c.text for c in w.all("#planner-report table caption")]
    assert {"建议行动", "联合采购", "廉洁风险提示"} <= set(captions)
    w.full_shot("planner-report-zh_Hans_CN-desktop")


def test_reviewer_reaches_the_red_flags_from_the_header(live_server, browser):
    w = Walk(browser, live_server, first_step=53)
    w.sign_in("reviewer", PASSWORD)
    w.go("/reviewer/?lang=zh_Hans_CN")
    w.click("header a[href$='/planner/red-flags']")
    _check_flags(w, "zh_Hans_CN")
    tabs = [a.text for a in w.all(".planner-tabs a")]
    assert tabs == ["建议行动", "风险提示"]
    w.shot("reviewer-red-flags")
