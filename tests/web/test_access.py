"""Every route × every role, generated from the URL map.

Each view declares who may call it (`allowed_roles`, set by web.access.authz.roles_required /
web.access.authz.public for pages and web.api.tokens.token_required / public_endpoint for the API). The
expected status follows from that declaration:

- a view with no declaration fails the test, so a new unprotected route cannot slip in;
- a public view must be listed in PUBLIC below, so opening a route to everyone is deliberate;
- a role the view does not admit gets 403 (anonymous: 401 for the API, a redirect to sign-in for
  pages);
- an admitted role gets neither 401 nor 403 nor a 5xx, and the office of *another* street gets
  403/404 on anything that names one of this street's non-public needs or suggestions (scope).

A route argument without a sample value below fails too: add one when you add a route.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from catalog import schema
from tests.conftest import _fresh_url
from tests.web.api_world import ACCOUNTS, World, bearer, build_world, mint_token

STATIC = {"static", "planner.static"}

# Deliberately open to everyone, with why.
PUBLIC = {
    "public.index": "the public notice board",
    "public.need": "one listed need on the notice board",
    "public.notice_csv": "notice download (CSV)",
    "public.notice_ocds": "notice download (OCDS)",
    "public.login": "sign-in form",
    "org.register": "organizations register themselves",
    "api.openapi_document": "API description",
    "api.public_needs": "public notice as JSON",
    "api.public_need_detail": "one listed need as JSON",
    "api.create_token": "API sign-in (HTTP Basic)",
    "public.object_to": "anyone may object to a result notice during its notice period",
    "api.public_result_notice": "a decided need's result notice as JSON",
    "api.send_objection": "an objection to a result notice as JSON (no token)",
    "health.health": "load-balancer health check",
    "apidocs.page": "API reference page (renders the public OpenAPI document)",
    "apidocs.asset": "the reference page's Swagger UI files",
    "hsds.meta": "HSDS directory API: what it is",
    "hsds.openapi_document": "HSDS directory API description",
    "hsds.organizations": "HSDS: organizations confirmed for listed needs",
    "hsds.organization": "HSDS: one of those organizations",
    "hsds.services": "HSDS: their services",
    "hsds.service": "HSDS: one service",
    "hsds.service_at_locations": "HSDS: where the services are delivered",
    "hsds.service_at_location": "HSDS: one service at one location",
    "hsds.taxonomies": "HSDS: the service taxonomy (Art. 8)",
    "hsds.taxonomy": "HSDS: the taxonomy",
    "hsds.taxonomy_terms": "HSDS: the categories and subcategories",
    "hsds.taxonomy_term": "HSDS: one category or subcategory",
}
# Public routes whose answer without credentials is a refusal by design.
PUBLIC_STATUS = {"api.create_token": {401}}

ROLES = ("anonymous", "organization", "planner", "reviewer", "office_out", "office", "admin")


def samples(world: World, endpoint: str, role: str) -> dict[str, object]:
    """Values for route arguments. The organization reads the listed need (its world); everyone
    else the submitted need of 拱北 (in scope for office, reviewer, planner and admin; out of
    scope for the office of 吉大)."""
    need = world.needs["listed" if role == "organization" else "submitted"]
    values: dict[str, object] = {
        "need_id": need,
        "suggestion_id": world.suggestions["approved_o1"],
        "org_id": "o1",
        "account_id": world.account_ids["spare"],
        "decision": "confirm",
        "name": "gaps",
        "fmt": "csv",
        "filename": "x",
        "draw_id": 1,  # no draw exists: the route still must refuse the wrong roles first
        "item_id": 1,
        "note_id": 1,  # no notification exists: refused for wrong roles, 404 for the rest
        "notification_id": 1,
        "objection_id": 1,  # no objection exists: refused for wrong roles, 404 for the rest
        "team_index": 0,  # the need has no team proposals: refused without a 5xx
    }
    values["action"] = {
        "office.act": "submit",
        "reviewer.act": "approve",
    }.get(endpoint, "withdraw")
    return values


def _failing_matcher(_session):  # type: ignore[no-untyped-def]
    raise RuntimeError("matching is not exercised by the access test")


@pytest.fixture(scope="module")
def access_app(tmp_path_factory) -> Iterator[tuple[Flask, World]]:
    from web import create_app

    tmp = tmp_path_factory.mktemp("access")
    urls = _fresh_url(tmp)
    url = next(urls)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MATCHING_INDEX_DIR": str(tmp / "index"),
            "MATCHER_FACTORY": _failing_matcher,
        }
    )
    schema.upgrade(app.extensions["db"])
    world = build_world(app)
    yield app, world
    app.extensions["db"].dispose()
    next(urls, None)


def _rules() -> list[tuple[str, str, str]]:
    from web import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in STATIC:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, rule.rule, method))
    app.extensions["db"].dispose()
    return sorted(out, key=lambda r: (r[1], r[2]))


RULES = _rules()


def _client(app: Flask, world: World, role: str, api: bool):  # type: ignore[no-untyped-def]
    client = app.test_client()
    headers: dict[str, str] = {}
    if role == "anonymous":
        return client, headers
    if api:
        headers = bearer(mint_token(app, role))
    else:
        with client.session_transaction() as sess:
            sess["_user_id"] = _session_key(app, world.account_ids[role])
            sess["_fresh"] = True
    return client, headers


def _session_key(app: Flask, account_id: int) -> str:
    """A signed-in browser's session, started on the server without the scrypt of a login."""
    from catalog.models import Account
    from web.access.auth import start_session

    with app.extensions["db"].session() as session:
        return start_session(session, session.get(Account, account_id)).get_id()


