"""An organization's contact data in the domain: which phone numbers, e-mail addresses and
websites are accepted (each refusal names its field, in Chinese and English), the free-text
limits, the profile command's versioning rule over contact data, and who may see the contact
person."""

from __future__ import annotations

import re
import unicodedata

import pytest

from catalog import permissions
from catalog.commands.organizations import update_profile
from catalog.contact import (
    EMAIL_PATTERN,
    PHONE_PATTERN,
    WEBSITE_PATTERN,
    email_problem,
    parse_phone,
    phone_problem,
    website_problem,
)
from catalog.errors import ValidationFailed
from catalog.validation import validate_organization

GOOD_PHONES = [
    "13812345678",
    "19987654321",
    "+8613812345678",
    "+86 138 1234 5678",
    "+86-138-1234-5678",
    "138 1234 5678",
    "0756-2212345",
    "0756 2212345",
    "07562212345",
    "(0756)2212345",
    "（０７５６）２２１２３４５",  # full-width, as a Chinese input method types it
    "010-62345678",
    "020 8765 4321",
    "0756-221-2345",
    "0756-2212345-801",
    "0756-2212345转801",
    "0756-2212345 ext. 12",
    " 0756-2212345 ",
]
BAD_PHONES = [
    "12812345678",  # 12x is no mobile prefix
    "1381234567",  # ten digits
    "138123456789",  # twelve
    "+86 0756 2212345",  # +86 only for mobiles here
    "2212345",  # no area code
    "756-2212345",  # area code without its 0
    "0756-1212345",  # a local number does not start with 1
    "0756-221234",  # six digits
    "0756-221234567",  # nine
    "0756-2212345-1234567",  # extension too long
    "0756—2212345",  # an em dash is no hyphen
    "tel:13812345678",
    "",
    "电话",
]


@pytest.mark.parametrize("number", GOOD_PHONES)
def test_good_phones(number):
    assert phone_problem(number) is None
    assert parse_phone(number) is not None


@pytest.mark.parametrize("number", BAD_PHONES)
def test_bad_phones(number):
    zh, en = phone_problem(number)
    assert "电话号码" in zh and en.startswith("phone: ")


def test_phone_parts_for_hsds():
    landline = parse_phone("0756-2212345转801")
    assert (landline.number, landline.extension, landline.mobile) == ("0756-2212345", 801, False)
    assert parse_phone("0756-221-2345").extension is None  # a hyphen inside the number
    mobile = parse_phone("+86 138 1234 5678")
    assert (mobile.number, mobile.extension, mobile.mobile) == ("+86 138 1234 5678", None, True)


@pytest.mark.parametrize(
    ("value", "good"),
    [
        ("service@example.org", True),
        ("lele.sw+news@mail.lele-sw.org.cn", True),
        ("12345@qq.com", True),
        (" service@example.org ", True),
        ("service@example", False),
        ("service.@example.org", False),
        ("a..b@example.org", False),
        ("service@-example.org", False),
        ("服务@example.org", False),
        ("service@example.org, other@example.org", False),
        ("@example.org", False),
    ],
)
def test_email(value, good):
    assert (email_problem(value) is None) == good
    if not good:
        assert email_problem(value)[1].startswith("email: ")


@pytest.mark.parametrize(
    ("value", "good"),
    [
        ("https://www.example.org", True),
        ("http://example.org/", True),
        ("https://example.org.cn:8443/about/us?lang=zh&x=1#contact", True),
        ("https://example.org/%E5%85%B3%E4%BA%8E", True),
        ("www.example.org", False),  # no scheme
        ("ftp://example.org", False),
        ("javascript:alert(1)", False),
        ("https://localhost/", False),
        ("https://192.168.1.1/", False),
        ("https://example.org/关于", False),  # percent-encode it
        ("https://example.org/a b", False),
        ("https://example.org/#a#b", False),
        ("https://example.org/%zz", False),
        ("https://" + "a" * 300 + ".org", False),
    ],
)
def test_website(value, good):
    assert (website_problem(value) is None) == good
    if not good:
        assert website_problem(value)[1].startswith("website: ")


def test_the_document_patterns_are_the_domain_rule():
    """The API document states each rule as its pattern (schemathesis generates from it): every
    number, address and URL accepted here as typed (no blanks around it, nothing NFKC would
    change) matches it, and none refused here does."""
    for pattern, problem_of, values in (
        (PHONE_PATTERN, phone_problem, GOOD_PHONES + BAD_PHONES),
        (EMAIL_PATTERN, email_problem, ["service@example.org", "service@example", "a..b@x.cn"]),
        (WEBSITE_PATTERN, website_problem, ["https://example.org/?a=1#b", "ftp://example.org"]),
    ):
        as_typed = [v for v in values if v == unicodedata.normalize("NFKC", v).strip()]
        assert len(as_typed) > 1
        for value in as_typed:
            assert bool(re.fullmatch(pattern, value)) == (problem_of(value) is None), value


def test_validation_names_each_contact_field(ref, org_rec):
    bad = org_rec(
        address="珠",
        contact_person="陈" * 51,
        phone="0756",
        email="x@y",
        website="example.org",
        opening_hours="\u202e9:00-17:00",
    )
    errors = {e.field: e for e in validate_organization(bad, ref)}
    assert set(errors) == {
        "address",
        "contact_person",
        "phone",
        "email",
        "website",
        "opening_hours",
    }
    assert "至少4个字" in errors["address"].zh and "不能超过50个字" in errors["contact_person"].zh
    assert errors["phone"].field == "phone" and "0756-2212345" in errors["phone"].en
    assert validate_organization(org_rec(phone=13812345678), ref)[0].en == "must be a string"
    assert validate_organization(org_rec(**dict.fromkeys(("phone", "email"))), ref) == []


def test_profile_command_versions_contact_changes(session, make_org, actors):
    org = make_org(1)
    admin = actors["admin"]
    assert update_profile(session, admin, org, {"phone": "（0756）2212345"}) == ["phone"]
    assert org.phone == "(0756)2212345" and org.profile_version == 2  # NFKC, as checked
    assert update_profile(session, admin, org, {"phone": "(0756)2212345"}) == []
    assert org.profile_version == 2
    with pytest.raises(ValidationFailed) as exc:
        update_profile(session, admin, org, {"email": "nobody", "address": "珠海市香洲区某路1号"})
    assert [e.field for e in exc.value.errors] == ["email"]
    assert org.address is None and org.profile_version == 2  # nothing half-written
    assert update_profile(session, admin, org, {"phone": None}) == ["phone"]
    assert org.phone is None and org.profile_version == 3


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("office", True),
        ("office_other", True),
        ("reviewer", True),
        ("admin", True),
        ("organization", True),  # org-a, its own
        ("planner", False),
    ],
)
def test_who_sees_the_contact_person(actors, role, sees):
    assert permissions.allowed(permissions.see_contact_person, actors[role], "org-a") == sees
    assert not permissions.allowed(permissions.see_contact_person, None, "org-a")
    if role == "organization":
        assert not permissions.allowed(permissions.see_contact_person, actors[role], "org-b")
