"""The contract scenario's part for the read-only record endpoints (web.api.records): an
inspection draw with one recorded result on top of the contract world, then every operation by
every role the document admits, and the refusals of the role rules. Kept apart from
test_api_contract.py so the scenario there stays readable."""

from __future__ import annotations

from typing import Any

from catalog.actors import Actor
from catalog.inspections import draw_inspections, record_inspection
from tests.web.api_world import ACCOUNTS


def add_inspection(app: Any) -> int:
    """The Xiangzhou reviewer draws every eligible project (n-closed × o1, o2) and records the
    first: a credit entry with a note for o1's archive. Returns the draw's id."""
    username, role, scope = ACCOUNTS["reviewer"]
    reviewer = Actor(username, role, scope)
    with app.extensions["db"].session() as session:
        draw = draw_inspections(session, reviewer, 1.0, seed=11)
        first = draw.items[0]
        record_inspection(session, reviewer, first.id, "pass", "香洲区民政局", "现场查看台账齐全")
        return draw.id


def read_records(c: Any, app: Any) -> None:
    draw_id = add_inspection(app)
    for label in ("reviewer", "admin", "organization"):
        c.call(label, "GET", "/organizations/{org_id}/credit", 200, org_id="o1")
        c.call(label, "GET", "/organizations/{org_id}/outcomes", 200, org_id="o1")
    for label in ("office", "reviewer", "admin"):
        c.call(label, "GET", "/needs/{need_id}/outcomes", 200, need_id="n-closed")
    for label in ("reviewer", "admin"):
        c.call(label, "GET", "/inspections", 200)
        c.call(label, "GET", "/inspections/{draw_id}", 200, draw_id=draw_id)
    # the role rules
    c.call("organization", "GET", "/organizations/{org_id}/credit", 403, org_id="o2")
    c.call("office", "GET", "/organizations/{org_id}/outcomes", 403, org_id="o1")
    c.call("office_out", "GET", "/needs/{need_id}/outcomes", 404, need_id="n-closed")
    c.call("planner", "GET", "/inspections", 403)
    c.call("reviewer", "GET", "/inspections/{draw_id}", 404, draw_id=draw_id + 1)
    c.call("admin", "GET", "/organizations/{org_id}/credit", 404, org_id="no-such-org")
