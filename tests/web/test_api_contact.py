"""Contact data in the API's organization records: everyone with a token reads the public part
(address, phone, e-mail, website, opening hours), the contact person only offices, reviewers,
admins and the organization itself; the organization edits it through PATCH with the domain's
rules (a bad phone is a 422 naming the field, in the words of catalog.contact)."""

from __future__ import annotations

import pytest

from tests.web.api_world import Api, assert_json_error, build_world

CONTACT = {
    "address": "珠海市香洲区拱北街道迎宾南路1001号",
    "contact_person": "陈敏",
    "phone": "0756-2212345-801",
    "email": "service@o1.example.org",
    "website": "https://o1.example.org/about?lang=zh#contact",
    "opening_hours": "周一至周五 9:00-17:30",
}


@pytest.fixture
def api(app, client):
    build_world(app)
    return Api(app, client)


def test_contact_person_only_for_those_who_arrange_projects(api, monkeypatch):
    monkeypatch.setattr("web.tasks.update_org_index.delay", lambda *_a: None)
    r = api.patch("organization", "/api/v1/organizations/o1", json=CONTACT)
    assert r.status_code == 200, r.get_json()
    assert {k: r.get_json()[k] for k in CONTACT} == CONTACT
    assert r.get_json()["profile_version"] == 2
    for role in ("office", "reviewer", "admin", "organization"):
        o1 = api.get(role, "/api/v1/organizations/o1").get_json()
        assert o1["contact_person"] == "陈敏", role
    planner = api.get("planner", "/api/v1/organizations/o1").get_json()
    assert "contact_person" not in planner
    assert planner["phone"] == CONTACT["phone"] and planner["website"] == CONTACT["website"]
    listed = api.get("planner", "/api/v1/organizations").get_json()["items"]
    assert all("contact_person" not in o for o in listed)
    o2 = api.get("organization", "/api/v1/organizations/o2").get_json()  # another organization
    assert "contact_person" not in o2 and o2["phone"] is None


def test_bad_contact_data_is_a_422_naming_the_field(api):
    for field, value, words in (
        ("phone", "0756-123", "phone: not a valid number"),
        ("phone", "138 1234 5678 9", "phone: not a valid number"),
        ("email", "service@o1", "email: not a valid e-mail address"),
        ("website", "javascript:alert(1)", "website: not a valid address"),
        ("address", "   ", "blank"),
    ):
        error = assert_json_error(
            api.patch("organization", "/api/v1/organizations/o1", json={field: value}), 422
        )
        assert error["fields"][0]["field"] == field and words in error["fields"][0]["en"], value
    r = api.patch("organization", "/api/v1/organizations/o1", json={"phone": None})
    assert r.status_code == 200 and r.get_json()["profile_version"] == 1  # nothing to clear
