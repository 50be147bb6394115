"""A small world for the API and access tests: two streets of 香洲区, two organizations, needs in
every interesting state, suggestions, and one account per role (plus an office of another
street), with Bearer tokens minted straight into the database so tests stay fast.

Imported by tests/web/test_api*.py and test_access.py (not a conftest, so it does not collide
with other helpers' fixtures)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.commands.accounts import create_account
from catalog.credit_code import make_credit_code
from catalog.models import (
    Account,
    ApiToken,
    Category,
    Organization,
    OrgArea,
    PerformanceRecord,
    Suggestion,
)
from catalog.opportunities import rebuild as rebuild_opportunities
from tests.web.web_world import add_need
from web.access.auth import hash_password
from web.api.tokens import hash_token

GONGBEI = "440402005"  # 拱北街道 (the office in scope)
JIDA = "440402004"  # 吉大街道 (another office)
XIANGZHOU = "440402"
CITY = "440400"
PASSWORD = "correct-horse-42"
_STAMP = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
_HASH = hash_password(PASSWORD)  # scrypt once per run, shared by every test account

# role label used in tests → (username, role, scope)
ACCOUNTS = {
    "office": ("office_gb", "office", GONGBEI),
    "office_out": ("office_jd", "office", JIDA),
    "reviewer": ("reviewer_xz", "reviewer", XIANGZHOU),
    "organization": ("org_o1", "organization", "o1"),
    "planner": ("planner_city", "planner", CITY),
    "admin": ("admin", "admin", None),
}
SPARE_ACCOUNT = "spare_office"  # for admin routes that change an account


@dataclass
class World:
    needs: dict[str, str] = field(default_factory=dict)  # label → need id
    suggestions: dict[str, int] = field(default_factory=dict)
    account_ids: dict[str, int] = field(default_factory=dict)


def add_org(session: Session, org_id: str, n: int, categories: list[str], areas: list[str]) -> None:
    org = Organization(
        id=org_id,
        name=f"珠海市测试社会工作服务中心{org_id}",
        credit_code=make_credit_code("52440402", f"MJ{n:06d}"),
        org_type="社会服务机构",
        description="为社区长者提供居家养老、助餐和探访服务。",
        capacity=3,
        staff=10,
    )
    org.categories = [session.get(Category, c) for c in categories]
    org.areas = [OrgArea(region_code=a, position=i) for i, a in enumerate(areas)]
    session.add(org)


def build_world(app: Flask) -> World:
    world = World()
    with app.extensions["db"].session() as session:
        add_org(session, "o1", 1, ["居家养老"], [XIANGZHOU])
        add_org(session, "o2", 2, ["居家养老", "社区矫正"], [GONGBEI])
        session.flush()
        for label, street, status in (
            ("draft", GONGBEI, "draft"),
            ("submitted", GONGBEI, "submitted"),
            ("approved", GONGBEI, "approved"),
            ("listed", GONGBEI, "listed"),
            ("other_draft", JIDA, "draft"),
            ("other_listed", JIDA, "listed"),
        ):
            need_id = f"n-{label}"
            add_need(session, need_id, street, status, match_status="done")
            world.needs[label] = need_id
        session.flush()
        for label, need, org, status, rank in (
            ("approved_o1", "approved", "o1", "suggested", 1),
            ("approved_o2", "approved", "o2", "suggested", 2),
            ("listed_o1", "listed", "o1", "confirmed", 1),
            ("listed_o2", "listed", "o2", "rejected", 2),
        ):
            s = Suggestion(
                need_id=world.needs[need],
                org_id=org,
                score=0.9 / rank,
                rank=rank,
                status=status,
                reasons=[{"kind": "category", "zh": "居家养老", "en": "home care"}],
            )
            session.add(s)
            session.flush()
            world.suggestions[label] = s.id
        system = Actor.system("test")
        for label, (username, role, scope) in ACCOUNTS.items():
            account = create_account(
                session,
                system,
                username=username,
                role=role,
                scope=scope,
                password_hash=_HASH,
                display_name=f"{label} 测试",
            )
            world.account_ids[label] = account.id
        spare = create_account(
            session,
            system,
            username=SPARE_ACCOUNT,
            role="office",
            scope=GONGBEI,
            password_hash=_HASH,
        )
        world.account_ids["spare"] = spare.id
        # The suggestions stand in for matching's write step, so its other half too.
        rebuild_opportunities(session)
    return world


def add_outcomes_and_gaps(app: Flask) -> None:
    """On top of `build_world`: a closed need with one published acceptance result and one
    not yet recorded (n-closed), a gap flagged by the matcher with Art. 11 flags (n-gap), a
    need whose matching failed with two suggestions still to decide (n-failed), and o2 with a
    rating — so the contract test sees every nullable field with a value somewhere."""
    with app.extensions["db"].session() as session:
        o2 = session.get(Organization, "o2")
        o2.rating, o2.founded, o2.social_workers = "AAA", 2015, 4
        common = dict(match_status="done", decided_at=_STAMP)
        add_need(session, "n-closed", GONGBEI, "closed", gap=False, closed_at=_STAMP, **common)
        add_need(
            session,
            "n-gap",
            GONGBEI,
            "approved",
            gap=True,
            gap_reason="no_coverage",
            category_source="model",
            category_confidence=0.42,
            prohibited=True,
            prohibited_rule="art11-profit",
            prohibited_detail="以营利为目的",
            **common,
        )
        add_need(
            session,
            "n-failed",
            GONGBEI,
            "approved",
            match_status="failed",
            match_error="RuntimeError: no model",
            return_reason="请补充预算说明",
            decided_at=_STAMP,
        )
        session.flush()
        for need, org, status in (
            ("n-closed", "o1", "confirmed"),
            ("n-closed", "o2", "confirmed"),
            ("n-failed", "o1", "suggested"),
            ("n-failed", "o2", "suggested"),
        ):
            decided = status != "suggested"
            session.add(
                Suggestion(
                    need_id=need,
                    org_id=org,
                    score=0.8,
                    rank=1 if org == "o1" else 2,
                    status=status,
                    model_version="test-model-1",
                    decided_by="office_gb" if decided else None,
                    decided_at=_STAMP if decided else None,
                    decision_reason="服务经验丰富" if decided else None,
                    reasons=[
                        {"kind": "area", "zh": "服务范围", "zh_hant": "服務範圍", "en": "area"}
                    ],
                )
            )
        session.add(
            PerformanceRecord(
                org_id="o1",
                need_id="n-closed",
                project="独居长者助餐服务n-closed",
                period_end=dt.date(2024, 12, 31),
                satisfaction=88.5,
                evaluation="良好",
                note="内部备注",
            )
        )


def mint_token(app: Flask, label: str) -> str:
    """A fresh Bearer token for a test account (no HTTP round trip, no scrypt)."""
    username = ACCOUNTS[label][0]
    token = f"test-{label}-{secrets.token_hex(8)}"
    with app.extensions["db"].session() as session:
        account = session.query(Account).filter_by(username=username).one()
        session.add(
            ApiToken(
                account_id=account.id,
                token_hash=hash_token(token, app),
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
            )
        )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    """The test client with a token per role: `api.get("office", "/api/v1/needs")`."""

    def __init__(self, app: Flask, client) -> None:  # type: ignore[no-untyped-def]
        self.app, self.client = app, client
        self.tokens: dict[str, str] = {}

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        if who not in self.tokens:
            self.tokens[who] = mint_token(self.app, who)
        return bearer(self.tokens[who])

    def get(self, who: str | None, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers=self.headers(who), **kw)

    def post(self, who: str | None, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.post(url, headers=self.headers(who), **kw)

    def patch(self, who: str | None, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.patch(url, headers=self.headers(who), **kw)

    def delete(self, who: str | None, url: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.delete(url, headers=self.headers(who), **kw)


def assert_json_error(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    """The API error shape: JSON, a code, both languages, a fields list."""
    assert response.status_code == status, (
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    error = response.get_json()["error"]
    assert set(error) >= {"code", "message", "message_zh", "fields"}
    if code is not None:
        assert error["code"] == code, error
    return error


@contextmanager
def statements_run(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block, in order (query-count tests
    pin behaviour, not time)."""
    from sqlalchemy import event

    statements: list[str] = []
    engine = app.extensions["db"].engine

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
