"""Recording reads of non-public data (web.access.reads) and the admin's data access log page.

A successful GET of a marked view by a signed-in account or an API token leaves exactly one
record; public pages, refused or failed reads, redirects and POSTs leave none; a record that
cannot be written withholds the data (503). Every signed-in GET route of the URL map must be
either recorded or exempt with a reason, so a new page cannot escape the log unnoticed."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import select

from catalog.models import Need, ReadEvent
from tests.web.api_world import bearer, mint_token
from tests.web.web_world import build_world, login
from web.access import reads as reads_module
from web.access.authz import ANYONE, public, roles_required
from web.access.reads import NOT_RECORDED, READS_BY_ENDPOINT, records_read, spec_for


@pytest.fixture
def world(app):
    return build_world(app)


def recorded(app: Flask) -> list[ReadEvent]:
    with app.extensions["db"].session() as s:
        return list(s.scalars(select(ReadEvent).order_by(ReadEvent.id)))


# --- what is recorded ----------------------------------------------------------------------


def test_office_opening_a_non_public_need_records_one_read(app, client, world):
    login(client, "office")
    assert recorded(app) == []  # signing in is not a read
    response = client.get("/office/needs/n-draft?posted=1")
    assert response.status_code == 200
    [event] = recorded(app)
    assert (event.actor, event.actor_role) == ("office_gb", "office")
    assert (event.entity_type, event.entity_id) == ("need", "n-draft")
    assert (event.channel, event.endpoint, event.method) == ("page", "office.need", "GET")
    assert event.query == "posted=1" and event.rows is None
    assert event.client_addr == "127.0.0.1" and event.request_id
    assert event.at is not None


def test_list_pages_record_rows_and_filters(app, client, world):
    login(client, "reviewer")
    html = client.get("/reviewer/?status=submitted").get_data(as_text=True)
    [event] = recorded(app)
    assert (event.entity_type, event.entity_id, event.endpoint) == ("need", None, "reviewer.queue")
    assert event.query == "status=submitted"
    assert event.rows == html.count("/reviewer/needs/n-") > 0


def test_api_token_read_records_channel_api(app, client, world):
    headers = bearer(mint_token(app, "office"))
    assert client.get("/api/v1/needs/n-draft", headers=headers).status_code == 200
    body = client.get("/api/v1/needs?status=draft", headers=headers).get_json()
    one, listing = recorded(app)
    assert (one.channel, one.endpoint, one.entity_id, one.actor) == (
        "api",
        "api.get_need",
        "n-draft",
        "office_gb",
    )
    assert (listing.channel, listing.entity_id, listing.rows) == ("api", None, len(body["items"]))
    assert listing.query == "status=draft"


def test_api_suggestion_list_is_recorded(app, client, world):
    headers = bearer(mint_token(app, "office"))
    body = client.get("/api/v1/needs/n-approved/suggestions", headers=headers).get_json()
    [event] = recorded(app)
    assert (event.endpoint, event.entity_id, event.rows) == (
        "api.need_suggestions",
        "n-approved",
        len(body["items"]),
    )


def test_export_records_channel_export(app, client, world):
    login(client, "planner")
    response = client.get("/planner/export/needs.csv?district=440402")
    assert response.status_code == 200
    [event] = recorded(app)
    assert (event.channel, event.entity_type, event.endpoint) == (
        "export",
        "analytics",
        "planner.export",
    )
    assert (event.actor, event.query) == ("planner_city", "district=440402")


def test_the_audit_log_view_is_itself_recorded(app, client, world):
    login(client, "admin")
    assert client.get("/admin/audit?actor=admin").status_code == 200
    [event] = recorded(app)
    assert (event.entity_type, event.endpoint, event.actor_role) == (
        "audit_event",
        "admin.audit",
        "admin",
    )


# --- what is not recorded ------------------------------------------------------------------


def test_public_pages_record_nothing(app, client, world):
    for url in ("/", "/notice/n-listed", "/notice.csv", "/notice.ocds.json"):
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/public/needs").status_code == 200
    login(client, "office")  # a signed-in reader of public pages is not recorded either
    assert client.get("/notice/n-listed").status_code == 200
    assert client.get("/api/v1/public/needs/n-listed").status_code == 200
    assert recorded(app) == []


def test_refused_and_failed_reads_record_nothing(app, client, world):
    assert client.get("/office/needs/n-draft").status_code == 302  # anonymous: sign in first
    login(client, "office_out")  # another street's office
    assert client.get("/office/needs/n-draft").status_code == 404
    assert client.get("/office/needs/no-such-need").status_code == 404
    client.post("/logout")
    login(client, "reviewer")
    assert client.get("/office/needs/n-draft").status_code == 403  # role not admitted
    assert client.get("/reviewer/needs/n-draft").status_code == 404  # drafts are not reviewed
    assert client.get("/api/v1/needs/n-draft", headers=bearer("forged")).status_code == 401
    out = bearer(mint_token(app, "office_out"))
    assert client.get("/api/v1/needs/n-draft", headers=out).status_code == 404
    assert client.get("/api/v1/needs/n-draft/interests", headers=out).status_code == 404
    planner = bearer(mint_token(app, "planner"))
    assert client.get("/api/v1/needs/n-submitted/interests", headers=planner).status_code == 403
    assert recorded(app) == []


def test_posts_are_not_reads(app, client, world):
    login(client, "office")
    response = client.post("/office/needs/n-draft/action/submit")
    assert response.status_code == 302
    assert recorded(app) == []


# --- transaction and failure ---------------------------------------------------------------


def test_the_record_does_not_commit_the_views_leftovers(app, client, world):
    """A GET view's uncommitted change is discarded as before; only the record is written."""

    @app.get("/test/peek/<need_id>")
    @roles_required("office")
    @records_read("need", id_arg="need_id")
    def peek(need_id: str):
        from web.platform.database import db_session

        need = db_session().get(Need, need_id)
        need.title = "changed but never committed"
        db_session().flush()
        return need.title

    login(client, "office")
    assert client.get("/test/peek/n-draft").status_code == 200
    with app.extensions["db"].session() as s:
        assert s.get(Need, "n-draft").title != "changed but never committed"
    assert [e.entity_id for e in recorded(app)] == ["n-draft"]


