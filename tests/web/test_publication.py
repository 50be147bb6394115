"""Publication is decided once, in the domain: a need is public only once it was listed, and a
need withdrawn before listing (a draft, a returned or an approved need) is never public, on any
public channel. Each state is reached through the real lifecycle, and every channel is asked:
the notice page, the notice board, the public API (one need, the list and `?status=`), the CSV
and the OCDS package. A planner sees drafts only as counts, never their text."""

from __future__ import annotations

import json

import pytest

from catalog.actors import Actor
from catalog.lifecycle import transition
from catalog.models import Need, Suggestion
from catalog.visibility import can_see_need
from tests.web.api_world import Api
from tests.web.api_world import build_world as build_api_world
from tests.web.web_world import GONGBEI, add_need

# A resident's name and phone number, as offices sometimes write them into a draft.
PRIVATE = "联系人王秀英13800138000"

# label → lifecycle actions from a fresh draft; whether the need is public at the end
PATHS: dict[str, tuple[tuple[str, ...], bool]] = {
    "draft": ((), False),
    "submitted": (("submit",), False),
    "returned": (("submit", "return"), False),
    "approved": (("submit", "approve"), False),
    "listed": (("submit", "approve", "list"), True),
    "matched": (("submit", "approve", "list", "match"), True),
    "closed": (("submit", "approve", "list", "match", "close"), True),
    "withdrawn_draft": (("withdraw",), False),
    "withdrawn_returned": (("submit", "return", "withdraw"), False),
    "withdrawn_approved": (("submit", "approve", "withdraw"), False),
    "withdrawn_listed": (("submit", "approve", "list", "withdraw"), True),
}


def _walk(app) -> None:
    """One need per path, moved through the lifecycle by the domain, as pages and API do."""
    admin = Actor.system("test")
    with app.extensions["db"].session() as session:
        for label, (actions, _public) in PATHS.items():
            need_id = f"pub-{label}"
            add_need(
                session,
                need_id,
                GONGBEI,
                "draft",
                description=f"辖区独居老人吃饭难。{PRIVATE}",
                listed_at=None,
                submitted_at=None,
            )
            session.flush()
            need = session.get(Need, need_id)
            for action in actions:
                if action == "match":
                    session.add(
                        Suggestion(
                            need_id=need_id,
                            org_id="o1",
                            score=0.9,
                            rank=1,
                            status="confirmed",
                            decided_by="office_gb",
                            reasons=[],
                        )
                    )
                    session.flush()
                reason = "不再需要" if action in ("return", "withdraw", "close") else None
                transition(session, need, action, admin, reason)


@pytest.fixture
def walked(app, client):
    build_api_world(app)
    _walk(app)
    return Api(app, client)


@pytest.mark.parametrize("label", list(PATHS))
def test_every_public_channel_agrees_with_publication(walked, client, label):
    need_id = f"pub-{label}"
    public = PATHS[label][1]
    with walked.app.extensions["db"].session() as session:
        assert session.get(Need, need_id).is_public is public

    assert client.get(f"/notice/{need_id}").status_code == (200 if public else 404)
    assert client.get(f"/api/v1/public/needs/{need_id}").status_code == (200 if public else 404)
    with walked.app.extensions["db"].session() as session:
        final = session.get(Need, need_id).status
    for status in ("listed", "matched", "closed"):
        items = client.get(f"/api/v1/public/needs?status={status}&limit=200").get_json()["items"]
        assert (need_id in {n["id"] for n in items}) is (public and final == status)
    channels = {
        "board": client.get("/?page=1").get_data(as_text=True)
        + client.get("/?page=2").get_data(as_text=True),
        "api": client.get("/api/v1/public/needs?limit=200").get_data(as_text=True),
        "csv": client.get("/notice.csv").get_data(as_text=True),
        "ocds": client.get("/notice.ocds.json").get_data(as_text=True),
    }
    for name, body in channels.items():
        assert (need_id in body) is public, (name, label)


def test_private_text_appears_only_with_public_needs(walked, client):
    """The private phrase is in every walked need; anonymous channels show it exactly as often
    as there are public walked needs, so nothing of a withdrawn draft slips through."""
    public_count = sum(1 for _a, public in PATHS.values() if public)
    body = json.dumps(client.get("/api/v1/public/needs?limit=200").get_json(), ensure_ascii=False)
    assert body.count(PRIVATE) == public_count
    ocds = json.dumps(client.get("/notice.ocds.json").get_json(), ensure_ascii=False)
    assert ocds.count(PRIVATE) == public_count
    board = "".join(client.get(f"/?page={n}").get_data(as_text=True) for n in (1, 2))
    assert all(f"pub-{k}" not in board for k, (_a, public) in PATHS.items() if not public)


def test_withdrawn_listed_need_stays_public_once_listed(walked, client):
    """Once listed, always on the record: withdrawing a listed need keeps its notice."""
    detail = client.get("/api/v1/public/needs/pub-withdrawn_listed").get_json()
    assert detail["status"] == "closed"


def test_staff_still_see_withdrawn_drafts_of_their_street(walked):
    with walked.app.extensions["db"].session() as session:
        need = session.get(Need, "pub-withdrawn_draft")
        assert can_see_need(need, Actor("office_gb", "office", GONGBEI))
        assert not can_see_need(need, None)
        assert not can_see_need(need, Actor("org_o1", "organization", "o1"))
        assert not can_see_need(need, Actor("reviewer_xz", "reviewer", "440402"))
    assert walked.get("office", "/api/v1/needs/pub-withdrawn_draft").status_code == 200
    assert walked.get("organization", "/api/v1/needs/pub-withdrawn_draft").status_code == 404


def test_planner_sees_drafts_only_as_counts(walked):
    """Drafts are the office's own work: a planner reads no draft text through the API."""
    assert walked.get("planner", "/api/v1/needs/pub-draft").status_code == 404
    drafts = walked.get("planner", "/api/v1/needs?status=draft").get_json()
    assert drafts["items"] == [] and drafts["total"] == 0
    everything = walked.get("planner", "/api/v1/needs?limit=200").get_data(as_text=True)
    # A draft withdrawn before it was ever submitted is still the office's own.
    assert "pub-draft" not in everything and "pub-withdrawn_draft" not in everything
    assert "pub-withdrawn_returned" in everything
    assert walked.get("planner", "/api/v1/needs/pub-submitted").status_code == 200
