"""An organization's public contact data in the HSDS directory: e-mail and website on the
organization, its phone as an HSDS phone (extension apart), its office as a location with the
address and the opening hours as weekly schedules — all valid HSDS 3.0 — and never the contact
person, whose name is for offices and reviewers only."""

from __future__ import annotations

import pytest

from catalog.exchange import hsds_contact
from catalog.exchange.hsds import Directory, hsds_id
from catalog.models import Organization
from tests.web import hsds_schema as hs
from tests.web.web_world import add_contacts, add_outcomes, build_world


@pytest.fixture
def world(app):
    w = build_world(app)
    add_outcomes(app)
    add_contacts(app)  # org-elder (confirmed on listed needs) and org-meal (never public)
    return w


def _elder(client) -> dict:
    response = client.get(f"/hsds/organizations/{hsds_id('organization', 'org-elder')}")
    assert response.status_code == 200
    return response.get_json()


def test_organization_detail_carries_public_contact_data(client, world):
    org = _elder(client)
    assert not hs.errors(org, hs.organization_detail_schema())
    assert (org["email"], org["website"]) == (
        "service@elder.example.org",
        "https://elder.example.org/",
    )
    (phone,) = org["phones"]
    assert (phone["number"], phone["extension"], phone["type"]) == ("0756-2212345", 801, "voice")
    assert phone["organization_id"] == org["id"]
    (office,) = org["locations"]
    assert office["organization_id"] == org["id"] and office["location_type"] == "physical"
    (address,) = office["addresses"]
    assert address["address_1"] == "珠海市香洲区拱北街道迎宾南路1001号"
    assert (address["postal_code"], address["city"], address["region"]) == (
        "519020",
        "珠海市",
        "香洲区",
    )
    assert (address["state_province"], address["country"]) == ("广东省", "CN")
    weekdays, saturday = office["schedules"]
    assert (weekdays["freq"], weekdays["byday"]) == ("WEEKLY", "MO,TU,WE,TH,FR")
    assert (weekdays["opens_at"], weekdays["closes_at"]) == ("09:00+08:00", "17:30+08:00")
    assert (saturday["byday"], saturday["closes_at"]) == ("SA", "12:00+08:00")
    assert weekdays["description"] == "周一至周五 9:00-17:30；周六 9:00-12:00"
    assert not org.get("contacts")  # the contact person is not published


def test_the_list_carries_email_and_website(client, world):
    (org,) = client.get("/hsds/organizations").get_json()["contents"]
    assert org["email"] == "service@elder.example.org" and "phones" not in org
    assert not hs.errors(org, hs.load("compiled/organization_list.json"))


def _directory(app) -> Directory:
    with app.extensions["db"].session() as session:
        directory = Directory.load(session)
        session.expunge_all()
    return directory


def _org(**contact: str | None) -> Organization:
    org = Organization(id="org-x", name="珠海市测试社工站", description="测试", org_type="社会团体")
    for key, value in contact.items():
        setattr(org, key, value)
    return org


def test_what_hsds_cannot_say_structured_goes_out_as_text(app, world):
    """No postal code in the address: no address object (HSDS requires one), the text is the
    location's description. Hours no weekly schedule can say: one schedule with the text."""
    directory = _directory(app)
    org = _org(address="珠海市斗门区井岸镇新青路8号", opening_hours="节假日除外，每天上午开放")
    location = hsds_contact.office_location(directory, org)
    assert location is not None and "珠海市斗门区井岸镇新青路8号" in location["description"]
    assert hsds_contact.addresses(directory, org) == []
    (schedule,) = hsds_contact.schedules(org)
    assert schedule["description"] == "节假日除外，每天上午开放" and "byday" not in schedule
    assert not hs.errors(schedule, hs.load("schedule.json"))
    (nested,) = hsds_contact.office_locations(directory, org)
    assert not hs.errors(nested, hs.load("location.json"))


def test_a_mobile_is_a_cell_phone_and_nothing_given_is_nothing_published(app, world):
    directory = _directory(app)
    (phone,) = hsds_contact.phones(_org(phone="+86 138 1234 5678"))
    assert (phone["number"], phone["type"]) == ("+86 138 1234 5678", "cell")
    assert "extension" not in phone and not hs.errors(phone, hs.load("phone.json"))
    bare = _org()
    assert hsds_contact.phones(bare) == [] and hsds_contact.office_locations(directory, bare) == []
    assert hsds_contact.organization_fields(bare) == {}


@pytest.mark.parametrize(
    ("address", "street", "postal"),
    [
        ("珠海市香洲区迎宾南路1号（邮编：519020）", "珠海市香洲区迎宾南路1号", "519020"),
        ("珠海市金湾区三灶镇金湖路5号 邮政编码519040", "珠海市金湾区三灶镇金湖路5号", "519040"),
        ("珠海市斗门区井岸镇新青路8号 519100", "珠海市斗门区井岸镇新青路8号", "519100"),
        ("珠海市香洲区前山街道翠微路100号", "珠海市香洲区前山街道翠微路100号", None),
    ],
)
def test_postal_code_is_taken_from_the_address(address, street, postal):
    assert hsds_contact.split_postal(address) == (street, postal)
