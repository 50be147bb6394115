"""Sign-in does not tell by its time which usernames exist (issue 17, finding 4): a wrong
password for an existing account, an unknown username and a deactivated account cost the same
password-hash work, on the sign-in page and on `POST /api/v1/tokens`.

Timed by comparison, not against a clock: the median of several tries per case, interleaved so
a busy machine slows every case alike; the slowest median must stay within a factor of the
fastest. Before the fix the page answered an unknown user about 25 times faster."""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from catalog.models import Account
from tests.web.api_world import build_world

TRIES = 7
BAND = 3.0  # max/min of the medians; one scrypt against none is a factor of 20 and more
CASES = {
    "existing": "office_gb",
    "unknown": "nobody_here",
    "deactivated": "spare_office",
}
WRONG = "wrong-password-77"


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.extensions["db"].session() as session:
        session.get(Account, world.account_ids["spare"]).active = False
    return world


def _page(client: FlaskClient, username: str) -> int:
    return client.post("/login", data={"username": username, "password": WRONG}).status_code


def _token(client: FlaskClient, username: str) -> int:
    raw = base64.b64encode(f"{username}:{WRONG}".encode()).decode()
    return client.post("/api/v1/tokens", headers={"Authorization": f"Basic {raw}"}).status_code


def _medians(client: FlaskClient, attempt: Callable[[FlaskClient, str], int]) -> dict[str, float]:
    times: dict[str, list[float]] = {case: [] for case in CASES}
    for username in CASES.values():  # warm-up: first requests pay for imports and caches
        attempt(client, username)
    for _ in range(TRIES):
        for case, username in CASES.items():
            start = time.perf_counter()
            status = attempt(client, username)
            times[case].append(time.perf_counter() - start)
            assert status in (200, 401)  # refused every time (the page shows its form again)
    return {case: statistics.median(values) for case, values in times.items()}


@pytest.mark.parametrize("attempt", [_page, _token], ids=["page", "token"])
def test_refusals_take_as_long_whoever_the_username_names(app, world, attempt):
    medians = _medians(app.test_client(), attempt)
    assert max(medians.values()) / min(medians.values()) < BAND, medians
