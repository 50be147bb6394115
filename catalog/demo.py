"""The demo catalog: 26 organizations and 42 needs across Zhuhai's three districts, written for
this project (catalog/data/demo), plus one account per role so a newcomer can click through
every part of the platform. Password hashing belongs to the web layer, so the caller passes it in
(the catalog never imports Flask)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.commands.accounts import create_account
from catalog.exchange import ImportReport, import_directory
from catalog.models import Account, Role
from catalog.schema import ensure_reference_data

DEMO_DIR = Path(str(resources.files("catalog.data").joinpath("demo")))
# Demo only: printed in the README, never to be used on a real deployment.
DEMO_PASSWORD = "zhuhai-demo-2024"


class DemoAccount(NamedTuple):
    """A row of the README's table of demo accounts."""

    username: str
    role: Role
    scope: str | None
    display_name: str


DEMO_ACCOUNTS = (
    DemoAccount("gongbei", Role.OFFICE, "440402005", "拱北街道办事处"),
    DemoAccount("baiteng", Role.OFFICE, "440403001", "白藤街道办事处"),
    DemoAccount("reviewer-xiangzhou", Role.REVIEWER, "440402", "香洲区民政局"),
    DemoAccount("reviewer-city", Role.REVIEWER, "440400", "珠海市民政局"),
    DemoAccount("org-lele", Role.ORGANIZATION, "demo-org-01", "拱北乐龄社会工作服务中心"),
    DemoAccount("org-chayuan", Role.ORGANIZATION, "demo-org-05", "茶园社区长者互助会"),
    DemoAccount("planner", Role.PLANNER, "440400", "珠海市民政局规划科"),
    DemoAccount("admin", Role.ADMIN, None, "平台管理员"),
)


@dataclass
class DemoReport:
    catalog: ImportReport
    accounts_created: list[str] = field(default_factory=list)
    accounts_kept: list[str] = field(default_factory=list)


def load_demo(
    session: Session,
    hash_password: Callable[[str], str],
    password: str = DEMO_PASSWORD,
    actor: Actor | None = None,
) -> DemoReport:
    """Import the demo catalog (upsert: running it again changes nothing) and create the demo
    accounts that do not exist yet; existing accounts keep their password."""
    actor = actor or Actor.system("demo")
    ensure_reference_data(session)
    report = DemoReport(catalog=import_directory(session, DEMO_DIR, actor))
    existing = set(
        session.scalars(
            select(Account.username).where(
                Account.username.in_([a.username for a in DEMO_ACCOUNTS])
            )
        )
    )
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            report.accounts_kept.append(account.username)
            continue
        create_account(
            session,
            actor,
            username=account.username,
            role=account.role,
            scope=account.scope,
            password_hash=hash_password(password),
            display_name=account.display_name,
        )
        report.accounts_created.append(account.username)
    return report
