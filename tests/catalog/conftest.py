"""Fixtures for catalog tests: small catalogs built in code (one organization and a few needs
in known states), actors of every role, and the labeled dev set when shared/ is present."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.credit_code import make_credit_code
from catalog.db import Database
from catalog.exchange.record_writes import apply_org
from catalog.models import Need, NeedStatus, Organization, Suggestion, SuggestionStatus
from catalog.models.needs import PUBLIC_STATUSES
from catalog.reference import Reference
from catalog.reference_data import load_defaults
from tests.labeled import labeled_set

GONGBEI = "440402005"  # 拱北街道, Xiangzhou
JIDA = "440402004"  # 吉大街道, Xiangzhou
BAITENG = "440403001"  # 白藤街道, Doumen


def find_shared_dev() -> Path:
    """The labeled dev set in the repository (tests.labeled)."""
    return labeled_set("dev")


@pytest.fixture
def dev_data() -> Path:
    return find_shared_dev()


@pytest.fixture
def ref(session) -> Reference:
    return Reference.load(session)


ACTORS = {
    "admin": Actor("admin", "admin"),
    "office": Actor("gongbei", "office", GONGBEI),
    "office_other": Actor("jida", "office", JIDA),
    "reviewer": Actor("rev-xz", "reviewer", "440402"),
    "reviewer_city": Actor("rev-city", "reviewer", "440400"),
    "reviewer_other": Actor("rev-dm", "reviewer", "440403"),
    "planner": Actor("planner", "planner", "440400"),
    "organization": Actor("org-a", "organization", "org-a"),
}


@pytest.fixture
def actors() -> dict[str, Actor]:
    return ACTORS


def org_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid organization record in the exchange format."""
    data = {
        "id": f"org-{n:03d}",
        "name": f"珠海市测试社会工作服务中心{n}",
        "credit_code": make_credit_code("52440402", f"MJ{n:06d}"),
        "org_type": "社会服务机构",
        "categories": ["居家养老", "困难群众帮扶"],
        "description": "为辖区长者提供助餐、探访和个案服务，也为困难家庭做入户帮扶。",
        "service_areas": [GONGBEI, "440402"],
        "capacity": 3,
        "staff": 12,
        "social_workers": 5,
        "founded": 2016,
        "rating": "AAAA",
        "lang": "zh-Hans",
    }
    data.update(overrides)
    return data


def need_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid need record in the exchange format."""
    data = {
        "id": f"need-{n:03d}",
        "title": "独居老人吃饭难",
        "description": "辖区独居老人多，腿脚不便，下楼买菜做饭越来越难，想找机构送餐上门。",
        "street": GONGBEI,
        "posted_by": "拱北街道办事处",
        "beneficiaries": "辖区独居老人",
        "beneficiary_count": 120,
        "budget_yuan": 150000,
        "months": 12,
        "funding": "财政资金",
        "lang": "zh-Hans",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_org(session) -> Callable[..., Organization]:
    def make(n: int = 1, **overrides: Any) -> Organization:
        data = org_data(n, **overrides)
        org = Organization(id=data["id"], profile_version=1)
        session.add(org)
        apply_org(session, org, data)
        session.flush()
        return org

    return make


_STAMP = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


@pytest.fixture
def make_need(session) -> Callable[..., Need]:
    def make(n: int = 1, status: str = NeedStatus.DRAFT, **overrides: Any) -> Need:
        data = need_data(n, **overrides)
        need = Need(
            id=data["id"],
            title=data["title"],
            description=data["description"],
            street_code=data["street"],
            posted_by=data["posted_by"],
            beneficiaries=data["beneficiaries"],
            beneficiary_count=data["beneficiary_count"],
            budget_yuan=data["budget_yuan"],
            months=data["months"],
            funding=data["funding"],
            status=status,
            # The stamps the lifecycle would have left: submitted unless a draft, listed from
            # `listed` on (publication follows `listed_at`, catalog.visibility).
            submitted_at=None if status == NeedStatus.DRAFT else _STAMP,
            listed_at=_STAMP if status in PUBLIC_STATUSES else None,
        )
        session.add(need)
        session.flush()
        return need

    return make


@pytest.fixture
def make_suggestion(session) -> Callable[..., Suggestion]:
    def make(
        need: Need, org: Organization, status: str = SuggestionStatus.SUGGESTED, rank: int = 1
    ) -> Suggestion:
        s = Suggestion(need_id=need.id, org_id=org.id, score=0.9, rank=rank, status=status)
        session.add(s)
        session.flush()
        return s

    return make


@pytest.fixture
def org_rec() -> Callable[..., dict[str, Any]]:
    """Factory of valid organization records (exchange format), with overrides."""
    return org_data


@pytest.fixture
def need_rec() -> Callable[..., dict[str, Any]]:
    """Factory of valid need records (exchange format), with overrides."""
    return need_data


@contextmanager
def fresh_database(tmp_dir: Path, name: str) -> Iterator[Database]:
    """An empty catalog (default gazetteer and taxonomy) on the backend the suite runs against:
    a SQLite file, or a throwaway PostgreSQL database when TEST_DATABASE_URL points at one."""
    base = os.environ.get("TEST_DATABASE_URL")
    admin, pg_name = None, None
    if not base or base.startswith("sqlite"):
        url = f"sqlite:///{tmp_dir / f'{name}.sqlite3'}"
    else:
        pg_name = f"t_{uuid.uuid4().hex[:16]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_name}"'))
        url = base.rsplit("/", 1)[0] + "/" + pg_name
    database = Database(url)
    try:
        database.create_all()
        with database.session() as s:
            load_defaults(s)
        yield database
    finally:
        database.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            admin.dispose()


@pytest.fixture(scope="session")
def shared_db(tmp_path_factory) -> Iterator[Database]:
    with fresh_database(tmp_path_factory.mktemp("catalog"), "shared") as database:
        yield database


@pytest.fixture
def session(shared_db) -> Iterator[Session]:
    """Overrides the suite's `session` for catalog tests: one database per test run, each test
    inside a transaction that is rolled back (commits become savepoints). Creating a PostgreSQL
    database per test would make the table-driven tests take minutes. Tests that need a real
    commit or a second connection use `db` instead."""
    conn = shared_db.engine.connect()
    outer = conn.begin()
    s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        conn.close()


@pytest.fixture
def other_db(tmp_path) -> Iterator[Database]:
    """A second, empty catalog on the same backend (export → import into a fresh database)."""
    with fresh_database(tmp_path, "other") as database:
        yield database


def snapshot(session) -> dict:
    """Everything an import could touch, as plain data, to prove a refused import changed
    nothing."""
    from sqlalchemy import func, select

    from catalog.exchange.exporter import need_records, organization_records
    from catalog.models import AuditEvent

    session.expire_all()
    return {
        "orgs": organization_records(session),
        "needs": need_records(session),
        "audit": session.scalar(select(func.count()).select_from(AuditEvent)),
    }


@pytest.fixture
def take_snapshot():
    return snapshot


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture
def jsonl():
    return write_jsonl
