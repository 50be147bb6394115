"""The real path: import data/dev, run `flask matching run-all`, and check that the map,
the gap table, the unmet-needs list and the API show exactly the gaps the matcher flagged."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from catalog.models import Need

from .conftest import add_account, find_shared_dev, login

pytestmark = pytest.mark.slow


@pytest.fixture
def dev_app(app):
    dev = find_shared_dev()
    from catalog.exchange.importer import import_directory

    with app.extensions["db"].session() as s:
        import_directory(s, dev, progress=False)
        add_account(s, "planner", "planner", "440400")
    result = app.test_cli_runner().invoke(args=["matching", "run-all"])
    assert result.exit_code == 0, result.output
    return app


def test_dev_gaps_everywhere_equal_the_matchers_flags(dev_app):
    with dev_app.extensions["db"].session() as s:
        flagged = {
            n.id: (n.street_code, n.category_name, n.gap_reason)
            for n in s.scalars(select(Need).where(Need.gap.is_(True)))
        }
        matched = s.scalar(select(Need.id).where(Need.match_status == "done").limit(1))
    assert flagged and matched
    assert all(
        reason in ("no_service", "no_coverage", "no_capacity") for *_, reason in flagged.values()
    )

    client = dev_app.test_client()
    login(client, "planner")
    # map: district figures
    html = client.get("/planner/").get_data(as_text=True)
    data = json.loads(re.search(r'id="planner-data">(.*?)</script>', html, re.S).group(1))
    per_district: dict[str, int] = {}
    for street, *_ in flagged.values():
        per_district[street[:6]] = per_district.get(street[:6], 0) + 1
    assert {d["code"]: d["unmet"] for d in data["districts"] if d["unmet"]} == per_district
    per_street: dict[str, int] = {}
    for street, *_ in flagged.values():
        per_street[street] = per_street.get(street, 0) + 1
    assert {s["code"]: s["unmet"] for s in data["streets"] if s["unmet"]} == per_street

    # gap table export: unmet per street × category and reasons
    text = client.get("/planner/export/gaps.csv?lang=en").get_data(as_text=True)
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:-1]  # last row: totals
    i_unmet = header.index("Unmet")
    assert sum(int(r[i_unmet]) for r in body) == len(flagged)
    assert int(rows[-1][i_unmet]) == len(flagged)

    # the unmet-needs export lists exactly the flagged needs
    text = client.get("/planner/export/needs.csv").get_data(as_text=True)
    ids = [r[0] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))][1:]
    assert sorted(ids) == sorted(flagged)

    # and the API says the same, with reasons
    from web.api.tokens import issue_token

    with dev_app.app_context(), dev_app.extensions["db"].session() as s:
        from catalog.models import Account

        token = issue_token(s.scalar(select(Account).where(Account.username == "planner")))
    api = client.get("/api/v1/gaps/needs", headers={"Authorization": f"Bearer {token}"})
    assert {r["id"]: (r["street"], r["category"], r["reason"]) for r in api.get_json()} == flagged
    gaps = client.get("/api/v1/gaps", headers={"Authorization": f"Bearer {token}"}).get_json()
    reasons: dict[str, int] = {}
    for *_, reason in flagged.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    for reason, n in reasons.items():
        assert sum(r["reasons"][reason] for r in gaps) == n