def test_a_read_that_cannot_be_recorded_is_refused(app, client, world, monkeypatch, caplog):
    def broken(_event):
        raise RuntimeError("read log unavailable")

    monkeypatch.setattr(reads_module, "write", broken)
    login(client, "office")
    with caplog.at_level(logging.ERROR, logger="web.access.reads"):
        page = client.get("/office/needs/n-draft")
    assert page.status_code == 503
    assert "独居长者助餐服务n-draft" not in page.get_data(as_text=True)
    assert page.headers.get("X-Frame-Options") == "DENY"  # the security headers still apply
    assert "could not record a read of office.need" in caplog.text
    api = client.get("/api/v1/needs/n-draft", headers=bearer(mint_token(app, "office")))
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "read_not_recorded"
    assert "n-draft" not in api.get_data(as_text=True)


# --- the admin page ------------------------------------------------------------------------


def test_admin_page_filters(app, client, world):
    login(client, "office")
    client.get("/office/needs/n-draft")
    client.get("/office/needs/n-submitted")
    client.get("/api/v1/needs/n-approved", headers=bearer(mint_token(app, "office")))
    client.post("/logout")
    login(client, "reviewer")
    client.get("/reviewer/needs/n-submitted")
    client.post("/logout")
    login(client, "admin")

    def rows(query: str) -> str:
        response = client.get(f"/admin/reads{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True).split('id="reads"')[1]

    everything = rows("")
    assert everything.count('<tr id="read-') == 4
    # newest first: the reviewer's read is on top
    assert everything.index("reviewer_xz") < everything.index("office_gb")
    assert rows("?actor=office_gb").count('<tr id="read-') == 3
    only = rows("?entity_type=need&entity_id=n-submitted")
    assert only.count('<tr id="read-') == 2 and "n-draft" not in only
    api = rows("?channel=api")
    assert api.count('<tr id="read-') == 1 and "api.get_need" in api
    assert rows("?channel=export").count('<tr id="read-') == 0
    assert rows("?from=2000-01-01&to=2999-12-31&actor=reviewer_xz").count('<tr id="read-') == 1
    assert "没有记录" in rows("?from=2999-01-01")
    # looking at the log is on record too
    assert rows("?entity_type=read_event").count('<tr id="read-') >= 1


def test_admin_page_pages(app, client, world, monkeypatch):
    monkeypatch.setattr("web.admin.reads.PAGE", 2)
    login(client, "office")
    for need in ("n-draft", "n-submitted", "n-approved"):
        client.get(f"/office/needs/{need}")
    client.post("/logout")
    login(client, "admin")
    first = client.get("/admin/reads?actor=office_gb").get_data(as_text=True)
    assert first.count('<tr id="read-') == 2 and "page=2" in first
    second = client.get("/admin/reads?actor=office_gb&page=2").get_data(as_text=True)
    assert second.count('<tr id="read-') == 1 and "n-draft" in second.split('id="reads"')[1]


@pytest.mark.parametrize("role", ["office", "reviewer", "planner", "organization"])
def test_admin_page_is_admin_only(client, world, role):
    login(client, role)
    assert client.get("/admin/reads").status_code == 403


def test_admin_page_asks_anonymous_to_sign_in(client, world):
    response = client.get("/admin/reads")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_navigation_links_the_log(client, world):
    login(client, "admin")
    assert 'href="/admin/reads"' in client.get("/admin/audit").get_data(as_text=True)
    assert 'href="/admin/reads"' in client.get("/admin/").get_data(as_text=True)


# --- nothing escapes the log silently ------------------------------------------------------


def unaccounted_routes(app: Flask) -> list[str]:
    """Signed-in GET routes that are neither recorded nor exempt with a reason."""
    problems = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint.endswith("static"):
            continue
        view = app.view_functions[rule.endpoint]
        spec = spec_for(rule.endpoint, view)
        if set(getattr(view, "allowed_roles", ())) == set(ANYONE):
            if spec is not None:  # anonymous readers could not be named: mark staff views only
                problems.append(f"{rule.endpoint} is public but marked as a recorded read")
            continue
        if spec is None and rule.endpoint not in NOT_RECORDED:
            problems.append(f"{rule.endpoint} ({rule.rule}) shows signed-in data unrecorded")
        elif spec is not None and rule.endpoint in NOT_RECORDED:
            problems.append(f"{rule.endpoint} is both recorded and exempt")
        elif spec is not None and spec.id_arg and spec.id_arg not in rule.arguments:
            problems.append(f"{rule.endpoint}: id_arg {spec.id_arg!r} is not a route argument")
    return problems


def test_every_signed_in_get_route_is_recorded_or_exempt(app):
    assert unaccounted_routes(app) == []


def test_exemptions_and_declarations_are_not_stale(app):
    endpoints = set(app.view_functions)
    assert set(NOT_RECORDED) <= endpoints, set(NOT_RECORDED) - endpoints
    assert set(READS_BY_ENDPOINT) <= endpoints, set(READS_BY_ENDPOINT) - endpoints


def test_a_forgotten_route_is_caught(app):
    @app.get("/test/forgotten")
    @roles_required("admin")
    def forgotten():
        return "internal"

    @app.get("/test/typo/<need_id>")
    @roles_required("admin")
    @records_read("need", id_arg="needid")
    def typo(need_id: str):
        return need_id

    @app.get("/test/open")
    @public
    @records_read("need")
    def open_but_marked():
        return "public"

    problems = unaccounted_routes(app)
    assert any(p.startswith("forgotten ") for p in problems)
    assert any(p.startswith("open_but_marked is public") for p in problems)
    assert any("'needid'" in p for p in problems)
