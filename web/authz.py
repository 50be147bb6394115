"""Server-side authorization for every route: by role (declared on the view) and by scope
(checked against the object the view touches).

Every view function carries an ``allowed_roles`` attribute, set by exactly one of the
decorators below, so the route × role access test can read the rule straight from the URL map
and a new route without a rule fails it:

- ``@roles_required("office", "admin")``: signed-in accounts with one of these roles; anonymous
  visitors are sent to sign in (browser) and other roles get 403.
- ``@public``: anyone, signed in or not (the notice board, sign-in, registration).

Scope (an office sees only its street, an organization edits only itself) depends on the
object, so views call ``require_street`` / ``require_org`` / ``visible_or_404`` after loading
it. The domain checks scope again (catalog.lifecycle / catalog.decisions), so a missed call in a
view still cannot change another street's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from catalog.actors import Actor
from catalog.models import Role
from catalog.visibility import can_see_need, scope_clause
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


def has_role(user: Any, roles: Iterable[str]) -> bool:
    """Whether a (Flask-Login) user is signed in, active and holds one of the roles."""
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in set(
        roles
    )


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


def require_street(street_code: str) -> None:
    """404 unless the signed-in actor's region scope covers the street: a street office may
    not learn that another street's draft even exists."""
    if not actor().covers_street(street_code):
        abort(404)


def require_org(org_id: str) -> None:
    """404 unless the signed-in account is this organization (or an admin)."""
    who = actor()
    if not (who.is_admin or who.is_org(org_id)):
        abort(404)


def visible_or_404(need: Any) -> Any:
    """The need if the viewer may see it (catalog.visibility), else 404."""
    viewer = current_user.actor if current_user.is_authenticated else None
    if need is None or not can_see_need(need, viewer):
        abort(404)
    return need


def need_scope_clause(who: Actor) -> Any:
    """SQL filter of the needs whose street lies in the actor's region scope (list pages)."""
    return scope_clause(who)
