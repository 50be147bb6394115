"""The demo catalog written for the project: valid, spread over the three districts, with
grassroots organizations, several scripts, every early lifecycle state, prohibited needs, gaps,
credit history, and demo accounts for every role."""

import json
from collections import Counter

import pytest
from sqlalchemy import select

from catalog.actors import region_contains
from catalog.demo import DEMO_ACCOUNTS, DEMO_DIR, DEMO_PASSWORD, load_demo
from catalog.models import Account, Need, Organization


def rows(name):
    return [json.loads(x) for x in (DEMO_DIR / name).read_text("utf-8").splitlines() if x.strip()]


@pytest.fixture
def loaded(session):
    return load_demo(session, hash_password=lambda p: f"hashed:{p}")


def test_demo_loads_and_accounts_exist(session, loaded):
    assert loaded.catalog.organizations.created == 26 and loaded.catalog.needs.created == 42
    accounts = {a.username: a for a in session.scalars(select(Account))}
    assert set(accounts) == {a.username for a in DEMO_ACCOUNTS}
    assert accounts["gongbei"].scope == "440402005" and accounts["gongbei"].role == "office"
    assert accounts["reviewer-xiangzhou"].scope == "440402"
    assert accounts["reviewer-city"].scope == "440400"
    assert accounts["planner"].role == "planner" and accounts["admin"].scope is None
    for a in accounts.values():
        assert a.password_hash == f"hashed:{DEMO_PASSWORD}"
        if a.role == "organization":
            assert session.get(Organization, a.scope) is not None


def test_second_load_keeps_accounts_and_changes_nothing(session, loaded):
    again = load_demo(session, hash_password=lambda p: "other")
    assert again.accounts_created == [] and len(again.accounts_kept) == len(DEMO_ACCOUNTS)
    assert again.catalog.needs.unchanged == 42
    assert (
        session.scalar(select(Account).where(Account.username == "admin")).password_hash
        == f"hashed:{DEMO_PASSWORD}"
    )


def test_demo_mix(session, loaded):
    orgs, needs = rows("organizations.jsonl"), rows("needs.jsonl")
    assert {n["street"][:6] for n in needs} == {"440402", "440403", "440404"}
    assert {a[:6] for o in orgs for a in o["service_areas"]} >= {"440402", "440403", "440404"}
    grassroots = [o for o in orgs if o["org_type"] == "社区社会组织"]
    assert len(grassroots) >= 4 and all(o["rating"] is None for o in grassroots)
    assert {o["lang"] for o in orgs} == {"zh-Hans", "zh-Hant", "en"}
    assert {n["lang"] for n in needs} == {"zh-Hans", "zh-Hant", "en"}
    statuses = Counter(n["status"] for n in needs)
    assert {"draft", "submitted", "returned", "approved", "listed", "closed"} <= set(statuses)
    assert all(n.get("return_reason") for n in needs if n["status"] == "returned")
    assert any("credit_events" in o for o in orgs) and any("performance" in o for o in orgs)
    flagged = set(session.scalars(select(Need.id).where(Need.prohibited)))
    assert 1 <= len(flagged) <= 3
    assert all(
        session.get(Need, i).status == "submitted" for i in flagged
    )  # waiting for a reviewer


# Needs written as gaps: the service nobody offers in that area.
GAPS = {
    "demo-need-15": "婴幼儿照护",
    "demo-need-16": "社区环境",
    "demo-need-27": "卫生健康",
    "demo-need-32": "心理咨询",
    "demo-need-38": "退役军人服务",
}


@pytest.mark.parametrize(("need_id", "category"), sorted(GAPS.items()))
def test_gaps_have_no_covering_organization(need_id, category):
    need = next(n for n in rows("needs.jsonl") if n["id"] == need_id)
    covering = [
        o["id"]
        for o in rows("organizations.jsonl")
        if category in o["categories"]
        and any(region_contains(a, need["street"]) for a in o["service_areas"])
    ]
    assert covering == []
    assert any(
        category in o["categories"] for o in rows("organizations.jsonl")
    )  # offered elsewhere


def test_most_listed_needs_can_be_served():
    # Sanity of the demo: a listed need usually has someone offering a fitting service nearby.
    orgs = rows("organizations.jsonl")
    listed = [n for n in rows("needs.jsonl") if n["status"] == "listed"]
    served = [
        n
        for n in listed
        if any(any(region_contains(a, n["street"]) for a in o["service_areas"]) for o in orgs)
    ]
    assert len(listed) >= 15 and len(served) == len(listed)


def test_demo_organizations_have_contact_data(session, loaded):
    """Invented contact data, valid by the platform's rules (the load above validated it),
    phones of both kinds, and opening hours that mostly read as HSDS weekly schedules."""
    from catalog.contact import parse_phone
    from catalog.exchange.hsds_hours import read_opening_hours

    orgs = list(session.scalars(select(Organization)))
    assert all(o.phone and o.address and o.contact_person and o.opening_hours for o in orgs)
    kinds = {parse_phone(o.phone).mobile for o in orgs}
    assert kinds == {True, False}
    assert sum(1 for o in orgs if o.email) >= 18 and sum(1 for o in orgs if o.website) >= 14
    readable = [o for o in orgs if read_opening_hours(o.opening_hours)]
    assert len(orgs) - 2 <= len(readable) < len(orgs)
