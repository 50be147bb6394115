"""Issue 16, on the labeled dev catalog (data/dev), end to end through the public interfaces:
import, `flask matching run-all`, `GET /api/v1/planner/actions`, then carry out the top three
extend_coverage actions through `PATCH /api/v1/organizations/{id}` (adding `add_streets`) and
run matching again: none of the needs they claimed may still be a gap. Bundles span at least
two streets and two needs each."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalog.models import Account, Need
from web.api.tokens import issue_token

from .conftest import add_account, find_shared_dev

pytestmark = pytest.mark.slow


def _token(app, username: str) -> dict[str, str]:
    with app.app_context(), app.extensions["db"].session() as s:
        token = issue_token(s.scalar(select(Account).where(Account.username == username)))
    return {"Authorization": f"Bearer {token}"}


def _run_all(app) -> dict:
    result = app.test_cli_runner().invoke(args=["matching", "run-all"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


@pytest.fixture
def dev_app(app):
    from catalog.exchange.importer import import_directory

    with app.extensions["db"].session() as s:
        import_directory(s, find_shared_dev(), progress=False)
        add_account(s, "planner", "planner", "440400")
        add_account(s, "admin", "admin", None)
    _run_all(app)
    return app


def _gaps(app) -> set[str]:
    with app.extensions["db"].session() as s:
        return set(s.scalars(select(Need.id).where(Need.gap.is_(True))))


def test_top_three_extend_coverage_actions_close_what_they_claim(dev_app, capsys):
    client = dev_app.test_client()
    planner, admin = _token(dev_app, "planner"), _token(dev_app, "admin")
    before = _gaps(dev_app)
    r = client.get("/api/v1/planner/actions", headers=planner)
    assert r.status_code == 200, r.data[:300]
    items = r.get_json()["items"]
    extend = [a for a in items if a["kind"] == "extend_coverage"]
    assert len(extend) >= 3
    claimed_all = {i for a in items if a["kind"] != "bundle" for i in a["closes"]}
    assert claimed_all <= before

    top = extend[:3]
    for action in top:
        path = f"/api/v1/organizations/{action['organization_id']}"
        areas = client.get(path, headers=admin).get_json()["service_areas"]
        assert not set(action["add_streets"]) & set(areas)
        r = client.patch(path, json={"service_areas": areas + action["add_streets"]}, headers=admin)
        assert r.status_code == 200, r.data[:300]
    _run_all(dev_app)
    after = _gaps(dev_app)
    claimed = {i for a in top for i in a["closes"]}
    assert claimed and not claimed & after
    assert after == before - claimed  # adding streets closed exactly what was claimed

    bundles = [a for a in items if a["kind"] == "bundle"]
    assert bundles
    for b in bundles:
        assert len(b["needs"]) >= 2 and len(b["streets"]) >= 2
        assert len(set(b["needs"])) == len(b["needs"])
    with capsys.disabled():
        print(
            f"\ndev: {len(before)} gap needs; actions claim {len(claimed_all)} "
            f"({len(extend)} extend_coverage, "
            f"{sum(a['kind'] == 'incubate' for a in items)} incubate, {len(bundles)} bundles); "
            f"top three extend_coverage claim {len(claimed)}, after PATCH + run-all "
            f"{len(claimed - after)} closed, {len(after)} gaps left"
        )
