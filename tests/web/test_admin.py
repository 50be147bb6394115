"""Admin: accounts (create, change scope, deactivate) and the filterable audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.models import Account
from tests.web.web_world import build_world, login


@pytest.fixture
def world(app):
    return build_world(app, needs=False)


def test_create_account_checks_scope_and_password(app, client, world):
    login(client, "admin")
    page = client.post(
        "/admin/accounts/new",
        data={
            "username": "office_x",
            "role": "office",
            "scope": "440402",
            "password": "long-enough-1",
        },
    ).get_data(as_text=True)
    assert "街道（镇）账号的范围必须是街道或镇" in page
    page = client.post(
        "/admin/accounts/new",
        data={"username": "office_x", "role": "office", "scope": "440402004", "password": "short"},
    ).get_data(as_text=True)
    assert "密码至少10位" in page
    r = client.post(
        "/admin/accounts/new",
        data={
            "username": "office_x",
            "role": "office",
            "scope": "440402004",
            "password": "long-enough-1",
        },
    )
    assert r.status_code == 302
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Account).where(Account.username == "office_x")).scope == "440402004"


def test_deactivate_and_audit(app, client, world):
    login(client, "admin")
    office_id = world.account_ids["office"]
    client.post(f"/admin/accounts/{office_id}/active", data={"active": "0"})
    r = client.post("/login", data={"username": "office_gb", "password": "correct-horse-42"})
    assert r.status_code == 200  # refused: the form again
    login(client, "admin")
    client.post(f"/admin/accounts/{world.account_ids['admin']}/active", data={"active": "0"})
    with app.extensions["db"].session() as s:
        assert s.get(Account, world.account_ids["admin"]).active
    page = client.get("/admin/audit?action=account.deactivate").get_data(as_text=True)
    assert "office_gb" in page and "account.create" not in page.split('id="audit"')[1]
    page = client.get("/admin/audit?actor=nobody").get_data(as_text=True)
    assert "没有记录" in page
    assert (
        client.get("/admin/audit?from=2000-01-01&to=2999-12-31&entity_type=account").status_code
        == 200
    )


def test_edit_scope(app, client, world):
    login(client, "admin")
    rid = world.account_ids["reviewer"]
    client.post(
        f"/admin/accounts/{rid}", data={"role": "reviewer", "scope": "440400", "display_name": "市"}
    )
    with app.extensions["db"].session() as s:
        assert s.get(Account, rid).scope == "440400"


def test_admin_only(client, world):
    login(client, "reviewer")
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_audit_log_reads_as_words_not_codes(app, client, world):
    """Issue 13 item 6: actions in the reader's language, details as key: value text with the
    characters themselves (no \\u escapes, no JSON braces), in zh-Hans, zh-Hant and English."""
    from catalog.actors import Actor
    from catalog.audit import record
    from catalog.models import Role

    admin = Actor("admin", Role.ADMIN, None)
    with app.extensions["db"].session() as s:
        record(
            s, admin, "need.close", "need", "n-x", reason="服务已完成", fields=["title", "months"]
        )
        record(s, admin, "account.deactivate", "account", "office_gb", role="office")
        s.commit()
    login(client, "admin")
    expected = {
        "zh_Hans_CN": ("结束需求", "<code>服务已完成</code>", "街道办事处／镇", "停用账号"),
        "zh_Hant_TW": ("結束需求", "<code>服务已完成</code>", "停用帳號"),
        "en": ("Need closed", "<code>服务已完成</code>", "Account deactivated"),
    }
    for lang, phrases in expected.items():
        table = client.get(f"/admin/audit?lang={lang}").get_data(as_text=True)
        table = table.split('id="audit"')[1]
        for phrase in phrases:
            assert phrase in table, (lang, phrase)
        assert "\\u" not in table and '{"' not in table
        assert "<code>title, months</code>" in table
        assert ">need.close<" not in table and "need.close</code>" not in table
