"""Notifications: each kind reaches the accounts it is meant for and nobody else, inside the
transaction of the event, and is handed to delivery only after the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog import notify_delivery
from catalog.actors import Actor
from catalog.decisions import decide, express_interest
from catalog.lifecycle import transition
from catalog.models import Account, Notification
from catalog.notifications import Kind, notify_suggestions
from tests.catalog.conftest import GONGBEI, JIDA

ACCOUNTS = [
    ("gongbei", "office", GONGBEI),
    ("gongbei2", "office", GONGBEI),
    ("jida", "office", JIDA),
    ("rev-xz", "reviewer", "440402"),
    ("rev-city", "reviewer", "440400"),
    ("rev-dm", "reviewer", "440403"),
    ("org-user", "organization", "org-001"),
    ("org-far", "organization", "org-002"),
    ("org-other", "organization", "org-003"),
    ("planner", "planner", "440400"),
]


@pytest.fixture
def accounts(session):
    for username, role, scope in ACCOUNTS:
        session.add(Account(username=username, password_hash="x", role=role, scope=scope))
    session.flush()


def inbox(session, kind: str) -> set[str]:
    rows = session.execute(
        select(Account.username)
        .join(Notification, Notification.account_id == Account.id)
        .where(Notification.kind == kind)
    )
    return {r[0] for r in rows}


OFFICE = Actor("gongbei", "office", GONGBEI)
REVIEWER = Actor("rev-xz", "reviewer", "440402")


def test_submission_tells_the_reviewers_of_the_area_only(session, accounts, make_need):
    need = make_need(status="draft")
    transition(session, need, "submit", OFFICE)
    assert inbox(session, Kind.NEED_SUBMITTED) == {"rev-xz", "rev-city"}


def test_return_tells_the_office_with_the_reason(session, accounts, make_need):
    need = make_need(status="submitted")
    transition(session, need, "return", REVIEWER, reason="预算依据不足")
    assert inbox(session, Kind.NEED_RETURNED) == {"gongbei", "gongbei2"}
    note = session.scalars(select(Notification).where(Notification.kind == "need_returned")).first()
    assert "预算依据不足" in note.text_zh and "预算依据不足" in note.text_en
    assert note.need_id == need.id and note.read_at is None


def test_approval_tells_the_office_not_the_reviewer(session, accounts, make_need):
    need = make_need(status="submitted")
    transition(session, need, "approve", REVIEWER)
    assert inbox(session, Kind.NEED_APPROVED) == {"gongbei", "gongbei2"}


def test_the_actor_is_not_told_of_their_own_act(session, accounts, make_need):
    need = make_need(status="approved")
    transition(session, need, "list", OFFICE)
    need2 = make_need(2, status="submitted")
    transition(session, need2, "approve", Actor("gongbei", "admin"))
    assert inbox(session, Kind.NEED_APPROVED) == {"gongbei2"}


def test_listing_tells_organizations_whose_profile_fits(session, accounts, make_need, make_org):
    make_org(1)  # offers 居家养老, covers Gongbei
    make_org(2, service_areas=["440403"])  # right service, wrong district
    make_org(3, categories=["社区教育"])  # right area, another service
    need = make_need(status="approved")
    need.category_name = "居家养老"
    transition(session, need, "list", REVIEWER)
    assert inbox(session, Kind.NEED_LISTED) == {"org-user"}


def test_interest_tells_the_office(session, accounts, make_need, make_org):
    make_org(1)
    need = make_need(status="listed")
    express_interest(session, need.id, Actor("org-user", "organization", "org-001"))
    assert inbox(session, Kind.INTEREST_EXPRESSED) == {"gongbei", "gongbei2"}
    note = session.scalars(select(Notification)).first()
    assert "珠海市测试社会工作服务中心1" in note.text_zh


def test_confirmation_tells_that_organization_only(
    session, accounts, make_need, make_org, make_suggestion
):
    need = make_need(status="listed")
    s1 = make_suggestion(need, make_org(1))
    s2 = make_suggestion(need, make_org(2), rank=2)
    decide(session, s1.id, "confirm", OFFICE)
    decide(session, s2.id, "reject", OFFICE, reason="不覆盖")
    assert inbox(session, Kind.SUGGESTION_CONFIRMED) == {"org-user"}


def test_suggestions_ready_counts_open_suggestions(
    session, accounts, make_need, make_org, make_suggestion
):
    need = make_need(status="approved")
    make_suggestion(need, make_org(1))
    make_suggestion(need, make_org(2), rank=2)
    notify_suggestions(session, need)
    assert inbox(session, Kind.SUGGESTIONS_READY) == {"gongbei", "gongbei2"}
    note = session.scalars(select(Notification)).first()
    assert "2 个推荐组织" in note.text_zh and note.text_en.startswith("2 organizations")


def test_no_suggestions_no_notification(session, accounts, make_need):
    notify_suggestions(session, make_need(status="approved"))
    assert inbox(session, Kind.SUGGESTIONS_READY) == set()


class Recorder:
    def __init__(self) -> None:
        self.sent: list[notify_delivery.Outgoing] = []

    def deliver(self, messages):
        self.sent.extend(messages)


@pytest.fixture
def recorder():
    r = Recorder()
    notify_delivery.use(r)
    yield r
    notify_delivery.use(notify_delivery.LoggingDelivery())


def test_delivery_happens_after_commit_only(db, recorder, need_rec, tmp_path, jsonl):
    from catalog.exchange import import_directory

    jsonl(tmp_path / "needs.jsonl", [need_rec(1, status="draft")])
    with db.session() as s:
        import_directory(s, tmp_path)
        for username, role, scope in ACCOUNTS:
            s.add(Account(username=username, password_hash="x", role=role, scope=scope))
    with db.Session() as s:
        from catalog.models import Need

        transition(s, s.get(Need, "need-001"), "submit", OFFICE)
        assert recorder.sent == []  # not before the commit
        s.rollback()
    assert recorder.sent == []  # a rolled-back submission tells nobody
    with db.Session() as s:
        transition(s, s.get(Need, "need-001"), "submit", OFFICE)
        s.commit()
    assert {m.username for m in recorder.sent} == {"rev-xz", "rev-city"}
    assert all(m.kind == "need_submitted" for m in recorder.sent)


def test_a_failing_gateway_does_not_undo_the_event(db, need_rec, tmp_path, jsonl):
    class Broken:
        def deliver(self, messages):
            raise OSError("gateway down")

    from catalog.exchange import import_directory
    from catalog.models import Need

    jsonl(tmp_path / "needs.jsonl", [need_rec(1, status="draft")])
    with db.session() as s:
        import_directory(s, tmp_path)
        s.add(Account(username="rev-xz", password_hash="x", role="reviewer", scope="440402"))
    notify_delivery.use(Broken())
    try:
        with db.Session() as s:
            transition(s, s.get(Need, "need-001"), "submit", OFFICE)
            s.commit()
    finally:
        notify_delivery.use(notify_delivery.LoggingDelivery())
    with db.Session() as s:
        assert s.get(Need, "need-001").status == "submitted"
        assert s.scalars(select(Notification)).one().kind == "need_submitted"


def test_delivery_setting():
    assert isinstance(notify_delivery.from_setting(None), notify_delivery.LoggingDelivery)
    assert isinstance(notify_delivery.from_setting("none"), notify_delivery.NoDelivery)
    with pytest.raises(ValueError, match="NOTIFY_DELIVERY"):
        notify_delivery.from_setting("smtp")


def test_objection_tells_the_reviewers_of_the_area_and_the_office(
    session, accounts, make_need, make_org, make_suggestion
):
    from catalog.commands.objections import raise_objection

    need = make_need(status="listed")
    make_suggestion(need, make_org(), "confirmed")
    transition(session, need, "match", OFFICE)
    raise_objection(session, need, None, "13800138000", "承接组织去年服务质量差，请复核")
    assert inbox(session, Kind.OBJECTION_RECEIVED) == {"rev-xz", "rev-city", "gongbei", "gongbei2"}
    note = session.scalars(select(Notification).where(Notification.kind == "objection_received"))
    assert all("13800138000" not in n.text_zh + n.text_en for n in note)
