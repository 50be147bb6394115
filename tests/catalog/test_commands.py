"""Domain commands and their permissions, called directly: posting, editing and approving a
need; writing an organization's profile; creating and updating an account; one refusal for
"only the posting office"; the loaders' visibility; one region rule read both ways."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalog import permissions
from catalog.actors import enclosing_areas, region_contains
from catalog.commands import accounts, needs, organizations
from catalog.decisions import decide
from catalog.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from catalog.exchange.records import normalize_org
from catalog.models import Account, AuditEvent, Need, NeedStatus, Organization
from catalog.outcomes import record_outcome
from catalog.teams import invite_team
from catalog.visibility import load_need, load_org
from tests.catalog.conftest import GONGBEI, JIDA

NEW = {
    "title": "长者助餐服务",
    "description": "辖区独居老人多，腿脚不便，下楼买菜做饭越来越难，想找机构送餐上门。",
    "beneficiaries": "独居长者",
    "beneficiary_count": 30,
    "budget_yuan": 60000,
    "months": 12,
    "funding": "财政资金",
}
BANNED = {**NEW, "description": "北山村几条村道坑坑洼洼，想请人把路面修补一下，再换几盏路灯。"}


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_post_names_signs_screens_and_audits(session, actors):
    asked: list[str] = []

    def suggest(need: Need) -> tuple[str, float]:
        asked.append(need.id)
        return "居家养老", 0.8

    need = needs.post_need(
        session,
        actors["office"],
        {**NEW, "id": "mine", "posted_by": "张三"},
        suggest_category=suggest,
    )
    assert re.fullmatch(r"need-[0-9a-f]{12}", need.id)
    assert need.posted_by == "拱北街道办事处" and need.street_code == GONGBEI
    assert need.status == NeedStatus.DRAFT and not need.prohibited
    assert (need.category_name, need.category_source) == ("居家养老", "model") and asked
    assert [e.detail for e in events(session, "need.create")] == [{"street": GONGBEI}]
    flagged = needs.post_need(session, actors["office"], {**BANNED, "category": "社区教育"})
    assert flagged.prohibited and flagged.prohibited_rule == "municipal_maintenance"
    assert flagged.category_source == "office"  # a person's choice is never re-suggested


def test_post_refuses_other_streets_roles_and_bad_fields(session, actors):
    with pytest.raises(NotAllowed):
        needs.post_need(session, actors["office"], {**NEW, "street": JIDA})
    with pytest.raises(NotAllowed):
        needs.post_need(session, actors["reviewer"], {**NEW, "street": GONGBEI})
    with pytest.raises(ValidationFailed) as refused:
        needs.post_need(session, actors["admin"], {**NEW, "months": 99, "title": ""})
    assert {e.field for e in refused.value.errors} == {"street", "months", "title"}


def test_edit_is_the_posting_offices_while_editable(session, actors):
    need = needs.post_need(session, actors["office"], NEW)
    with pytest.raises(NotAllowed) as other:
        needs.edit_need(session, actors["office_other"], need, {"title": "别人的"})
    assert str(other.value) == str(permissions.not_posting_office())
    needs.edit_need(
        session, actors["office"], need, {"title": "新标题：长者助餐", "posted_by": "x"}
    )
    assert need.title == "新标题：长者助餐" and need.posted_by == "拱北街道办事处"
    update = events(session, "need.update")[-1].detail
    assert update == {"street": GONGBEI, "fields": ["title"]}
    need.status = NeedStatus.SUBMITTED
    with pytest.raises(IllegalTransition):
        needs.edit_need(session, actors["office"], need, {"title": "改已提交的"})
    assert not permissions.allowed(permissions.edit_need, actors["office"], need)


def test_approve_overrides_category_and_starts_matching_clean(session, actors, make_need):
    need = make_need(status=NeedStatus.SUBMITTED)
    need.match_status, need.match_error = "failed", "old error"
    with pytest.raises(ValidationFailed):
        needs.approve_need(session, actors["reviewer"], need, category="没有这个类别")
    with pytest.raises(NotAllowed):
        needs.approve_need(session, actors["office"], need)
    approved = needs.approve_need(session, actors["reviewer"], need, category="社区教育")
    assert approved.match_need_id == need.id and need.status == NeedStatus.APPROVED
    assert (need.match_status, need.match_error) == ("pending", None)
    assert (need.category_name, need.category_source) == ("社区教育", "reviewer")
    assert events(session, "need.categorize")[0].detail["category"] == "社区教育"


def test_profile_version_moves_only_with_the_profile(session, actors, org_rec):
    rec = normalize_org(org_rec(1))
    org = Organization(id=rec["id"])
    assert organizations.write_profile(session, org, rec) and org.profile_version == 1
    session.flush()
    owner = type(actors["organization"])("org-1-account", "organization", org.id)
    assert organizations.update_profile(session, owner, org, {"capacity": 3}) == []
    assert org.profile_version == 1 and not events(session, "organization.update")
    assert organizations.update_profile(session, owner, org, {"capacity": 5}) == ["capacity"]
    assert org.profile_version == 2
    assert events(session, "organization.update")[0].detail == {
        "fields": ["capacity"],
        "profile_version": 2,
    }
    with pytest.raises(NotAllowed):
        organizations.update_profile(session, actors["organization"], org, {"capacity": 1})
    with pytest.raises(ValidationFailed):
        organizations.update_profile(session, owner, org, {"service_areas": ["999999"]})


def test_registration_refuses_a_registered_credit_code(session, actors, org_rec, make_org):
    make_org(1)
    with pytest.raises(ValidationFailed) as refused:
        organizations.register_organization(session, actors["admin"], org_rec(1, id="org-new"))
    assert [e.field for e in refused.value.errors] == ["credit_code"]
    org = organizations.register_organization(session, actors["admin"], org_rec(2))
    assert org.profile_version == 1 and events(session, "organization.register")


def test_create_account_never_overwrites_and_update_is_explicit(session, actors):
    system = type(actors["admin"]).system("test")
    made = dict(role="office", scope=GONGBEI, password_hash="h1")
    account = accounts.create_account(session, system, username="clerk", **made)
    with pytest.raises(accounts.AccountError) as taken:
        accounts.create_account(
            session, system, username="clerk", role="admin", scope=None, password_hash="h2"
        )
    assert taken.value.field == "username"
    assert (account.role, account.password_hash) == ("office", "h1")
    with pytest.raises(NotAllowed):
        accounts.create_account(session, actors["office"], username="x", **made)
    accounts.update_account(
        session, system, account, role="office", scope=JIDA, display_name="吉大", password_hash="h3"
    )
    stored = session.scalar(select(Account).where(Account.username == "clerk"))
    assert (stored.scope, stored.password_hash) == (JIDA, "h3")
    assert events(session, "account.update")[0].detail["password_changed"] is True


def test_only_the_posting_office_one_predicate_one_error(
    session, actors, make_need, make_org, make_suggestion
):
    need = make_need(status=NeedStatus.MATCHED)
    suggestion = make_suggestion(need, make_org(1), status="confirmed")
    attempts = [
        lambda who: decide(session, suggestion.id, "reject", who, reason="不合适"),
        lambda who: invite_team(session, who, need.id, 0),
        lambda who: record_outcome(session, who, need.id, "org-001", 90, "优秀"),
    ]
    messages = set()
    for who in (actors["office_other"], actors["reviewer"]):
        assert not permissions.allowed(permissions.decide_suggestions, who, need)
        for attempt in attempts:
            with pytest.raises(NotAllowed) as refused:
                attempt(who)
            messages.add(str(refused.value))
    assert messages == {str(permissions.not_posting_office())}
    assert permissions.allowed(permissions.record_outcome, actors["office"], need)


def test_loaders_carry_the_visibility_rule(session, actors, make_need, make_org):
    draft, listed = make_need(1), make_need(2, status=NeedStatus.LISTED)
    assert load_need(session, draft.id, actors["office"]) is draft
    for viewer in (None, actors["office_other"], actors["reviewer"]):
        with pytest.raises(NotFound):
            load_need(session, draft.id, viewer)
    assert load_need(session, listed.id, actors["office_other"]) is listed
    with pytest.raises(NotFound):
        load_need(session, listed.id, actors["office_other"], in_scope=True)
    with pytest.raises(NotFound):
        load_need(session, "no-such-need", actors["admin"])
    assert load_org(session, make_org(1).id).id == "org-001"
    with pytest.raises(NotFound):
        load_org(session, None)


@pytest.mark.parametrize("street", [GONGBEI, JIDA, "440403001"])
def test_enclosing_areas_are_what_region_contains_reads(street):
    street_, district, city = enclosing_areas(street)
    assert street_ == street and district != city
    assert all(region_contains(area, street) for area in (street_, district, city))
    assert not region_contains(district, "440499001")


def test_approving_a_need_without_category_needs_one(session, actors, make_need):
    need = make_need(status=NeedStatus.SUBMITTED)
    need.category_name = None
    with pytest.raises(NotAllowed):
        needs.approve_need(session, actors["office"], need)
    with pytest.raises(ValidationFailed) as refused:
        needs.approve_need(session, actors["reviewer"], need)
    assert [e.field for e in refused.value.errors] == ["category"]
    assert need.status == NeedStatus.SUBMITTED
    needs.approve_need(session, actors["reviewer"], need, category="社区教育")
    assert need.status == NeedStatus.APPROVED and need.category_name == "社区教育"
