"""One rule, every front end: what the office pages, the JSON API, the importer and the CLI do
to the same record goes through the same catalog command, so they leave the same state — the
id scheme, the signature, Art. 11 screening, the category suggestion, the audit payload, what
approval sets, how `profile_version` moves, and that creating an account never overwrites one.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from catalog.exchange.records import org_record
from catalog.models import Account, AuditEvent, Need, Organization
from tests.web.api_world import ACCOUNTS, GONGBEI, PASSWORD, Api, build_world

FORM = {
    "title": "社区道路维修",
    "description": "请社会组织承担辖区市政道路维修和路灯维护工作，村道坑坑洼洼。",
    "beneficiaries": "辖区居民",
    "beneficiary_count": 300,
    "budget_yuan": 90000,
    "months": 6,
    "funding": "财政资金",
}
NEED_ID = re.compile(r"need-[0-9a-f]{12}")
O1 = "/api/v1/organizations/o1"


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def api(app, client, world):
    return Api(app, client)


@pytest.fixture
def suggested(monkeypatch) -> list[str]:
    """The one category suggester pages and API inject, replaced by a recorder."""
    asked: list[str] = []

    def suggest(need):  # type: ignore[no-untyped-def]
        asked.append(need.id)
        return "居家养老", 0.9

    monkeypatch.setattr("web.office.screening.suggest_category", suggest)
    return asked


@pytest.fixture
def enqueued(monkeypatch) -> list[str]:
    """Matching handed to the (stubbed) queue, so the state approval leaves is what we see."""
    from web.tasks import match_need

    sent: list[str] = []
    monkeypatch.setattr(match_need, "delay", sent.append)
    monkeypatch.setattr(match_need, "apply_async", lambda args, **kw: sent.append(args[0]))
    return sent


def login(client, label: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/login", data={"username": ACCOUNTS[label][0], "password": PASSWORD})
    assert r.status_code == 302


def page_post(client, data: dict) -> str:  # type: ignore[no-untyped-def]
    login(client, "office")
    r = client.post("/office/needs/new", data={k: str(v) for k, v in data.items()})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return r.headers["Location"].split("?")[0].rsplit("/", 1)[1]


def api_post(api: Api, data: dict) -> str:
    r = api.post("office", "/api/v1/needs", json={**data, "posted_by": "某位科员"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def facts(app, need_id: str) -> tuple:  # type: ignore[no-untyped-def]
    with app.extensions["db"].session() as s:
        n = s.get(Need, need_id)
        audit = [
            (e.action, e.detail)
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.entity_id == need_id).order_by(AuditEvent.id)
            )
        ]
        return (
            bool(NEED_ID.fullmatch(n.id)),
            n.posted_by,
            n.prohibited,
            n.prohibited_rule,
            n.category_name,
            n.category_source,
            n.posted_by_account_id is not None,
            audit,
        )


def test_a_need_posted_by_page_and_api_is_the_same_need(app, client, api, suggested):
    by_page, by_api = page_post(client, FORM), api_post(api, FORM)
    page, through_api = facts(app, by_page), facts(app, by_api)
    assert page == through_api
    assert page[:6] == (True, "拱北街道办事处", True, "municipal_maintenance", "居家养老", "model")
    assert page[-1] == [("need.create", {"street": GONGBEI})]
    assert suggested == [by_page, by_api]


def test_an_edit_by_page_and_api_audits_the_same_payload(app, client, api, suggested):
    by_page, by_api = page_post(client, FORM), api_post(api, FORM)
    form = {**FORM, "title": "路灯维护", "street": GONGBEI}
    r = client.post(f"/office/needs/{by_page}/edit", data={k: str(v) for k, v in form.items()})
    assert r.status_code == 302
    r = api.patch("office", f"/api/v1/needs/{by_api}", json={"title": "路灯维护"})
    assert r.status_code == 200, r.get_json()
    page, through_api = facts(app, by_page), facts(app, by_api)
    assert page == through_api
    assert page[-1][-1] == ("need.update", {"street": GONGBEI, "fields": ["title"]})


def test_import_screens_like_the_pages(app, runner, tmp_path):
    rec = {**FORM, "id": "imp-1", "street": GONGBEI, "posted_by": "拱北街道办事处"}
    (tmp_path / "needs.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", "utf-8")
    result = runner.invoke(args=["catalog", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with app.extensions["db"].session() as s:
        need = s.get(Need, "imp-1")
        assert need.prohibited and need.prohibited_rule == "municipal_maintenance"


def _approval_state(app, need_id: str) -> tuple:  # type: ignore[no-untyped-def]
    with app.extensions["db"].session() as s:
        n = s.get(Need, need_id)
        actions = [
            e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.entity_id == need_id))
        ]
        return (
            n.status,
            n.match_status,
            n.match_error,
            n.category_name,
            n.category_source,
            n.decided_at is not None,
            sorted(actions),
        )


def test_approval_by_page_and_api_leaves_the_same_state(app, client, api, world, enqueued):
    by_page, by_api = world.needs["submitted"], "n-submitted-2"
    with app.extensions["db"].session() as s:
        from tests.web.web_world import add_need

        add_need(s, by_api, GONGBEI, "submitted")
        for need_id in (by_page, by_api):
            n = s.get(Need, need_id)
            n.match_status, n.match_error = "failed", "RuntimeError: an earlier run"
    login(client, "reviewer")
    r = client.post(f"/reviewer/needs/{by_page}/action/approve", data={"category": "社区教育"})
    assert r.status_code == 302
    r = api.post("reviewer", f"/api/v1/needs/{by_api}/approve", json={"category": "社区教育"})
    assert r.status_code == 200, r.get_json()
    assert _approval_state(app, by_page) == _approval_state(app, by_api)
    assert _approval_state(app, by_page)[:5] == (
        "approved",
        "pending",
        None,
        "社区教育",
        "reviewer",
    )
    assert enqueued == [by_page, by_api]


def _version(app) -> int:  # type: ignore[no-untyped-def]
    with app.extensions["db"].session() as s:
        return s.get(Organization, "o1").profile_version


def _profile_form(app, **changes) -> dict:  # type: ignore[no-untyped-def]
    with app.extensions["db"].session() as s:
        rec = org_record(s.get(Organization, "o1"), history=False)
    form = {k: rec[k] for k in ("name", "org_type", "description", "categories", "service_areas")}
    for key in ("capacity", "staff", "social_workers"):
        form[key] = "" if rec[key] is None else str(rec[key])
    return {**form, **changes}


def _import_o1(app, runner, tmp_path, **changes) -> None:  # type: ignore[no-untyped-def]
    with app.extensions["db"].session() as s:
        rec = {**org_record(s.get(Organization, "o1"), history=False), **changes}
    (tmp_path / "organizations.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n")
    result = runner.invoke(args=["catalog", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_profile_version_moves_by_one_rule_on_page_api_and_import(
    app, client, api, runner, tmp_path
):
    """Unchanged: same version; changed: one more, whoever writes."""
    login(client, "organization")
    start = _version(app)
    assert client.post("/org/profile", data=_profile_form(app)).status_code == 302
    assert api.patch("organization", O1, json={"capacity": 3}).status_code == 200
    _import_o1(app, runner, tmp_path)
    assert _version(app) == start
    assert client.post("/org/profile", data=_profile_form(app, capacity="4")).status_code == 302
    assert _version(app) == start + 1
    assert api.patch("organization", O1, json={"capacity": 5}).status_code == 200
    assert _version(app) == start + 2
    _import_o1(app, runner, tmp_path, capacity=6)
    assert _version(app) == start + 3


def _office(app) -> tuple:  # type: ignore[no-untyped-def]
    with app.extensions["db"].session() as s:
        a = s.scalar(select(Account).where(Account.username == ACCOUNTS["office"][0]))
        return a.role, a.scope, a.password_hash


def test_create_account_refuses_an_existing_username_on_page_and_cli(app, client, runner, world):
    before = _office(app)
    login(client, "admin")
    page = client.post(
        "/admin/accounts/new",
        data={
            "username": ACCOUNTS["office"][0],
            "role": "admin",
            "scope": "",
            "password": "another-long-password-9",
        },
    )
    assert page.status_code == 200 and 'id="error-username"' in page.get_data(as_text=True)
    result = runner.invoke(
        args=["users", "create", ACCOUNTS["office"][0], "--role", "admin"]
        + ["--password", "another-long-password-9"]
    )
    assert result.exit_code != 0 and "username" in result.output
    assert _office(app) == before
    result = runner.invoke(args=["users", "update", ACCOUNTS["office"][0], "--scope", "440402004"])
    assert result.exit_code == 0, result.output
    assert _office(app)[1] == "440402004"
