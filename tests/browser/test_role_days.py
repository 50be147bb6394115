"""Each role's working day in a real Chromium, at desktop (1366×900) and phone (390×844) width:
the pages a person of that role opens in a day, one step that changes something, and a
screenshot per step in test-artifacts/browser/days/ (named role-width-step). Every step must
fit the window (no sideways scrolling). The office's confirm and reject come back at the
decided card, not the top of a long page. CSRF protection is on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.pages import desktop, overflow, phone
from tests.browser.walk import ARTIFACTS, Walk, hub_app, serve

pytestmark = pytest.mark.browser
DAYS = ARTIFACTS / "days"
WIDTHS = (("desktop", desktop), ("phone", phone))


@pytest.fixture
def day_server(database_url, tmp_path) -> Iterator[str]:
    from tests.web.web_world import add_draw, add_gap_with_teams, add_outcomes, build_world

    app = hub_app(database_url, tmp_path)
    build_world(app)
    add_outcomes(app)
    add_gap_with_teams(app)
    add_draw(app)
    try:
        with serve(app) as base:
            yield base
    finally:
        app.extensions["db"].dispose()


class Day(Walk):
    """A walk whose screenshots are named role-width-step and which checks every step fits."""

    def __init__(self, driver, base: str, role: str, width: str) -> None:
        super().__init__(driver, base)
        self.prefix = f"{role}-{width}"
        DAYS.mkdir(parents=True, exist_ok=True)

    def see(self, name: str) -> None:
        problem = overflow(self.d)
        assert problem is None, f"{self.prefix} {name} {self.d.current_url}: {problem}"
        self.step += 1
        self.d.save_screenshot(str(DAYS / f"{self.prefix}-{self.step:02d}-{name}.png"))

    def visit(self, path: str, name: str) -> None:
        self.go(path)
        self.see(name)


def each_width(browser, base: str, role: str, user: str, day) -> None:
    for width, size in WIDTHS:
        w = Day(browser, base, role, width)
        size(browser)
        w.sign_in(user)
        w.see("start")
        day(w, width)
        w.sign_out()


def test_office_day(day_server, browser):
    def day(w: Day, width: str) -> None:
        w.visit("/office/", "our-needs")
        w.visit("/office/needs/n-approved", "need")
        assert w.css("#jump-interests").get_attribute("href").endswith("#interests")
        card = w.all(".suggestion.suggested")[0]
        card_id = card.get_attribute("id")
        if not card.is_displayed():  # among the folded "other candidates": unfold them
            w.css("#other-suggestions summary").click()
        if width == "desktop":
            w.click(f"#{card_id} button.confirm")
        else:
            w.type(f"#{card_id} input[name=reason]", "服务范围与本街道需求不符")
            w.click(f"#{card_id} button.reject")
        # Back at the decided card: the address names it and the page is scrolled to it.
        assert w.d.current_url.endswith(f"#{card_id}"), w.d.current_url
        assert w.d.execute_script("return window.scrollY;") > 0
        assert w.css(f"#{card_id}").is_displayed()  # the folded candidates open at it
        w.see("decided")
        w.visit("/office/needs/n-matched", "matched-need")
        w.visit("/inbox/", "inbox")

    each_width(browser, day_server, "office", "office_gb", day)


def test_reviewer_day(day_server, browser):
    def day(w: Day, width: str) -> None:
        w.visit("/reviewer/", "queue")
        w.visit("/reviewer/needs/n-submitted", "review")
        if width == "desktop":
            w.visit("/reviewer/needs/n-other_submitted", "review-other")
            w.type("#review input[name=reason]", "预算说明不完整，请补充测算依据")
            w.click("#return")
            w.see("returned")
        w.visit("/reviewer/inspections", "inspections")
        w.click("#draws a")
        w.see("draw")
        w.visit("/reviewer/orgs/org-elder", "organization")
        w.visit("/planner/red-flags", "red-flags")

    each_width(browser, day_server, "reviewer", "reviewer_xz", day)


def test_organization_day(day_server, browser):
    def day(w: Day, width: str) -> None:
        buttons = w.all("button.express-interest")
        if width == "desktop" and buttons:
            card = w.d.execute_script("return arguments[0].closest('article');", buttons[0])
            need = card.get_attribute("id")
            w.click("button.express-interest", card)
            assert "已表达意向" in w.css(f"#{need}").text
            w.see("interest")
        w.visit("/org/profile", "profile")
        w.visit("/notice/n-listed", "public-need")
        w.visit("/account/", "account")

    each_width(browser, day_server, "organization", "org_elder", day)


def test_planner_day(day_server, browser):
    def day(w: Day, width: str) -> None:
        for path, name in (
            ("/planner/", "map"),
            ("/planner/gaps", "gaps"),
            ("/planner/needs", "needs"),
            ("/planner/emerging", "emerging"),
            ("/planner/actions", "actions"),
            ("/planner/print", "print"),
        ):
            w.visit(path, name)
        button = w.css("#print-button")  # on the printable page, the last one visited
        assert button.size["height"] >= (44 if width == "phone" else 24), button.size
        w.go("/planner/gaps")
        w.choose("#planner-filter select[name=status]", "全部状态")
        w.click("#planner-filter button[type=submit]")
        w.see("gaps-filtered")

    each_width(browser, day_server, "planner", "planner_city", day)


def test_admin_day(day_server, browser):
    def day(w: Day, width: str) -> None:
        w.visit("/admin/", "accounts")
        w.visit("/admin/audit", "audit")
        w.visit("/admin/reads", "reads")
        w.visit("/office/needs/n-listed", "office-need")

    each_width(browser, day_server, "admin", "admin", day)


def test_public_day(day_server, browser):
    for width, size in WIDTHS:
        w = Day(browser, day_server, "public", width)
        size(browser)
        w.visit("/", "notice")
        w.visit("/notice/n-listed", "need")
        w.visit("/login", "sign-in")
        header = w.css(".site-header").size["height"]
        assert header <= (110 if width == "phone" else 80), header
