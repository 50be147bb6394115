"""A small catalog for the browser-page tests: 香洲区 with two streets, three organizations
(two covering 拱北, one elsewhere), and one account per role plus an office of another street
and a second organization. Not a conftest, so it does not collide with other helpers' fixtures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.commands.accounts import create_account
from catalog.credit_code import make_credit_code
from catalog.models import Account, Category, Need, Organization, OrgArea, Suggestion
from catalog.opportunities import rebuild as rebuild_opportunities
from web.access.auth import hash_password

GONGBEI = "440402005"  # 拱北街道
JIDA = "440402004"  # 吉大街道
XIANGZHOU = "440402"
CITY = "440400"
PASSWORD = "correct-horse-42"
_HASH = hash_password(PASSWORD)

ACCOUNTS = {
    "office": ("office_gb", "office", GONGBEI),
    "office_out": ("office_jd", "office", JIDA),
    "reviewer": ("reviewer_xz", "reviewer", XIANGZHOU),
    "organization": ("org_elder", "organization", "org-elder"),
    "organization_2": ("org_youth", "organization", "org-youth"),
    "planner": ("planner_city", "planner", CITY),
    "admin": ("admin", "admin", None),
}

ORGS = (
    (
        "org-elder",
        "珠海市拱北乐龄长者服务中心",
        ["居家养老"],
        [GONGBEI],
        "为独居、空巢和高龄长者提供上门探访、助餐配送、居家安全检查和照护者支持。",
    ),
    (
        "org-meal",
        "珠海市香洲区邻里助餐社工站",
        ["居家养老", "困难群众帮扶"],
        [XIANGZHOU],
        "在香洲区各社区开展长者助餐、送餐上门和困难家庭探访，链接慈善资源。",
    ),
    (
        "org-youth",
        "珠海市青少年成长服务社",
        ["社区教育"],
        [CITY],
        "为青少年提供课后辅导、心理支持和亲子活动，覆盖全市。",
    ),
)


@dataclass
class World:
    account_ids: dict[str, int] = field(default_factory=dict)
    needs: dict[str, str] = field(default_factory=dict)


def add_orgs(session: Session) -> None:
    known = {c.name for c in session.query(Category)}
    for n, (org_id, name, cats, areas, text) in enumerate(ORGS, start=1):
        org = Organization(
            id=org_id,
            name=name,
            credit_code=make_credit_code("52440402", f"MJ{n:06d}"),
            org_type="社会服务机构",
            description=text,
            capacity=3,
            staff=8,
        )
        org.categories = [session.get(Category, c) for c in cats if c in known]
        org.areas = [OrgArea(region_code=a, position=i) for i, a in enumerate(areas)]
        session.add(org)


def add_need(session: Session, need_id: str, street: str, status: str, **extra: object) -> None:
    stamp = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    values: dict[str, object] = dict(
        id=need_id,
        title=f"独居长者助餐服务{need_id}",
        description="辖区内独居老人吃饭难，希望有机构提供送餐和探访。",
        street_code=street,
        posted_by="拱北街道办事处" if street == GONGBEI else "吉大街道办事处",
        beneficiaries="独居长者",
        beneficiary_count=40,
        budget_yuan=80_000,
        months=12,
        funding="财政资金",
        status=status,
        category_name="居家养老",
        category_source="office",
        submitted_at=stamp if status != "draft" else None,
        listed_at=stamp if status in ("listed", "matched", "closed") else None,
    )
    values.update(extra)
    session.add(Need(**values))


def build_world(app: Flask, needs: bool = True) -> World:
    """Organizations and accounts; with `needs`, also needs in several states with suggestions."""
    world = World()
    with app.extensions["db"].session() as session:
        add_orgs(session)
        session.flush()
        system = Actor.system("test")
        for label, (username, role, scope) in ACCOUNTS.items():
            account = create_account(
                session,
                system,
                username=username,
                role=role,
                scope=scope,
                password_hash=_HASH,
                display_name=f"{label}测试",
            )
            world.account_ids[label] = account.id
        if needs:
            for label, street, status in (
                ("draft", GONGBEI, "draft"),
                ("submitted", GONGBEI, "submitted"),
                ("approved", GONGBEI, "approved"),
                ("listed", GONGBEI, "listed"),
                ("other_draft", JIDA, "draft"),
                ("other_submitted", JIDA, "submitted"),
            ):
                add_need(session, f"n-{label}", street, status, match_status="done")
                world.needs[label] = f"n-{label}"
            session.flush()
            for need, org, status, rank in (
                ("n-approved", "org-elder", "suggested", 1),
                ("n-approved", "org-meal", "suggested", 2),
                ("n-listed", "org-elder", "confirmed", 1),
                ("n-listed", "org-meal", "rejected", 2),
            ):
                session.add(
                    Suggestion(
                        need_id=need,
                        org_id=org,
                        score=0.9 / rank,
                        rank=rank,
                        status=status,
                        decided_by="office_gb" if status != "suggested" else None,
                        reasons=[
                            {
                                "kind": "category",
                                "zh": "提供居家养老服务",
                                "zh_hant": "提供居家養老服務",
                                "en": "offers home-based elderly care",
                            }
                        ],
                    )
                )
            # The suggestions stand in for matching's write step, so its other half too.
            rebuild_opportunities(session)
    return world


def login(client: FlaskClient, label: str) -> None:
    username = ACCOUNTS[label][0]
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.data[:300]


def account(app: Flask, label: str) -> Account:
    from sqlalchemy import select

    with app.extensions["db"].session() as session:
        return session.scalar(select(Account).where(Account.username == ACCOUNTS[label][0]))


def add_outcomes(app: Flask) -> None:
    """On top of `build_world`: a matched need awaiting its acceptance result (n-matched), a
    closed one with the result recorded (n-closed), and a credit entry of org-elder. Not part
    of `build_world`, so the other tests' notice boards and queues stay as they are."""
    from catalog.models import CreditEvent, PerformanceRecord

    with app.extensions["db"].session() as session:
        for need_id, status in (("n-matched", "matched"), ("n-closed", "closed")):
            add_need(session, need_id, GONGBEI, status, match_status="done")
            session.flush()
            session.add(
                Suggestion(
                    need_id=need_id,
                    org_id="org-elder",
                    score=0.9,
                    rank=1,
                    status="confirmed",
                    decided_by="office_gb",
                    reasons=[],
                )
            )
        session.add(
            PerformanceRecord(
                org_id="org-elder",
                need_id="n-closed",
                project="独居长者助餐服务n-closed",
                period_end=dt.date(2024, 12, 31),
                satisfaction=88.0,
                evaluation="良好",
                note="内部备注：个别长者反映送餐偏晚",
            )
        )
        session.add(
            CreditEvent(
                org_id="org-elder",
                date=dt.date(2024, 11, 1),
                kind="inspection_pass",
                source="珠海市民政局",
                note="年度检查合格",
            )
        )


