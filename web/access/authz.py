"""Server-side authorization for every route: by role (declared on the view) and by scope
(checked against the object the view touches).

Every view function carries an ``allowed_roles`` attribute, set by exactly one of the
decorators below, so the route × role access test can read the rule straight from the URL map
and a new route without a rule fails it:

- ``@roles_required("office", "admin")``: signed-in accounts with one of these roles; anonymous
  visitors are sent to sign in (browser) and other roles get 403.
- ``@public``: anyone, signed in or not (the notice board, sign-in, registration).

Scope (an office sees only its street, an organization edits only itself) depends on the
object: views load it through catalog.visibility's loaders, which raise NotFound for what the
actor may not see (mapped to 404 here, once), and the commands check their permission
(catalog.permissions) again, so a missed check in a view still cannot change another street's
data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import current_user
from werkzeug.exceptions import NotFound as HttpNotFound

from catalog.actors import Actor
from catalog.errors import NotFound
from catalog.models import Need, Role
from catalog.visibility import load_need
from web.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

#: Marker value of ``allowed_roles`` for views anyone may open (no login).
ANYONE: frozenset[str] = frozenset({"*"})
#: Every role, for views any signed-in account may open (e.g. its own settings).
ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)


def mark_roles(view: Callable[..., Any], roles: Iterable[str]) -> None:
    """Record which roles a view admits, for the access test and for documentation (OpenAPI).

    Other decorators (the API's token check) call this so the rule is read the same way."""
    view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Admit signed-in accounts with one of ``roles``: anonymous → sign-in page (login
    manager's unauthorized handler), wrong role → 403. Also declares ``allowed_roles``."""
    unknown = set(roles) - ALL_ROLES
    if unknown or not roles:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        mark_roles(wrapper, roles)
        return wrapper  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Declare a view open to everyone; the access test expects it to answer anonymous users."""
    mark_roles(view, ANYONE)
    return view


def actor() -> Actor:
    """The signed-in account as a domain Actor (views behind roles_required only)."""
    if not current_user.is_authenticated:
        abort(401)
    return current_user.actor


def need_in_scope(need_id: str) -> Need:
    """The need for the office's and reviewer's work pages: visible to the signed-in actor and
    in its region (catalog.visibility.load_need); NotFound, hence 404, otherwise, so a street
    office cannot learn that another street's draft exists."""
    from web.platform.database import db_session

    return load_need(db_session(), need_id, actor(), in_scope=True)


def init_app(app: Flask) -> None:
    """Map the domain's NotFound to 404 once, for every page (the API blueprint's own handler
    answers it as JSON first)."""

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):  # type: ignore[no-untyped-def]
        return app.handle_http_exception(HttpNotFound())
