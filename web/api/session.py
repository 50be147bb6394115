"""API sign-in: HTTP Basic once, then a Bearer token for every call.

Brute force is throttled per username and per address, counting failures only (a user who
mistyped once is not locked out, an attacker walking a password list is): once either count is
exhausted the endpoint answers 429 until the window passes, even for the right password.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from sqlalchemy import delete

from catalog.actors import Actor
from catalog.audit import record
from catalog.models import ApiToken
from web.access.auth import authenticate
from web.access.authz import ANYONE, mark_roles
from web.api import bp
from web.api.errors import ApiError
from web.api.retry import with_db_retry
from web.api.spec import doc
from web.api.token_cap import make_room_for_one_more
from web.api.tokens import AUTH_KIND_ATTR, hash_token, issue_token, token_required
from web.extensions import limiter
from web.platform.database import db_session


def _user_limit() -> str:
    return current_app.config["API_LOGIN_LIMIT_USER"]


def _addr_limit() -> str:
    return current_app.config["API_LOGIN_LIMIT_ADDR"]


def _username_key() -> str:
    auth = request.authorization
    name = (auth.username or "") if auth is not None else ""
    return "user:" + name.strip().lower()[:64]


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 401


@bp.post("/tokens")
@limiter.limit(_user_limit, key_func=_username_key, deduct_when=_failed, scope="api-login-user")
@limiter.limit(
    _addr_limit, key_func=get_remote_address, deduct_when=_failed, scope="api-login-addr"
)
@with_db_retry
@doc(
    "Exchange HTTP Basic credentials for a Bearer token",
    tag="auth",
    ok=201,
    response="Token",
)
def create_token():
    """Exchange HTTP Basic credentials for a Bearer token."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username or auth.password is None:
        raise ApiError(
            401,
            "unauthorized",
            "请使用 HTTP Basic 提供用户名和密码",
            "send the username and password with HTTP Basic",
        )
    session = db_session()
    # One password-hash check for an existing, deactivated or unknown account alike.
    account = authenticate(session, auth.username.strip(), auth.password)
    if account is None:
        raise _bad_credentials()
    # Expired tokens of this account are dropped on the way, so the table does not grow forever.
    session.execute(
        delete(ApiToken).where(
            ApiToken.account_id == account.id, ApiToken.expires_at < dt.datetime.now(dt.UTC)
        )
    )
    make_room_for_one_more(session, account)
    token = issue_token(account)
    record(
        session,
        Actor(account.username, account.role, account.scope),
        "token.create",
        "account",
        account.username,
    )
    session.commit()
    expires = account.tokens[-1].expires_at
    response = jsonify(
        token=token,
        expires_at=expires.isoformat(),
        role=account.role,
        scope=account.scope,
    )
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad_credentials() -> ApiError:
    return ApiError(401, "bad_credentials", "用户名或密码错误", "wrong username or password")


mark_roles(create_token, ANYONE)
setattr(create_token, AUTH_KIND_ATTR, "basic")


@bp.delete("/tokens")
@token_required()
@with_db_retry
@doc("Revoke the token used for this call", tag="auth", ok=204)
def revoke_token():
    """Revoke the token used for this call (sign out of the API)."""
    header = request.headers.get("Authorization", "")
    token = header.partition(" ")[2].strip()
    session = db_session()
    session.execute(delete(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    record(session, g.actor, "token.revoke", "account", g.actor.username)
    session.commit()
    return "", 204
