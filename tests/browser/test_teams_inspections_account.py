"""Three features in a real headless Chromium, after the outcome loop (screenshots 20-…):

- team proposals (组团建议): the street office opens a gap need from its list, reads the proposed
  teams with their reasons, invites one (one member was suggested already, the other is added),
  and confirms the invited member; the reviewer sees the same proposals read-only;
- sampled inspections: the reviewer opens Inspections from the header, draws half of the area's
  projects, opens the draw, records a failed result with a note, and finds the warning on the
  organization's page; the organization reads it on its own profile;
- my account: a password change signs out a second browser of the same person, the new password
  signs in, and the saved page language is used.

CSRF protection is on, as in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.walk import PHONE, Walk, chromium, hub_app, serve

pytestmark = pytest.mark.browser

GAP = "n-gap"  # approved, matching done, flagged as a gap (no_coverage), two team proposals
ORG = "org-elder"
ORG_NAME = "珠海市拱北乐龄长者服务中心"
MEAL, MEAL_NAME = "org-meal", "珠海市香洲区邻里助餐社工站"
YOUTH, YOUTH_NAME = "org-youth", "珠海市青少年成长服务社"
TEAM_REASON = (
    "「居家养老」：提供该服务的机构都不覆盖本街道，由有余力的机构牵头跨区域提供服务；"
    "覆盖本街道的在地伙伴负责居民联络、场地和日常跟进"
)
FINDING = "台账不全，2024年第四季度送餐记录缺失"
NEW_PASSWORD = "tea-garden-2031!"


def _reason(zh: str, en: str, kind: str = "area") -> dict:
    return {"kind": kind, "zh": zh, "zh_hant": zh, "en": en}


def _member(org_id: str, role: str, *reasons: dict) -> dict:
    return {"org_id": org_id, "role": role, "category": None, "reasons": list(reasons)}


def add_gap_need(app) -> None:
    """A gap need of 拱北 with two team proposals; org-meal is among its suggestions already
    (as the matcher's suggestions of a gap need often are), org-youth is not."""
    from catalog.models import Suggestion
    from tests.web.web_world import GONGBEI, add_need

    team = _reason(TEAM_REASON, "Home-based elderly care: led from outside", "team")
    lead_reasons = (
        _reason("提供「居家养老」服务", "offers home-based elderly care", "category"),
        _reason("服务范围覆盖全区", "serves the district"),
        _reason("已在同一区的其他街道提供服务，可就近延伸", "serves the same district"),
        _reason("尚有 3 个项目的承接余力", "capacity for 3 more projects", "capacity"),
    )
    with app.extensions["db"].session() as session:
        add_need(
            session,
            GAP,
            GONGBEI,
            "approved",
            title="拱北片区长者日间照料与送餐",
            match_status="done",
            gap=True,
            gap_reason="no_coverage",
            team_proposals=[
                {
                    "shape": "outside_lead",
                    "categories": ["居家养老", None],
                    "members": [
                        _member(MEAL, "lead", *lead_reasons),
                        _member(
                            YOUTH,
                            "partner",
                            _reason("覆盖本街道，提供「社区教育」", "serves this street"),
                            _reason("服务范围覆盖全市", "serves the city"),
                        ),
                    ],
                    "reasons": [team],
                },
                {
                    "shape": "outside_lead",
                    "categories": ["居家养老", None],
                    "members": [
                        _member(MEAL, "lead", *lead_reasons),
                        _member(ORG, "partner", _reason("覆盖本街道", "serves this street")),
                    ],
                    "reasons": [team],
                },
            ],
        )
        session.flush()
        session.add(
            Suggestion(
                need_id=GAP,
                org_id=MEAL,
                score=0.41,
                rank=1,
                status="suggested",
                reasons=[_reason("服务范围覆盖全区", "serves the district")],
            )
        )


@pytest.fixture
def live_server(database_url, tmp_path) -> Iterator[str]:
    """The web world, the projects of the outcome loop (n-matched, n-closed: org-elder
    confirmed on both, so two projects can be drawn) and the gap need."""
    from tests.web.web_world import add_outcomes, build_world

    app = hub_app(database_url, tmp_path)
    build_world(app)
    add_outcomes(app)
    add_gap_need(app)
    try:
        with serve(app) as base:
            yield base
    finally:
        app.extensions["db"].dispose()


def _untranslated(browser) -> list[str]:
    """English left on a Chinese page: a msgid of the catalogue or a run of English words
    (the check of tests/web/test_translations.py, on what the browser shows)."""
    from tests.web.test_translations import _msgids, _problems

    return _problems(browser.page_source, _msgids())


def _no_sideways_scroll(browser) -> bool:
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth;"
    )


