"""Login sessions for people (Flask-Login) over catalog accounts; passwords hashed with
werkzeug's scrypt. The Actor handed to the domain is built from the logged-in account."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask
from flask_login import AnonymousUserMixin, UserMixin, current_user
from werkzeug.security import check_password_hash, generate_password_hash

from catalog.actors import Actor
from catalog.models import Account
from web.database import db_session
from web.extensions import login_manager

MIN_PASSWORD = 10


class User(UserMixin):
    """Login wrapper detached from any session, so a request never holds ORM state in g."""

    def __init__(self, account: Account) -> None:
        self.id = str(account.id)
        self.session_key = session_key(account)
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
        """What the session cookie holds: the account id and a stamp of its password hash, so a
        password change signs out every other browser that was signed in with the old one."""
        return self.session_key

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.scope)


class Anonymous(AnonymousUserMixin):
    role = None
    scope = None
    locale = None
    actor = None


def session_key(account: Account) -> str:
    stamp = hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:16]
    return f"{account.id}.{stamp}"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(account: Account, password: str) -> bool:
    return check_password_hash(account.password_hash, password)


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

    @login_manager.user_loader
    def _load(key: str) -> User | None:
        account_id, _sep, _stamp = key.partition(".")
        account = db_session().get(Account, int(account_id)) if account_id.isdigit() else None
        if account is None or not account.active:
            return None
        user = User(account)
        # A session from before the last password change (or a forged id) is no session.
        return user if hmac.compare_digest(user.session_key, key) else None