def _scoped(rule: str, role: str) -> bool:
    """Does the sample name something outside this role's scope?"""
    return role == "office_out" and ("<need_id>" in rule or "suggestion_id>" in rule)


def test_every_route_is_covered():
    assert RULES, "no routes found"
    assert any(r[1].startswith("/api/v1/") for r in RULES)


def test_public_whitelist_is_not_stale():
    endpoints = {r[0] for r in RULES}
    assert set(PUBLIC) <= endpoints, set(PUBLIC) - endpoints


def route_problems(app: Flask, world: World, endpoint: str, rule: str, method: str) -> list[str]:
    """What is wrong with this route's answers to each role (empty when all is as declared)."""
    from flask import url_for

    view = app.view_functions[endpoint]
    allowed = getattr(view, "allowed_roles", None)
    if allowed is None:
        return [
            f"{endpoint} ({rule}) declares no access rule: decorate it with roles_required/public "
            "(pages) or token_required/public_endpoint (API)"
        ]
    allowed = {str(r) for r in allowed}
    is_public = "*" in allowed
    if is_public != (endpoint in PUBLIC):
        return [
            f"{endpoint}: public={is_public} but the PUBLIC whitelist says {endpoint in PUBLIC}"
        ]
    api = rule.startswith("/api/")
    args_needed = set(app.url_map._rules_by_endpoint[endpoint][0].arguments)
    problems = []
    for role in ROLES:
        values = samples(world, endpoint, role)
        missing = args_needed - set(values)
        if missing:
            return [f"add a sample value for {missing} (route {rule}) in test_access.samples"]
        with app.test_request_context():
            url = url_for(endpoint, **{k: values[k] for k in args_needed})
        client, headers = _client(app, world, role, api)
        kwargs: dict[str, object] = {}
        if method in ("POST", "PATCH", "PUT"):
            kwargs = {"json": {}} if api else {"data": {}}
        response = client.open(url, method=method, headers=headers, **kwargs)
        status = response.status_code
        account_role = ACCOUNTS.get(role, (None, None))[1]
        if status >= 500:
            problems.append(f"{role}: {status} (server error)")
        elif endpoint in PUBLIC_STATUS:
            if status not in PUBLIC_STATUS[endpoint]:
                problems.append(f"{role}: {status}, expected {PUBLIC_STATUS[endpoint]}")
        elif is_public:
            if status in (401, 403):
                problems.append(f"{role}: {status} on a public route")
        elif role == "anonymous":
            expected = {401} if api else {302, 401}
            if status not in expected:
                problems.append(f"anonymous: {status}, expected {expected}")
            if status == 302 and "/login" not in response.headers.get("Location", ""):
                problems.append(f"anonymous: redirected to {response.headers.get('Location')}")
        elif account_role not in allowed:
            if status != 403:
                problems.append(f"{role}: {status}, expected 403 (role not admitted)")
        elif _scoped(rule, role):
            if status not in (403, 404):
                problems.append(f"{role}: {status}, expected 403/404 (out of scope)")
        elif status in (401, 403):
            problems.append(f"{role}: {status} although the role is admitted and in scope")
        if api and status >= 400 and response.mimetype != "application/json":
            problems.append(f"{role}: {status} error is {response.mimetype}, not JSON")
    return problems


@pytest.mark.parametrize(
    ("endpoint", "rule", "method"), RULES, ids=[f"{m} {r}" for _, r, m in RULES]
)
def test_route_by_role(access_app, endpoint: str, rule: str, method: str):
    app, world = access_app
    problems = route_problems(app, world, endpoint, rule, method)
    assert not problems, f"{method} {rule}:\n" + "\n".join(problems)


def test_an_undeclared_route_fails(app):
    """The guard itself: a route without a rule, or a public one not whitelisted, is caught."""
    world = build_world(app)

    @app.get("/api/v1/forgotten")
    def forgotten():
        return {"secret": True}

    @app.get("/also-forgotten")
    def also_forgotten():
        return "page"

    from web.access.authz import public

    @app.get("/sneaky-public")
    @public
    def sneaky():
        return "open"

    assert (
        "declares no access rule"
        in route_problems(app, world, "forgotten", "/api/v1/forgotten", "GET")[0]
    )
    assert (
        "declares no access rule"
        in route_problems(app, world, "also_forgotten", "/also-forgotten", "GET")[0]
    )
    assert "whitelist" in route_problems(app, world, "sneaky", "/sneaky-public", "GET")[0]
