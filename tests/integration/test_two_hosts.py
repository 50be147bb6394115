"""Two hosts without a shared folder: two worker processes, each with its own index cache
folder and its own queue, PostgreSQL and Redis shared as a deployment shares them.

* a profile edit reaches the very next match in both workers (no rebuild, no message);
* a rebuild on one host is published in the database and copied by the other;
* a host killed in the middle of a rebuild publishes nothing: the other keeps serving, the
  task comes back to a restarted worker, and both converge on the new version.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog.models import Need, Organization, OrgArea, Suggestion
from tests.integration.conftest import wait_for
from tests.web.api_world import GONGBEI, add_org, build_world

pytestmark = pytest.mark.integration

DOUMEN = "440403"  # a district GONGBEI is not in


def _latest(app) -> int | None:
    from matching.vectors import published

    with app.extensions["db"].session() as s:
        return published.latest_id(s)


def _local(index_dir: Path) -> int | None:
    from matching.vectors import published

    return published.local_id(index_dir)


def _match(app, queue: str, need_id: str) -> dict[str, dict]:
    """Match the need on one host; the features of each suggested organization."""
    from web.tasks import match_need

    with app.extensions["db"].session() as s:
        before = s.get(Need, need_id).matched_at
    with app.app_context():
        match_need.apply_async((need_id,), queue=queue)

    def done() -> bool:
        with app.extensions["db"].session() as s:
            need = s.get(Need, need_id)
            return need.match_status == "done" and need.matched_at != before

    wait_for(done, 60, f"matching on {queue}")
    with app.extensions["db"].session() as s:
        rows = s.scalars(select(Suggestion).where(Suggestion.need_id == need_id))
        return {r.org_id: dict(r.features or {}) for r in rows}


def _reindex(app, queue: str) -> None:
    from web import tasks

    with app.app_context():
        tasks.reindex.apply_async(queue=queue)


def _move(app, org_id: str, area: str) -> None:
    """A profile edit as the catalog records one (new service area, version bumped)."""
    with app.extensions["db"].session() as s:
        org = s.get(Organization, org_id)
        org.areas = [OrgArea(region_code=area, position=0)]
        org.profile_version += 1


def _same_bytes(index_dir: Path, app) -> bool:
    from matching.vectors import published
    from matching.vectors.index import FILE_NAME

    with app.extensions["db"].session() as s:
        data = published.fetch(s, published.latest_id(s))
    local = (index_dir / FILE_NAME).read_bytes()
    return hashlib.sha256(local).digest() == hashlib.sha256(data).digest()


def test_two_hosts_converge_on_a_profile_edit_and_a_rebuild(live_app, workers, tmp_path):
    world = build_world(live_app)
    need_id = world.needs["approved"]
    dir_a, dir_b = tmp_path / "host-a", tmp_path / "host-b"
    workers.start(name="a", index_dir=dir_a, queue="host-a")
    workers.start(name="b", index_dir=dir_b, queue="host-b")

    _reindex(live_app, "host-a")
    first = wait_for(lambda: _local(dir_a), 60, "rebuild published by host a")
    assert _latest(live_app) == first and not (dir_b / "published.json").exists()
    assert _match(live_app, "host-b", need_id)["o2"]["area"] == 1.0
    assert _local(dir_b) == first and _same_bytes(dir_b, live_app)  # copied, not shared
    assert _match(live_app, "host-a", need_id)["o2"]["area"] == 1.0

    _move(live_app, "o2", DOUMEN)  # committed: the next match on either host must see it
    for queue in ("host-a", "host-b"):
        t0 = time.monotonic()
        assert _match(live_app, queue, need_id)["o2"]["area"] == 0.0, queue
        assert time.monotonic() - t0 < 10
    logs = [p.read_text() for p in tmp_path.glob("[ab]-*.log")]
    assert all("changed profile(s) applied" in log for log in logs)  # patched, not rebuilt

    _reindex(live_app, "host-b")
    second = wait_for(lambda: (_local(dir_b) or 0) > first and _local(dir_b), 60, "rebuild on b")
    _match(live_app, "host-a", need_id)
    assert _local(dir_a) == second == _latest(live_app)
    assert _same_bytes(dir_a, live_app) and _same_bytes(dir_b, live_app)


def test_a_host_killed_mid_rebuild_leaves_the_other_serving(live_app, workers, tmp_path):
    from matching.vectors.index import VectorIndex
    from matching.vectors.index_store import read_state

    world = build_world(live_app)
    need_id = world.needs["approved"]
    dir_a, dir_b = tmp_path / "host-a", tmp_path / "host-b"
    workers.start(name="b", index_dir=dir_b, queue="host-b")
    _reindex(live_app, "host-b")
    first = wait_for(lambda: _local(dir_b), 60, "first version")
    _match(live_app, "host-b", need_id)

    with live_app.extensions["db"].session() as s:
        add_org(s, "o3", 3, ["居家养老"], [GONGBEI])
    slow = workers.start(pause=30, name="a", index_dir=dir_a, queue="host-a")
    _reindex(live_app, "host-a")
    wait_for(
        lambda: read_state(dir_a, "reindex").get("state") == "running",
        30,
        "rebuild running on host a",
        alive=slow,
    )
    time.sleep(1.0)
    workers.kill(slow)

    assert _latest(live_app) == first  # nothing half-published
    assert "o3" in _match(live_app, "host-b", need_id)  # b serves, with the new profile
    assert _local(dir_b) == first

    workers.start(name="a", index_dir=dir_a, queue="host-a")  # the task comes back here
    wait_for(lambda: (_local(dir_a) or 0) > first, 60, "redelivered rebuild published")
    assert not list(dir_a.glob(".*.tmp"))
    _match(live_app, "host-b", need_id)
    assert _local(dir_b) == _local(dir_a) == _latest(live_app)
    idx = VectorIndex.load(dir_b)
    assert idx is not None and sorted(idx.rev) == ["o1", "o2", "o3"]
