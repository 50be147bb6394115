"""The planner map in a real headless Chromium: sign in as a planner, see the three districts
drawn by ECharts from the bundled GeoJSON, click one, read its figures, save a screenshot.

Debian's chromium and chromedriver (`make system-deps`); the app is served by werkzeug on a
free loopback port in a thread, against the test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.walk import chromium, serve

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
PASSWORD = "planner-pass-1"
# street, category, gap, reason, budget: one or more gaps in every district
NEEDS = [
    ("440402005", "居家养老", True, "no_capacity", 80_000),
    ("440402005", "居家养老", False, None, 60_000),
    ("440402004", "心理咨询", True, "no_service", 50_000),
    ("440403001", "社区矫正", True, "no_coverage", 70_000),
    ("440404100", "社区教育", True, "no_service", 20_000),
    ("440404100", "居家养老", False, None, 30_000),
]


def _seed(app) -> None:
    from catalog.models import Account, Need
    from web.access.auth import hash_password

    with app.extensions["db"].session() as s:
        s.add(
            Account(
                username="planner",
                role="planner",
                scope="440400",
                password_hash=hash_password(PASSWORD),
                display_name="规划员",
            )
        )
        for i, (street, cat, gap, reason, budget) in enumerate(NEEDS, start=1):
            s.add(
                Need(
                    id=f"b{i}",
                    title=f"浏览器测试需求{i}",
                    description="测试",
                    street_code=street,
                    posted_by="测试",
                    beneficiaries="居民",
                    beneficiary_count=10 * i,
                    budget_yuan=budget,
                    months=12,
                    funding="财政资金",
                    status="approved",
                    category_name=cat,
                    category_source="office",
                    gap=gap,
                    gap_reason=reason,
                    match_status="done",
                )
            )


@pytest.fixture
def live_server(app) -> Iterator[str]:
    _seed(app)
    with serve(app) as url:
        yield url


@pytest.fixture
def browser() -> Iterator:
    with chromium() as driver:
        yield driver


def test_planner_map_draws_districts_and_shows_detail(live_server, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    browser.get(f"{live_server}/login")
    browser.find_element(By.NAME, "username").send_keys("planner")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: "/login" not in d.current_url)

    browser.get(f"{live_server}/planner/?lang=zh_Hans_CN")
    wait.until(lambda d: d.find_element(By.ID, "planner-map").get_attribute("data-ready") == "1")

    names = browser.execute_script(
        "return window.plannerMap.getOption().series[0].data.map(d => d.name);"
    )
    assert sorted(names) == sorted(["香洲区", "斗门区", "金湾区"])
    # Drawn, not just configured: one SVG path per district polygon (islands add more).
    paths = browser.find_elements(By.CSS_SELECTOR, "#planner-map svg path")
    assert len(paths) >= 3
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('#planner-map svg text'))"
        ".map(t => t.textContent);"
    )
    assert {"香洲区", "斗门区", "金湾区"} <= set(labels)

    # A real mouse click on Doumen's interior (its centroid, converted to screen pixels).
    x, y = browser.execute_script(
        "return window.plannerMap.convertToPixel({seriesIndex: 0}, [113.246312, 22.228456]);"
    )
    chart = browser.find_element(By.ID, "planner-map")
    rect = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON();", chart)
    ActionChains(browser).move_to_element_with_offset(
        chart, int(x - rect["width"] / 2), int(y - rect["height"] / 2)
    ).click().perform()

    detail = browser.find_element(By.ID, "district-detail")
    wait.until(lambda d: detail.get_attribute("data-district"))
    assert detail.get_attribute("data-district") == "440403"
    assert browser.find_element(By.ID, "district-detail-name").text == "斗门区"
    figures = browser.find_element(By.ID, "district-detail-figures").text
    assert "70,000" in figures  # Doumen's unmet budget
    link = detail.find_element(By.PARTIAL_LINK_TEXT, "未满足需求")
    assert "district=440403" in link.get_attribute("href")
    highlighted = browser.find_elements(By.CSS_SELECTOR, "#street-table tr.highlight")
    codes = {r.find_element(By.TAG_NAME, "td").text for r in highlighted}
    assert "440403" in codes and "440403001" in codes and len(codes) == 7  # Doumen + its 6
    assert all(c.startswith("440403") for c in codes)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "planner_map.png"
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000

    # Following the link lists exactly Doumen's unmet need.
    link.click()
    wait.until(EC.presence_of_element_located((By.ID, "table-needs")))
    rows = browser.find_elements(By.CSS_SELECTOR, "#table-needs tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["b4"]
