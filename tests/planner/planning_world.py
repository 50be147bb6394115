"""Needs that give the small planner catalog (conftest.build_small_catalog) one action of each
kind: o2 (社区矫正, 拱北, one project free) can extend to 白藤 for n5; nobody offers 心理咨询,
so n3 calls for incubation in 香洲; and two open 居家养老 needs of 吉大 and 翠香 with the same
kind of text make a joint purchase."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .conftest import JIDA, add_need

CUIXIANG = "440402001"
ELDER = "辖区独居老人吃饭难，子女在外地工作，希望有机构提供上门送餐和定期探访，及时发现老人在家跌倒等情况。"
EXPECTED = {
    "extend_coverage": {"organization_id": "o2", "add_streets": ["440403001"], "closes": ["n5"]},
    "incubate": {"category": "心理咨询", "district": "440402", "closes": ["n3"]},
    "bundle": {"needs": ["pw-b1", "pw-b2"], "streets": [CUIXIANG, JIDA], "budget_yuan": 150_000},
}


def add_planning_needs(session: Session) -> None:
    add_need(
        session,
        "pw-b1",
        JIDA,
        "居家养老",
        "approved",
        False,
        budget=90_000,
        title="独居老人吃饭难",
        description=ELDER,
    )
    add_need(
        session,
        "pw-b2",
        CUIXIANG,
        "居家养老",
        "listed",
        False,
        budget=60_000,
        title="空巢老人没人送饭",
        description=ELDER.replace("定期", "每周"),
    )
    session.flush()


def add_contract_gaps(app) -> None:  # type: ignore[no-untyped-def]
    """For the API contract world (tests/web/api_world.py): a 社区矫正 gap in 白藤 that o2
    (社区矫正, 拱北) can close by extending, and a 安置帮教 gap in 三灶 nobody can serve, so
    `GET /planner/actions` answers with every kind (its open 居家养老 needs make the bundle)."""
    from tests.web.web_world import add_need as add_world_need

    with app.extensions["db"].session() as session:
        for need_id, street, category, reason in (
            ("cw-extend", "440403001", "社区矫正", "no_coverage"),
            ("cw-incubate", "440404100", "安置帮教", "no_service"),
        ):
            add_world_need(
                session,
                need_id,
                street,
                "approved",
                category_name=category,
                gap=True,
                gap_reason=reason,
                match_status="done",
            )
