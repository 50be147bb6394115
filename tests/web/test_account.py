"""The account page: every signed-in person changes their own password (current one first, the
same policy as for new accounts, audited without the password, other sessions signed out) and
their display name and page language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog.models import Account, AuditEvent
from tests.web.web_world import ACCOUNTS, PASSWORD, build_world, login
from web.access.auth import verify_password

NEW = "tea-garden-2031!"


@pytest.fixture
def world(app):
    return build_world(app, needs=False)


def _change(client, current=PASSWORD, new=NEW, repeat=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "repeat_password": new if repeat is None else repeat,
        },
    )


def _error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error-text" id="error-{field}">([^<]*)</p>', html)
    return match.group(1) if match else ""


def _audit(app, action: str) -> list[AuditEvent]:
    with app.extensions["db"].session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize("label", ["office", "reviewer", "organization", "planner", "admin"])
def test_every_role_reaches_its_account_page_from_the_header(client, world, label):
    login(client, label)
    home = client.get("/account/?lang=zh_Hans_CN").get_data(as_text=True)
    assert 'class="who" href="/account/"' in home
    assert ACCOUNTS[label][0] in home and 'id="password-form"' in home
    scope_names = {"office": "拱北街道", "reviewer": "香洲区", "organization": "乐龄长者服务中心"}
    if label in scope_names:  # the scope by name, not only its code
        assert scope_names[label] in home.split('id="account-scope">')[1].split("</dd>")[0]


def test_anonymous_is_sent_to_sign_in(client, world):
    r = client.get("/account/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.post("/account/password", data={}).status_code == 302


def test_password_change_signs_out_other_browsers_and_keeps_this_one(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "office")
    login(elsewhere, "office")
    r = _change(here)
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/")
    assert here.get("/office/").status_code == 200  # still signed in here
    assert elsewhere.get("/office/").status_code == 302  # the other browser must sign in again
    fresh = app.test_client()
    old = fresh.post("/login", data={"username": "office_gb", "password": PASSWORD})
    assert old.status_code == 200  # the old password no longer works
    assert fresh.post("/login", data={"username": "office_gb", "password": NEW}).status_code == 302
    (event,) = _audit(app, "account.password_change")
    assert event.actor == "office_gb" and event.entity_id == "office_gb"
    assert PASSWORD not in str(event.detail) and NEW not in str(event.detail)


@pytest.mark.parametrize(
    ("current", "new", "repeat", "field", "words"),
    [
        ("wrong-password-1", NEW, None, "current_password", "当前密码不正确"),
        (PASSWORD, "short1!", None, "new_password", "至少10位"),
        (PASSWORD, "office_gb-2031", None, "new_password", "用户名"),
        (PASSWORD, "onlyletterslong", None, "new_password", "至少两种"),
        (PASSWORD, PASSWORD, None, "new_password", "不能与当前密码相同"),
        (PASSWORD, NEW, "tea-garden-2032!", "repeat_password", "不一致"),
    ],
)
def test_refusals_name_the_field_and_change_nothing(
    app, client, world, current, new, repeat, field, words
):
    login(client, "office")
    client.get("/account/?lang=zh_Hans_CN")  # the messages below are checked in Chinese
    r = _change(client, current, new, repeat)
    assert r.status_code == 400
    assert words in _error(r.get_data(as_text=True), field)
    assert client.get("/office/").status_code == 200  # still signed in
    with app.extensions["db"].session() as s:
        account = s.scalar(select(Account).where(Account.username == "office_gb"))
        assert verify_password(account, PASSWORD)
    assert _audit(app, "account.password_change") == []
    assert NEW not in r.get_data(as_text=True)  # typed passwords are never echoed back


def test_a_stale_or_forged_session_key_is_no_session(app, client, world):
    login(client, "office")
    with client.session_transaction() as sess:
        account_id = sess["_user_id"].split(".")[0]
        sess["_user_id"] = account_id  # the bare id of the old scheme, no stamp
    assert client.get("/office/").status_code == 302
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{account_id}.0000000000000000"
    assert client.get("/office/").status_code == 302


def test_name_and_language_are_saved_and_used(app, client, world):
    login(client, "reviewer")
    r = client.post(
        "/account/preferences", data={"display_name": "香洲区民政局 王审核", "locale": "en"}
    )
    assert r.status_code == 302
    page = client.get("/account/").get_data(as_text=True)
    assert "香洲区民政局 王审核" in page and "Change password" in page  # English now
    (event,) = _audit(app, "account.preferences")
    assert event.detail["locale"] == "en"
    r = client.post("/account/preferences", data={"display_name": "", "locale": "klingon"})
    assert r.status_code == 400 and _error(r.get_data(as_text=True), "locale")
    r = client.post("/account/preferences", data={"display_name": "名" * 101, "locale": ""})
    assert r.status_code == 400 and _error(r.get_data(as_text=True), "display_name")
    with app.extensions["db"].session() as s:
        account = s.scalar(select(Account).where(Account.username == "reviewer_xz"))
        assert account.display_name == "香洲区民政局 王审核" and account.locale == "en"