TEAM_REASON = {
    "kind": "team",
    "zh": "「居家养老」：提供该服务的机构都不覆盖本街道",
    "zh_hant": "「居家養老」：提供該服務的機構都不覆蓋本街道",
    "en": "Home-based elderly care: no organization offering it serves this street",
}


def _team_member(org_id: str, role: str, zh: str, en: str) -> dict:
    return {
        "org_id": org_id,
        "role": role,
        "category": None,
        "reasons": [{"kind": "area", "zh": zh, "zh_hant": zh, "en": en}],
    }


def add_gap_with_teams(app: Flask) -> None:
    """On top of `build_world`: n-gap, a listed gap need of 拱北 (no_coverage) with two team
    proposals as the matcher stores them; org-meal leads both, org-youth is team 1's partner,
    team 2's partner has been deleted since matching."""
    with app.extensions["db"].session() as session:
        add_need(
            session,
            "n-gap",
            GONGBEI,
            "listed",
            match_status="done",
            gap=True,
            gap_reason="no_coverage",
            team_proposals=[
                {
                    "shape": "outside_lead",
                    "categories": ["居家养老"],
                    "members": [
                        _team_member("org-meal", "lead", "服务范围覆盖全区", "serves the district"),
                        _team_member("org-youth", "partner", "覆盖全市", "serves the city"),
                    ],
                    "reasons": [TEAM_REASON],
                },
                {
                    "shape": "outside_lead",
                    "categories": ["居家养老"],
                    "members": [
                        _team_member("org-meal", "lead", "服务范围覆盖全区", "serves the district"),
                        _team_member("org-deleted", "partner", "已删除", "deleted"),
                    ],
                    "reasons": [TEAM_REASON],
                },
            ],
        )


def add_draw(app: Flask) -> int:
    """An inspection draw by the Xiangzhou reviewer of every project of the world (call after
    `add_outcomes`, which makes projects); returns the draw's id."""
    from catalog.actors import Actor
    from catalog.inspections import draw_inspections

    with app.extensions["db"].session() as session:
        reviewer = Actor(ACCOUNTS["reviewer"][0], "reviewer", XIANGZHOU)
        return draw_inspections(session, reviewer, 1.0, seed=7).id


ELDER_CONTACT = {
    "address": "珠海市香洲区拱北街道迎宾南路1001号（邮编519020）",
    "contact_person": "陈敏",
    "phone": "0756-2212345转801",
    "email": "service@elder.example.org",
    "website": "https://elder.example.org/",
    "opening_hours": "周一至周五 9:00-17:30；周六 9:00-12:00",
}
MEAL_CONTACT = {
    "address": "珠海市香洲区吉大街道景山路88号",
    "contact_person": "李晓华",
    "phone": "13812345678",
    "email": "meal@meal.example.org",
    "website": "http://meal.example.org",
    "opening_hours": "节假日除外，每天上午开放",
}


def add_contacts(app: Flask) -> None:
    """Contact data for org-elder (public in HSDS once confirmed) and org-meal (never public),
    written as a profile write does (through the one command's versioning rule)."""
    from catalog.commands.organizations import update_profile

    with app.extensions["db"].session() as session:
        system = Actor.system("test")
        for org_id, contact in (("org-elder", ELDER_CONTACT), ("org-meal", MEAL_CONTACT)):
            update_profile(session, system, session.get(Organization, org_id), contact)
        session.commit()


def throttled_app(database_url: str, index_dir: str) -> Flask:
    """An app with the real sign-in limiter on (memory storage) and the accounts of the world,
    for the tests of what the limiter counts."""
    from catalog import schema
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MATCHING_INDEX_DIR": index_dir,
        }
    )
    schema.upgrade(app.extensions["db"])
    build_world(app, needs=False)
    return app