def test_team_proposals(live_server, browser):
    w = Walk(browser, live_server, first_step=20)

    # 1. The office opens the gap need from its list: the gap, then the proposed teams.
    w.sign_in("office_gb")
    w.go("/office/")
    w.click(f"a[href$='/office/needs/{GAP}']")
    assert "供需缺口" in w.css("#gap").text
    assert w.css("#teams h2").text == "组团建议"
    cards = w.all("#teams .team")
    assert [c.get_attribute("id") for c in cards] == ["team-1", "team-2"]
    team = w.css("#team-1")
    assert TEAM_REASON in team.text
    lead = w.css(f"li[data-org='{MEAL}']", team)
    partner = w.css(f"li[data-org='{YOUTH}']", team)
    assert MEAL_NAME in lead.text and w.css(".team-role", lead).text == "牵头机构"
    assert "已在同一区的其他街道提供服务" in lead.text  # each member with its own reasons
    assert YOUTH_NAME in partner.text and w.css(".team-role", partner).text == "在地伙伴"
    # org-meal is a suggestion already (its status links to it), org-youth is not yet, and
    # the button says what inviting will do.
    assert w.css(".team-status .badge", lead).text == "待决定"
    assert not w.all(".team-status", partner)
    assert "尚未加入推荐名单" in partner.text
    assert w.css("#invite-team-1").is_displayed()
    adds = w.css("#invite-team-1-adds").text
    assert "2 家成员中的 1 家" in adds and "其余成员保持不变" in adds
    assert not _untranslated(browser)
    w.scroll_to("#teams")
    w.shot("office-gap-teams")

    # 2. Inviting team 1 adds only org-youth; org-meal stays as it was.
    before = {c.get_attribute("data-org") for c in w.all("#suggestions .suggestion")}
    assert before == {MEAL}
    w.click("#invite-team-1")
    [(kind, message)] = w.flashes()
    assert kind == "success" and "已邀请第 1 组" in message and "1 家" in message
    assert browser.current_url.endswith(f"/office/needs/{GAP}")  # top: the message in sight
    rows = {c.get_attribute("data-org"): c for c in w.all("#suggestions .suggestion")}
    assert set(rows) == {MEAL, YOUTH}
    invited = rows[YOUTH]
    assert "组团建议第 1 组的在地伙伴" in invited.text  # why it is there
    assert w.css(".badge.team-invite", invited).text == "随组团邀请"  # no matcher score of 0
    assert "suggested" in invited.get_attribute("class")
    assert not w.all("#invite-team-1")  # nobody left to invite in team 1
    assert "已在推荐名单中" in w.css("#team-1").text
    w.shot("office-team-invited")

    # 3. The office confirms the invited member from its suggestion card.
    w.click(f"#{invited.get_attribute('id')} button.confirm")
    invited = w.css(f"#suggestions .suggestion[data-org='{YOUTH}']")
    assert "confirmed" in invited.get_attribute("class")
    assert w.css(".badge", invited).text == "已确认"
    # The team card shows the member's new status, linking to its suggestion.
    partner = w.css(f"#team-1 li[data-org='{YOUTH}']")
    badge = w.css("a.team-status .badge", partner)
    assert badge.text == "已确认"
    href = w.css("a.team-status", partner).get_attribute("href")
    assert href.endswith(f"#{invited.get_attribute('id')}")
    w.scroll_to("#teams")
    w.shot("office-team-member-confirmed")

    # 4. On a phone, the team card fits the screen.
    browser.set_window_size(*PHONE)
    w.go(f"/office/needs/{GAP}")
    w.scroll_to("#team-1")
    assert w.css("#team-1").is_displayed()
    assert _no_sideways_scroll(browser), "the team card scrolls sideways on a phone"
    w.shot("office-team-card-phone")
    browser.set_window_size(1280, 1600)
    w.sign_out()

    # 5. The reviewer sees the proposals on the need page, read-only, members linked.
    w.sign_in("reviewer_xz")
    w.go(f"/reviewer/needs/{GAP}")
    assert TEAM_REASON in w.css("#team-1").text
    assert not w.all("#teams form, #teams button, #teams .team-not-yet")
    link = w.css(f"#team-1 li[data-org='{MEAL}'] a.org-link")
    assert link.text == MEAL_NAME and link.get_attribute("href").endswith(f"/reviewer/orgs/{MEAL}")
    w.scroll_to("#teams")
    w.shot("reviewer-need-teams")

    # 6. In Traditional Chinese the cards are translated too, reasons included.
    w.go(f"/reviewer/needs/{GAP}?lang=zh_Hant_TW")
    assert w.css("#teams h2").text == "組團建議"
    assert w.css(f"#team-1 li[data-org='{MEAL}'] .team-role").text == "牽頭機構"
    assert not _untranslated(browser)


