"""An organization's contact data on the pages: the organization keeps it on its profile form
(a refused form keeps what was typed and names the field), an office opens the profile of any
organization suggested on its need page and sees it with the contact person, as reviewers do,
and no public page shows the contact person."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from catalog.credit_code import make_credit_code
from catalog.models import Account, Organization, ReadEvent
from tests.web.web_world import ELDER_CONTACT, add_contacts, build_world, login

PROFILE = {
    "name": "珠海市拱北乐龄长者服务中心",
    "org_type": "社会服务机构",
    "description": "为独居、空巢和高龄长者提供上门探访、助餐配送、居家安全检查和照护者支持。",
    "categories": ["居家养老"],
    "service_areas": ["440402005"],
    "capacity": "3",
    "staff": "8",
}
CONTACT = {
    "address": "珠海市香洲区拱北街道迎宾南路1001号",
    "contact_person": "陈敏",
    "phone": "+86 138 1234 5678",
    "email": "service@elder.example.org",
    "website": "https://elder.example.org/",
    "opening_hours": "周一至周五 9:00-17:30",
}


@pytest.fixture
def world(app):
    return build_world(app)


def _org(app, org_id: str = "org-elder") -> Organization:
    with app.extensions["db"].session() as s:
        org = s.get(Organization, org_id)
        s.expunge(org)
        return org


def test_profile_form_round_trip(app, client, world):
    login(client, "organization")
    assert 'name="phone"' in client.get("/org/profile").get_data(as_text=True)
    assert client.post("/org/profile", data=PROFILE | CONTACT).status_code == 302
    org = _org(app)
    assert {k: getattr(org, k) for k in CONTACT} == CONTACT and org.profile_version == 2
    page = html.unescape(client.get("/org/profile").get_data(as_text=True))
    for value in CONTACT.values():
        assert f'value="{value}"' in page, value
    client.post("/org/profile", data=PROFILE | CONTACT)  # the same again: no new version
    assert _org(app).profile_version == 2
    client.post("/org/profile", data=PROFILE | CONTACT | {"website": "", "phone": " "})
    org = _org(app)
    assert (org.website, org.phone, org.email) == (None, None, CONTACT["email"])
    assert org.profile_version == 3


def test_a_refused_form_keeps_what_was_typed_and_names_the_field(app, client, world):
    login(client, "organization")
    bad = {"phone": "0756-12345", "email": "service@elder", "website": "elder.example.org"}
    response = client.post("/org/profile", data=PROFILE | CONTACT | bad)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    for field, value in bad.items():
        assert f'id="error-{field}"' in page and f'value="{value}"' in page, field
    assert 'value="陈敏"' in page  # the good fields are kept too
    assert "电话号码无效" in page and "电子邮箱格式无效" in page and "网站地址无效" in page
    org = _org(app)
    assert org.phone is None and org.contact_person is None and org.profile_version == 1


def test_registration_takes_contact_data(app, client, world):
    data = PROFILE | CONTACT | {"name": "珠海市新芽社区服务社", "username": "new_org"}
    data |= {"password": "s3cure-pass-word", "password2": "s3cure-pass-word"}
    data["credit_code"] = make_credit_code("52440402", "MJ999999")
    assert client.post("/org/register", data=data).status_code == 302
    with app.extensions["db"].session() as s:
        scope = s.scalar(select(Account.scope).where(Account.username == "new_org"))
    assert _org(app, scope).phone == "+86 138 1234 5678"


def test_office_opens_the_profile_of_a_suggested_organization(app, client, world):
    add_contacts(app)
    login(client, "office")
    need_page = client.get("/office/needs/n-approved").get_data(as_text=True)
    assert 'href="/office/orgs/org-elder"' in need_page
    assert 'href="/office/orgs/org-meal"' in need_page
    page = client.get("/office/orgs/org-elder").get_data(as_text=True)
    for key in ("contact_person", "address", "email", "website", "opening_hours"):
        assert ELDER_CONTACT[key] in page, key
    assert "0756-2212345转801" in page and "珠海市拱北乐龄长者服务中心" in page
    assert "credit-form" not in page  # the credit archive is civil affairs' page
    with app.extensions["db"].session() as s:
        read = s.scalar(select(ReadEvent).where(ReadEvent.endpoint == "office.org"))
        assert (read.entity_type, read.entity_id, read.actor) == (
            "organization",
            "org-elder",
            "office_gb",
        )
    assert client.get("/office/orgs/nobody").status_code == 404


def test_reviewer_sees_contact_data_and_others_do_not_open_the_office_page(app, client, world):
    add_contacts(app)
    login(client, "reviewer")
    page = client.get("/reviewer/orgs/org-elder").get_data(as_text=True)
    assert "陈敏" in page and "service@elder.example.org" in page
    assert client.get("/office/orgs/org-elder").status_code == 403
    for role in ("organization", "planner"):
        login(client, role)
        assert client.get("/office/orgs/org-elder").status_code == 403, role


def test_anonymous_pages_never_show_the_contact_person(app, client, world):
    add_contacts(app)  # org-elder is confirmed on the listed need, so it is on public pages
    for url in (
        "/",
        "/notice/n-listed",
        "/notice.csv",
        "/api/v1/public/needs",
        "/hsds/organizations",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert "陈敏" not in text and "李晓华" not in text, url
    assert "珠海市拱北乐龄长者服务中心" in client.get("/notice/n-listed").get_data(as_text=True)
    assert client.get("/office/orgs/org-elder").status_code == 302  # to sign in
