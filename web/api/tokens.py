"""Bearer-token authentication for the JSON API.

Tokens are random strings handed out once by `POST /api/v1/tokens`; only a keyed digest of each
lives in the database (HMAC-SHA256 under `API_TOKEN_KEY`, by default a key derived from
`SECRET_KEY`), in a unique-indexed column, so a leaked database dump cannot be replayed against
the API nor checked offline without the key, and verifying a request costs one HMAC and one
index lookup of a few columns — no slow password hash (the tokens are 256-bit random, so there
is nothing to stretch) and no ORM objects. Rotating the key invalidates every token; clients
get a 401 and sign in again. `token_required(*roles)`
is the one decorator every API view (ours and the planner's) uses: it resolves the caller to a
`catalog.actors.Actor` in `flask.g.actor` and records the allowed roles on the view, so the
route × role access test can read the rule from the URL map instead of a hand-kept list.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy import bindparam, select

from catalog.actors import Actor
from catalog.models import Account, ApiToken, Role
from web.access.authz import ANYONE, mark_roles
from web.platform.database import read_only_request, request_connection

F = TypeVar("F", bound=Callable[..., Any])

ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)
# Attribute names on view functions: the roles (shared with `web.access.authz.roles_required`, which
# reads "*" as anyone) and how the caller authenticates (token | basic | public), for OpenAPI.
ALLOWED_ROLES_ATTR = "allowed_roles"
AUTH_KIND_ATTR = "auth_kind"


class ApiAuthError(Exception):
    """Raised by the decorator; the API error handlers turn it into a JSON 401 or 403."""

    def __init__(self, status: int, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en


def digest_key(app: Flask) -> bytes:
    """`API_TOKEN_KEY`, else a key derived from SECRET_KEY for this one purpose (so the digest
    never exposes material signed with the session key). Computed once per app."""
    key = app.extensions.get("api_token_key")
    if key is None:
        configured = app.config.get("API_TOKEN_KEY")
        if configured:
            key = configured.encode("utf-8") if isinstance(configured, str) else configured
        else:
            secret = app.config["SECRET_KEY"]
            secret = secret.encode("utf-8") if isinstance(secret, str) else secret
            key = hmac.new(secret, b"hub api token digest v1", hashlib.sha256).digest()
        app.extensions["api_token_key"] = key
    return key


def hash_token(token: str, app: Flask | None = None) -> str:
    """The stored form of a token: HMAC-SHA256 under the app's token key, hex."""
    key = digest_key(app if app is not None else current_app)
    return hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()


def issue_token(account: Account) -> str:
    """Create a token for the account; the caller commits. Returns the only plain copy."""
    token = secrets.token_urlsafe(32)
    hours = int(current_app.config.get("API_TOKEN_HOURS", 24))
    account.tokens.append(
        ApiToken(
            token_hash=hash_token(token),
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours),
        )
    )
    return token


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# One cached Core statement on the unique digest index: no ORM entities, so the session's
# ORM execution layer is skipped (issue 14's profile).
_ACCOUNT, _TOKEN = Account.__table__.c, ApiToken.__table__.c
_BY_DIGEST = (
    select(_ACCOUNT.username, _ACCOUNT.role, _ACCOUNT.scope, _ACCOUNT.active, _TOKEN.expires_at)
    .join_from(ApiToken.__table__, Account.__table__, _ACCOUNT.id == _TOKEN.account_id)
    .where(_TOKEN.token_hash == bindparam("digest"))
)


def actor_from_request() -> Actor | None:
    """The actor behind the request's Bearer token, or None when absent, unknown or expired.
    The first query of every API request: a GET's session is made read-only here."""
    if request.method in ("GET", "HEAD"):
        read_only_request()
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        return None
    row = request_connection().execute(_BY_DIGEST, {"digest": hash_token(token)}).first()
    if row is None:
        return None
    username, role, scope, active, expires_at = row
    if not active or _aware(expires_at) <= dt.datetime.now(dt.UTC):
        return None
    return Actor(username, role, scope)


def token_required(*roles: str | Role) -> Callable[[F], F]:
    """Require a valid Bearer token, and (when roles are given) one of these roles.

    401 without a valid token, 403 for another role. Scope (which street, which organization)
    is checked by the domain functions the view calls, so it holds for every front end.
    """
    allowed = frozenset(str(r) for r in roles) if roles else ALL_ROLES
    unknown = allowed - ALL_ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = actor_from_request()
            if actor is None:
                raise ApiAuthError(
                    401, "unauthorized", "需要有效的访问令牌", "a valid Bearer token is required"
                )
            if actor.role not in allowed:
                raise ApiAuthError(
                    403, "forbidden", "您的角色无权执行此操作", f"role {actor.role} may not do this"
                )
            g.actor = actor
            return view(*args, **kwargs)

        mark_roles(wrapper, allowed)
        setattr(wrapper, AUTH_KIND_ATTR, "token")
        return wrapper  # type: ignore[return-value]

    return decorate


def public_endpoint(view: F) -> F:
    """Mark a view as deliberately open to anyone (recorded, so the access test can tell an
    intended public route from a forgotten one). The caller may still carry a token: then
    `g.actor` is set and the view may show more."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g.actor = actor_from_request()
        return view(*args, **kwargs)

    mark_roles(wrapper, ANYONE)
    setattr(wrapper, AUTH_KIND_ATTR, "public")
    return wrapper  # type: ignore[return-value]


def roles_of(view: Callable[..., Any]) -> Iterable[str] | None:
    """The roles recorded on a view, or None when the view declares no rule."""
    return getattr(view, ALLOWED_ROLES_ATTR, None)