def test_sampled_inspection(live_server, browser):
    w = Walk(browser, live_server, first_step=25)

    # 1. The reviewer opens Inspections from the header: two projects can be drawn.
    w.sign_in("reviewer_xz")
    w.click(".site-nav a[href$='/reviewer/inspections']")
    assert w.css("h1").text == "项目抽查"
    assert "辖区内有2个项目可供抽取" in w.css("#eligible").text
    assert w.css("#draw-rate").get_attribute("value") == "20"  # the usual share
    assert "暂无抽取记录" in w.text()

    # 2. Half of them, chosen by the reviewer.
    w.type("#draw-rate", "50")
    w.shot("reviewer-inspections")
    w.click("#draw-form button[type=submit]")
    assert ("success", "已从2个项目中抽取1个进行检查。") in w.flashes()
    assert w.css("#draw-facts").is_displayed()
    seed = w.css("#draw-seed").text
    assert seed.isdigit()
    [item] = w.all(".inspection-item")
    assert ORG_NAME in item.text
    assert w.css("input[name=source]", item).get_attribute("value") == "香洲区民政局"
    assert not _untranslated(browser)
    w.full_shot("inspection-draw")

    # 3. A failed result with a note; it is recorded once and cannot be changed.
    item_id = item.get_attribute("id")
    w.css(f"#{item_id} input[name=result][value=fail]").click()
    w.type(f"#{item_id} textarea[name=note]", FINDING)
    w.click(f"#{item_id} button[type=submit]")
    assert ("success", "检查结果已记入信用档案。") in w.flashes()
    assert browser.current_url.endswith(f"#{item_id}")
    item = w.css(f"#{item_id}")
    assert item.get_attribute("data-result") == "fail"
    assert w.css(".inspection-result .badge", item).text == "不合格"
    assert FINDING in item.text
    assert "已记入信用档案（警告）" in item.text
    assert not w.all("form", item)
    assert "已登记 1 / 1 项结果" in w.css("#recorded-count").text
    assert not _untranslated(browser)
    w.shot("inspection-recorded")

    # The same page on a phone: nothing runs off the screen.
    browser.set_window_size(*PHONE)
    draw_path = browser.current_url.split("#")[0].removeprefix(live_server)
    w.go(draw_path)
    assert _no_sideways_scroll(browser), "the inspection page scrolls sideways on a phone"
    w.full_shot("inspection-phone")
    browser.set_window_size(1280, 1600)

    # 4. The list of draws shows the draw with its result count.
    w.click(".site-nav a[href$='/reviewer/inspections']")
    [row] = w.all("#draws tbody tr")
    assert "50%" in row.text and "1 / 2" in row.text and "1 / 1" in row.text
    assert "辖区内有1个项目可供抽取" in w.css("#eligible").text  # drawn at most once
    assert not _untranslated(browser)

    # 5. From the draw, the organization's link: the warning tops its credit archive.
    w.click(f"#draws a[href$='{draw_path}']")
    w.click(f".inspection-item a[href$='/reviewer/orgs/{ORG}']")
    rows = w.all("#credit-archive .credit-event")
    assert rows[0].get_attribute("data-kind") == "warning"
    assert "adverse" in rows[0].get_attribute("class")
    assert FINDING in rows[0].text and "香洲区民政局" in rows[0].text
    w.scroll_to("#credit-archive")
    w.shot("reviewer-org-inspection-warning")
    w.sign_out()

    # 6. The organization reads the warning on its own profile.
    w.sign_in("org_elder")
    w.click("a[href$='/org/profile']")
    rows = w.all("#records #credit-archive .credit-event")
    assert [r.get_attribute("data-kind") for r in rows] == ["warning", "inspection_pass"]
    assert FINDING in rows[0].text and "警告" in rows[0].text
    w.scroll_to("#records")
    w.shot("organization-inspection-warning")


