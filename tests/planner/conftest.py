"""A small catalog with hand-set gap flags, and planner accounts, for the planner tests.

The expected figures in test_analytics.py are computed by hand from the table in
`build_small_catalog`; change one and you must change the other."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from catalog.credit_code import make_credit_code
from catalog.models import Account, Need, Organization, OrgArea, Suggestion
from catalog.models.taxonomy import Category
from tests.labeled import labeled_set

GONGBEI = "440402005"  # 拱北街道, 香洲区
JIDA = "440402004"  # 吉大街道, 香洲区
BAITENG = "440403001"  # 白藤街道, 斗门区
SANZAO = "440404100"  # 三灶镇, 金湾区
JUNE = dt.datetime(2024, 6, 15, 2, 0, tzinfo=dt.UTC)
MARCH = dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.UTC)

# id, street, category, status, gap, reason, budget, beneficiaries, submitted
NEEDS = [
    ("n1", GONGBEI, "居家养老", "approved", False, None, 100_000, 50, JUNE),
    ("n2", GONGBEI, "居家养老", "approved", True, "no_capacity", 80_000, 40, JUNE),
    ("n3", GONGBEI, "心理咨询", "approved", True, "no_service", 50_000, 20, MARCH),
    ("n4", JIDA, "居家养老", "listed", False, None, 60_000, 30, JUNE),
    ("n5", BAITENG, "社区矫正", "approved", True, "no_coverage", 70_000, 25, JUNE),
    ("n6", BAITENG, "社区矫正", "approved", None, None, 30_000, 10, JUNE),
    ("n7", SANZAO, None, "approved", True, "no_service", 20_000, 15, JUNE),
    ("n8", SANZAO, "居家养老", "draft", None, None, 999_999, 999, None),
    ("n9", GONGBEI, "居家养老", "closed", False, None, 10_000, 5, JUNE),
]
# id, categories, areas, capacity, staff, founded, rating
ORGS = [
    ("o1", ["居家养老"], ["440402"], 3, 5, 2023, None),
    ("o2", ["居家养老", "社区矫正"], [GONGBEI], 2, 40, 2005, "AAAAA"),
    ("o3", ["社区环境"], ["440400"], 1, 12, 2018, "AAA"),
]
# need, org, status
SUGGESTIONS = [
    ("n1", "o1", "confirmed"),
    ("n1", "o2", "rejected"),
    ("n4", "o1", "suggested"),
    ("n4", "o2", "confirmed"),
    ("n9", "o2", "confirmed"),
]


def add_org(
    session: Session,
    org_id: str,
    categories: list[str],
    areas: list[str],
    capacity: int = 3,
    staff: int | None = 10,
    founded: int | None = 2015,
    rating: str | None = None,
    n: int = 1,
) -> Organization:
    org = Organization(
        id=org_id,
        name=f"珠海市测试社会工作服务中心{org_id}",
        credit_code=make_credit_code("52440402", f"MJ{n:06d}"),
        org_type="社会服务机构",
        description="测试机构",
        capacity=capacity,
        staff=staff,
        founded=founded,
        rating=rating,
    )
    org.categories = [session.get(Category, c) for c in categories]
    org.areas = [OrgArea(region_code=a, position=i) for i, a in enumerate(areas)]
    session.add(org)
    return org


def add_need(
    session: Session,
    need_id: str,
    street: str,
    category: str | None = None,
    status: str = "approved",
    gap: bool | None = None,
    reason: str | None = None,
    budget: int = 50_000,
    beneficiaries: int = 20,
    submitted: dt.datetime | None = JUNE,
    title: str | None = None,
    description: str = "测试需求",
) -> Need:
    need = Need(
        id=need_id,
        title=title or f"需求{need_id}",
        description=description,
        street_code=street,
        posted_by="测试街道办事处",
        beneficiaries="居民",
        beneficiary_count=beneficiaries,
        budget_yuan=budget,
        months=12,
        funding="财政资金",
        status=status,
        category_name=category,
        category_source="office" if category else None,
        gap=gap,
        gap_reason=reason,
        match_status="done" if gap is not None else None,
        submitted_at=submitted,
    )
    session.add(need)
    return need


def build_small_catalog(session: Session) -> None:
    for i, (oid, cats, areas, cap, staff, founded, rating) in enumerate(ORGS, start=1):
        add_org(session, oid, cats, areas, cap, staff, founded, rating, n=i)
    session.flush()
    for nid, street, cat, status, gap, reason, budget, ben, submitted in NEEDS:
        add_need(session, nid, street, cat, status, gap, reason, budget, ben, submitted)
    session.flush()
    for rank, (nid, oid, status) in enumerate(SUGGESTIONS, start=1):
        session.add(Suggestion(need_id=nid, org_id=oid, score=0.5, rank=rank, status=status))
    session.flush()


@pytest.fixture
def small_catalog(session) -> Session:
    build_small_catalog(session)
    return session


@lru_cache(maxsize=1)
def _password_hash() -> str:
    """scrypt is slow on purpose; hash the shared test password once per session."""
    from web.access.auth import hash_password

    return hash_password("planner-pass-1")


def add_account(session: Session, username: str, role: str, scope: str | None) -> Account:
    account = Account(username=username, role=role, scope=scope, password_hash=_password_hash())
    session.add(account)
    session.flush()
    return account


@pytest.fixture
def planner_app(app):
    """The app with the small catalog and accounts of several roles (password planner-pass-1)."""
    with app.extensions["db"].session() as session:
        build_small_catalog(session)
        add_account(session, "planner", "planner", "440400")
        add_account(session, "planner-dm", "planner", "440403")
        add_account(session, "reviewer", "reviewer", "440400")
        add_account(session, "admin", "admin", None)
    return app


def login(client, username: str) -> None:
    r = client.post("/login", data={"username": username, "password": "planner-pass-1"})
    assert r.status_code in (302, 303), r.data[:300]


def find_shared_dev() -> Path:
    """The labeled dev set in the repository (tests.labeled)."""
    return labeled_set("dev")
