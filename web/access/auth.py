"""Login sessions for people (Flask-Login) over catalog accounts; passwords hashed with
werkzeug's scrypt. The Actor handed to the domain is built from the logged-in account.

A signed-in browser is a row on the server (`LoginSession`), named by a secret in the signed
session cookie: signing out deletes the row, so a copy of the cookie stops working with it,
and other browsers of the account stay signed in. A password change, reset or deactivation
deletes all of them (`catalog.commands.accounts.revoke_credentials`). Signing in costs the same
password-hash work whether the account exists, is deactivated or is unknown (`authenticate`),
so timing does not tell which usernames exist."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets

from flask import Flask
from flask_babel import lazy_gettext
from flask_login import AnonymousUserMixin, UserMixin, current_user, login_user, logout_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from catalog.actors import Actor
from catalog.models import Account, LoginSession
from web.extensions import login_manager
from web.platform.database import db_session

MIN_PASSWORD = 10
# Signed-in browsers kept per account; the oldest beyond this are signed out at the next
# sign-in, so sessions nobody signed out of do not pile up.
MAX_SESSIONS = 20
MAX_USERNAME = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class User(UserMixin):
    """Login wrapper detached from any session, so a request never holds ORM state in g."""

    def __init__(self, account: Account, sid: str) -> None:
        self.id = str(account.id)
        self.sid = sid
        self.session_key = session_key(account, sid)
        self.username = account.username
        self.role = account.role
        self.scope = account.scope
        self.display_name = account.display_name or account.username
        self.locale = account.locale
        self._active = account.active

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self._active

    def get_id(self) -> str:
        """What the session cookie holds: the account id, a stamp of its password hash and the
        secret naming this browser's session on the server."""
        return self.session_key

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.scope)


class Anonymous(AnonymousUserMixin):
    role = None
    scope = None
    locale = None
    actor = None


def session_key(account: Account, sid: str) -> str:
    stamp = hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:16]
    return f"{account.id}.{stamp}.{sid}"


def _sid_hash(sid: str) -> str:
    """Only the hash is stored, like API tokens: a database dump names no live session."""
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def start_session(session: Session, account: Account) -> User:
    """Record a new signed-in browser for the account (the caller commits) and drop the
    oldest beyond MAX_SESSIONS. Returns the user whose id the session cookie will carry."""
    sid = secrets.token_urlsafe(24)  # letters, digits, - and _: never the key's "." separator
    # The clock here, to the microsecond: the database's may tie within a second (SQLite).
    started = dt.datetime.now(dt.UTC)
    session.add(LoginSession(id=_sid_hash(sid), account_id=account.id, created_at=started))
    session.flush()
    keep = (
        select(LoginSession.id)
        .where(LoginSession.account_id == account.id)
        .order_by(LoginSession.created_at.desc(), LoginSession.id)
        .limit(MAX_SESSIONS)
    )
    session.execute(
        delete(LoginSession).where(
            LoginSession.account_id == account.id,
            LoginSession.id.not_in(keep.scalar_subquery()),
            LoginSession.id != _sid_hash(sid),
        )
    )
    return User(account, sid)


def sign_in(account: Account) -> None:
    """Sign this browser in: a new server-side session (ending the one it had, if any),
    committed, then the cookie."""
    session = db_session()
    _end_this_session(session)
    user = start_session(session, account)
    session.commit()
    login_user(user)


def sign_out() -> None:
    """End this browser's session on the server, then forget it in the cookie."""
    session = db_session()
    _end_this_session(session)
    session.commit()
    logout_user()


def _end_this_session(session: Session) -> None:
    sid = getattr(current_user, "sid", None)
    if sid:
        session.execute(delete(LoginSession).where(LoginSession.id == _sid_hash(sid)))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(account: Account, password: str) -> bool:
    return check_password_hash(account.password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    """A hash made by `hash_password` (same method, same parameters as the accounts'), to
    check a password against when there is no usable account. Computed once per process."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> Account | None:
    """The active account these credentials open, or None. Exactly one password-hash check
    in every case — existing, deactivated or unknown account, a username that could not
    exist — so the answer takes the same time and tells nobody which usernames exist."""
    account = None
    if 0 < len(username) <= MAX_USERNAME and not _CONTROL.search(username):
        account = session.scalar(select(Account).where(Account.username == username))
    usable = account is not None and account.active and "\x00" not in password
    stored = account.password_hash if usable and account is not None else _dummy_hash()
    matches = check_password_hash(stored, password.replace("\x00", ""))
    return account if usable and matches else None


def password_problem(password: str, username: str = "") -> tuple[str, str] | None:
    """Password policy: long enough, not the username, not all one kind of character."""
    if len(password) < MIN_PASSWORD:
        return (f"密码至少{MIN_PASSWORD}位", f"password must be at least {MIN_PASSWORD} characters")
    if username and username.lower() in password.lower():
        return ("密码不能包含用户名", "password must not contain the username")
    kinds = sum(
        [
            any(c.isdigit() for c in password),
            any(c.isalpha() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if kinds < 2:
        return (
            "密码须包含字母、数字或符号中的至少两种",
            "password must mix letters, digits or symbols",
        )
    return None


def current_actor() -> Actor | None:
    return current_user.actor if current_user.is_authenticated else None


def init_login(app: Flask) -> None:
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "public.login"
    # Flashed when a signed-out visitor opens a page: translated when flashed (str() of the
    # lazy text, in that request's language), since Flask-Login's own text is English only.
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    _dummy_hash()  # now, not during the first sign-in (which would take longer than others)

    @login_manager.user_loader
    def _load(key: str) -> User | None:
        account_id, _stamp, sid = (key.split(".") + ["", "", ""])[:3]
        if not (account_id.isascii() and account_id.isdigit() and len(account_id) < 10 and sid):
            return None
        account = db_session().scalar(
            select(Account)
            .join(LoginSession, LoginSession.account_id == Account.id)
            .where(LoginSession.id == _sid_hash(sid), Account.id == int(account_id))
        )
        # A session signed out of, revoked, from before the last password change, of a
        # deactivated account, or forged, is no session.
        if account is None or not account.active:
            return None
        user = User(account, sid)
        return user if hmac.compare_digest(user.session_key, key) else None