def test_my_account(live_server, browser):
    w = Walk(browser, live_server, first_step=31)

    # 1. The office opens its account from its name in the header.
    w.sign_in("office_gb")
    w.click(".site-nav a.who")
    assert w.css("h1").text == "我的账号"
    assert "office_gb" in w.css("#account-facts").text
    # the browser's password manager can fill the current password and save the new one
    assert w.css("#current_password").get_attribute("autocomplete") == "current-password"
    assert w.css("#new_password").get_attribute("autocomplete") == "new-password"
    assert not _untranslated(browser)
    w.shot("account")

    with chromium() as other:
        # 2. The same person is signed in in a second browser.
        elsewhere = Walk(other, live_server)
        elsewhere.sign_in("office_gb")
        elsewhere.go("/office/")
        assert elsewhere.css("h1").text and "/login" not in other.current_url

        # 3. A wrong current password is refused, naming the field; nothing changes.
        w.type("#current_password", "not-my-password-1")
        w.type("#new_password", NEW_PASSWORD)
        w.type("#repeat_password", NEW_PASSWORD)
        w.click("#password-form button[type=submit]")
        assert "当前密码不正确" in w.css("#error-current_password").text
        assert w.css("#current_password").get_attribute("value") == ""  # never echoed
        assert not _untranslated(browser)
        w.shot("account-password-refused")

        # 4. With the right one, the password changes; this browser stays signed in.
        from tests.web.web_world import PASSWORD

        w.type("#current_password", PASSWORD)
        w.type("#new_password", NEW_PASSWORD)
        w.type("#repeat_password", NEW_PASSWORD)
        w.click("#password-form button[type=submit]")
        [(kind, message)] = w.flashes()
        assert kind == "success" and "浏览器已被退出登录" in message
        w.go("/office/")
        assert "/login" not in browser.current_url
        w.go("/account/")
        w.shot("account-password-changed")

        # 5. The other browser is signed out: its next page asks it to sign in.
        elsewhere.go("/office/")
        assert "/login" in other.current_url
        assert elsewhere.all("#username")
        elsewhere.step = w.step  # one numbering across both browsers
        elsewhere.shot("other-browser-signed-out")
        w.step = elsewhere.step

        # 6. The old password no longer works there, the new one does.
        elsewhere.type("#username", "office_gb")
        elsewhere.type("#password", PASSWORD)
        elsewhere.click("#sign-in")
        assert "/login" in other.current_url
        elsewhere.sign_in("office_gb", NEW_PASSWORD)
        elsewhere.go("/office/")
        assert "/login" not in other.current_url
        assert elsewhere.css("h1").text.startswith("本街道需求")

        # 7. Name and language: English is saved and used at once ...
        w.go("/account/")
        w.type("#display_name", "拱北街道 李文员")
        w.choose("#locale", "English")
        w.click("#preferences-form button[type=submit]")
        assert ("success", "Settings saved.") in w.flashes()
        assert w.css("h1").text == "My account"
        assert browser.find_element(w.By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert "拱北街道 李文员" in w.css(".site-nav a.who").text
        w.shot("account-english")

        # ... and in the other browser too, though that one asks for Chinese.
        elsewhere.go("/office/")
        assert other.find_element(w.By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert "Our needs" in elsewhere.css(".site-nav").text

    # 8. It is kept across signing out and in.
    w.sign_out()
    w.sign_in("office_gb", NEW_PASSWORD)
    w.go("/office/")
    assert browser.find_element(w.By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert "Our needs" in w.css(".site-nav").text
