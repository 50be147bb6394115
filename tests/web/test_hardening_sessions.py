"""What a password, a deactivation and a sign-out end (issue 17, findings 3 and 10): API tokens
die with a password change, a password reset or a deactivation; signing out ends that browser's
session on the server, so a copy of its cookie taken before is worth nothing — while other
browsers of the account stay signed in."""

from __future__ import annotations

import base64

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from catalog.actors import Actor
from catalog.commands.accounts import update_account
from catalog.models import Account, ApiToken
from tests.web.api_world import ACCOUNTS, PASSWORD, bearer, build_world
from web.access.auth import hash_password

NEW = "tea-garden-2031!"
ME = "/api/v1/needs"  # any call an office may make


@pytest.fixture
def world(app):
    return build_world(app)


def _sign_in(app, label: str = "office") -> FlaskClient:
    client = app.test_client()
    r = client.post("/login", data={"username": ACCOUNTS[label][0], "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client


def _token(client: FlaskClient, label: str = "office", password: str = PASSWORD) -> str:
    raw = base64.b64encode(f"{ACCOUNTS[label][0]}:{password}".encode()).decode()
    r = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {raw}"})
    assert r.status_code == 201, r.get_json()
    token = r.get_json()["token"]
    assert client.get(ME, headers=bearer(token)).status_code == 200
    return token


def _copy(client: FlaskClient, app) -> FlaskClient:
    """Another browser holding a copy of this browser's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/office/").status_code == 200


def _tokens_left(app, label: str) -> int:
    with app.extensions["db"].session() as session:
        return session.scalar(
            select(func.count())
            .select_from(ApiToken)
            .join(Account)
            .where(Account.username == ACCOUNTS[label][0])
        )


def test_password_change_revokes_api_tokens(app, world):
    browser = _sign_in(app)
    token = _token(app.test_client())
    r = browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW},
    )
    assert r.status_code == 302
    assert browser.get(ME, headers=bearer(token)).status_code == 401
    assert _tokens_left(app, "office") == 0
    assert _signed_in(browser)  # the browser that changed it stays signed in
    _token(app.test_client(), password=NEW)  # the new password gives new tokens


def test_admin_password_reset_revokes_tokens_and_sessions(app, world):
    office = _sign_in(app)
    token = _token(app.test_client())
    admin = _sign_in(app, "admin")
    account_id = world.account_ids["office"]
    r = admin.post(
        f"/admin/accounts/{account_id}",
        data={"role": "office", "scope": ACCOUNTS["office"][2], "password": NEW},
    )
    assert r.status_code == 302
    assert office.get(ME, headers=bearer(token)).status_code == 401
    assert not _signed_in(office)


def test_cli_password_reset_revokes_tokens(app, world):
    """`users update --password` (catalog.commands.accounts.update_account) sets a new
    password: the same revocation as the account page."""
    token = _token(app.test_client())
    with app.extensions["db"].session() as session:
        username, role, scope = ACCOUNTS["office"]
        account = session.scalar(select(Account).where(Account.username == username))
        update_account(
            session,
            Actor.system("cli"),
            account,
            role=role,
            scope=scope,
            display_name=account.display_name,
            password_hash=hash_password(NEW),
        )
    assert app.test_client().get(ME, headers=bearer(token)).status_code == 401


def test_deactivation_ends_tokens_and_sessions_for_good(app, world):
    """Deactivated, then reactivated: neither the old token nor the old cookie comes back."""
    office = _sign_in(app)
    token = _token(app.test_client())
    admin = _sign_in(app, "admin")
    account_id = world.account_ids["office"]
    admin.post(f"/admin/accounts/{account_id}/active", data={"active": "0"})
    assert office.get(ME, headers=bearer(token)).status_code == 401
    assert not _signed_in(office)
    admin.post(f"/admin/accounts/{account_id}/active", data={"active": "1"})
    assert office.get(ME, headers=bearer(token)).status_code == 401
    assert not _signed_in(office)
    assert _signed_in(_sign_in(app))  # signing in again works


def test_copied_cookie_dies_with_sign_out(app, world):
    browser = _sign_in(app)
    elsewhere = _sign_in(app)  # the same account in another browser
    thief = _copy(browser, app)
    assert _signed_in(thief)  # a copied cookie is the session, until...
    assert browser.post("/logout").status_code == 302
    assert not _signed_in(browser)
    assert not _signed_in(thief)  # ...the session it names has ended on the server
    assert _signed_in(elsewhere)  # signing out here leaves other browsers alone


def test_a_cookie_from_before_the_password_change_is_worthless(app, world):
    browser = _sign_in(app)
    thief = _copy(browser, app)
    browser.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW},
    )
    assert _signed_in(browser) and not _signed_in(thief)


def test_a_session_key_without_a_server_side_session_is_no_session(app, world):
    """The cookie must name a session the server started: the account's id and password stamp
    alone (what a cookie of the old scheme held) are not enough."""
    from web.access.auth import session_key

    with app.extensions["db"].session() as session:
        account = session.get(Account, world.account_ids["office"])
        keys = [session_key(account, "made-up"), session_key(account, "")]
    for key in keys:
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = key
            sess["_fresh"] = True
        assert not _signed_in(client)


def test_an_admin_resetting_their_own_password_stays_signed_in_there(app, world):
    admin, elsewhere = _sign_in(app, "admin"), _sign_in(app, "admin")
    r = admin.post(
        f"/admin/accounts/{world.account_ids['admin']}",
        data={"role": "admin", "scope": "", "password": NEW},
    )
    assert r.status_code == 302
    assert admin.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302


def test_only_the_newest_sessions_of_an_account_are_kept(app, world):
    """Browsers nobody signed out of do not pile up: beyond MAX_SESSIONS the oldest ends."""
    from catalog.models import LoginSession
    from web.access.auth import MAX_SESSIONS, start_session

    keys = []
    with app.extensions["db"].session() as session:
        account = session.get(Account, world.account_ids["office"])
        for _ in range(MAX_SESSIONS + 1):
            keys.append(start_session(session, account).get_id())
            session.commit()
    with app.extensions["db"].session() as session:
        count = select(func.count()).select_from(LoginSession)
        assert session.scalar(count) == MAX_SESSIONS
    signed_in = []
    for key in (keys[0], keys[1], keys[-1]):
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = key
        signed_in.append(_signed_in(client))
    assert signed_in == [False, True, True]
