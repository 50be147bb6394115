"""Signing in on the page: only wrong passwords count against an address (an office of clerks
behind one address signs in all morning), and the prompt a signed-out visitor sees is in the
visitor's language."""

from __future__ import annotations

import pytest

from tests.web.web_world import PASSWORD, throttled_app


@pytest.fixture
def throttled(database_url, tmp_path):
    app = throttled_app(database_url, str(tmp_path / "index"))
    yield app
    app.extensions["db"].dispose()


def _sign_in(client, password: str) -> int:
    answer = client.post("/login", data={"username": "office_gb", "password": password})
    client.post("/logout")
    return answer.status_code


def test_twelve_correct_sign_ins_from_one_address_are_never_throttled(throttled):
    client = throttled.test_client()
    assert [_sign_in(client, PASSWORD) for _ in range(12)] == [302] * 12


def test_wrong_passwords_are_still_throttled(throttled):
    client = throttled.test_client()
    assert [_sign_in(client, PASSWORD) for _ in range(3)] == [302] * 3
    assert [_sign_in(client, "wrong-guess-1") for _ in range(10)] == [200] * 10
    assert _sign_in(client, "wrong-guess-1") == 429
    assert _sign_in(client, PASSWORD) == 429  # the right password waits too while blocked


@pytest.mark.parametrize(
    ("locale", "prompt"),
    [
        ("zh_Hans_CN", "请先登录再打开此页面。"),
        ("zh_Hant_TW", "請先登入再開啟此頁面。"),
        ("en", "Please sign in to open this page."),
    ],
)
def test_sign_in_prompt_is_in_the_visitors_language(app, client, locale, prompt):
    client.get(f"/?lang={locale}")
    page = client.get("/office/", follow_redirects=True).get_data(as_text=True)
    assert prompt in page
    assert "Please log in" not in page
