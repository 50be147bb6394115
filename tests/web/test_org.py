"""Organization journey: self-service registration (validated like the catalog, including the
credit code), the own profile (version bumped on change), opportunities and interest."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog.credit_code import make_credit_code
from catalog.models import Account, AuditEvent, Interest, Organization
from tests.web.web_world import build_world, login

REG = {
    "username": "new_org",
    "password": "s3cure-pass-word",
    "password2": "s3cure-pass-word",
    "name": "珠海市新芽社区服务社",
    "org_type": "社区社会组织",
    "description": "为社区独居长者提供助餐、探访和陪伴服务的基层社区社会组织。",
    "categories": ["居家养老"],
    "service_areas": ["440402005", "440402004"],
    "capacity": "2",
}


@pytest.fixture
def world(app):
    return build_world(app)


def test_register_validates_credit_code(app, client, world):
    page = client.post("/org/register", data=dict(REG, credit_code="52440402MJ0000019X")).get_data(
        as_text=True
    )
    assert 'id="error-credit_code"' in page
    page = client.post(
        "/org/register", data=dict(REG, credit_code="", categories=[], password2="other")
    ).get_data(as_text=True)
    assert 'id="error-credit_code"' not in page or "必填" in page
    assert "至少选择一个服务类别" in page
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Account).where(Account.username == "new_org")) is None


def test_register_creates_org_and_account(app, client, world):
    code = make_credit_code("52440402", "MJ999999")
    r = client.post("/org/register", data=dict(REG, credit_code=code))
    assert r.status_code == 302 and r.headers["Location"].endswith("/org/")
    with app.extensions["db"].session() as s:
        account = s.scalar(select(Account).where(Account.username == "new_org"))
        org = s.get(Organization, account.scope)
        assert account.role == "organization" and org.credit_code == code
        assert org.area_codes == ["440402005", "440402004"] and org.category_names == ["居家养老"]
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "organization.register"))
    assert client.get("/org/").status_code == 200  # signed in
    r = client.post("/org/register", data=dict(REG, username="again", credit_code=code))
    assert r.status_code == 302  # a signed-in user is sent home


def test_duplicate_credit_code_refused(client, world):
    code = make_credit_code("52440402", "MJ000001")  # org-elder's
    page = client.post("/org/register", data=dict(REG, credit_code=code)).get_data(as_text=True)
    assert "该统一社会信用代码已注册" in page


def test_profile_edit_bumps_version(app, client, world):
    login(client, "organization")
    page = client.get("/org/profile").get_data(as_text=True)
    assert "珠海市拱北乐龄长者服务中心" in page
    data = {
        "name": "珠海市拱北乐龄长者服务中心",
        "org_type": "社会服务机构",
        "description": "为独居、空巢和高龄长者提供上门探访、助餐配送和心理慰藉。",
        "categories": ["居家养老", "心理咨询"],
        "service_areas": ["440402"],
        "capacity": "5",
    }
    assert client.post("/org/profile", data=data).status_code == 302
    with app.extensions["db"].session() as s:
        org = s.get(Organization, "org-elder")
        assert org.profile_version == 2 and org.capacity == 5
        assert org.category_names == ["居家养老", "心理咨询"] and org.area_codes == ["440402"]
    client.post("/org/profile", data=data)  # unchanged → same version
    with app.extensions["db"].session() as s:
        assert s.get(Organization, "org-elder").profile_version == 2
        assert s.get(Organization, "org-youth").profile_version == 1
    bad = client.post("/org/profile", data=dict(data, service_areas=["999999"])).get_data(
        as_text=True
    )
    assert "不存在的区划代码" in bad


def test_opportunities_and_interest(app, client, world):
    login(client, "organization")
    page = client.get("/org/").get_data(as_text=True)
    assert 'id="need-n-listed"' in page and "n-approved" not in page
    client.post("/org/needs/n-listed/interest")
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Interest).where(Interest.org_id == "org-elder")).active
    login(client, "office")
    assert "珠海市拱北乐龄长者服务中心" in client.get("/office/needs/n-listed").get_data(
        as_text=True
    )
    login(client, "organization")
    client.post("/org/needs/n-listed/withdraw")
    with app.extensions["db"].session() as s:
        assert not s.scalar(select(Interest).where(Interest.org_id == "org-elder")).active
    client.post("/org/needs/n-approved/interest")  # not listed: refused
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Interest).where(Interest.need_id == "n-approved")) is None


def test_org_pages_need_org_role(client, world):
    login(client, "office")
    assert client.get("/org/").status_code == 403
    assert client.get("/org/profile").status_code == 403


def test_interest_carries_a_note_to_the_office(app, client, world):
    login(client, "organization")
    too_long = client.post("/org/needs/n-listed/interest", data={"note": "长" * 1001})
    assert too_long.status_code == 302
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Interest).where(Interest.org_id == "org-elder")) is None
    note = "我们有 6 名持证社工，可于下月开始服务。<b>"
    client.post("/org/needs/n-listed/interest", data={"note": note})
    with app.extensions["db"].session() as s:
        assert s.scalar(select(Interest).where(Interest.org_id == "org-elder")).note == note
    login(client, "office")
    page = client.get("/office/needs/n-listed").get_data(as_text=True)
    assert "可于下月开始服务。&lt;b&gt;" in page  # shown, and escaped
