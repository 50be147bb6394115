"""The OCDS export as the official data-review library sees it: `/notice.ocds.json` checked by
libcoveocds, offline, against the released OCDS 1.1.5 — no schema error, no field outside 1.1.5,
no empty field, codelist values from 1.1.5 or documented — and releases that follow each need
through its life. Also: the production server refuses the placeholder ocid prefix."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.actors import Actor
from catalog.audit import record
from catalog.models import Need
from tests.web.ocds_cove import cove_problems, cove_report
from tests.web.ocds_schema import ocds_errors
from tests.web.web_world import GONGBEI, add_need, add_outcomes, build_world
from web.config import OCID_PLACEHOLDER, deployment_problems
from web.public.ocds_parts import DOCUMENTED_OPEN_CODES

ROOT = Path(__file__).resolve().parents[2]
CLOSED_AT = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)


@pytest.fixture
def world(app):
    """Needs at every public stage: listed (org-elder confirmed, org-meal rejected), matched,
    closed with a published result, and one withdrawn while on notice."""
    w = build_world(app)
    add_outcomes(app)
    with app.extensions["db"].session() as s:
        s.get(Need, "n-closed").closed_at = CLOSED_AT
        s.get(Need, "n-approved").decided_at = dt.datetime(2024, 5, 20, tzinfo=dt.UTC)
        add_need(s, "n-withdrawn", GONGBEI, "closed", closed_at=CLOSED_AT)
        s.flush()
        record(s, Actor.system("test"), "need.withdraw", "need", "n-withdrawn", reason="取消")
    return w


def _package(client) -> dict:
    response = client.get("/notice.ocds.json")
    assert response.status_code == 200
    return response.get_json()


def _by_ocid(package: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for release in package["releases"]:
        out.setdefault(release["ocid"].rsplit("-", 1)[-1], []).append(release)
    return out


def test_libcoveocds_finds_nothing_wrong(client, world, tmp_path):
    package = _package(client)
    report = cove_report(package, tmp_path)
    assert report["version_used"] == "1.1"
    assert report["count"] == len(package["releases"]) > 10
    assert not cove_problems(report, DOCUMENTED_OPEN_CODES)
    assert not ocds_errors(package)
    # The one open-codelist value the platform adds is the documented one, and it is used.
    (extra,) = report["additional_open_codelist_values"].values()
    assert extra["codelist"] == "itemClassificationScheme.csv"
    assert extra["values"] == ["ZHUHAI-GOV-PURCHASE-ART8"]


def test_libcoveocds_check_can_fail(client, world, tmp_path):
    """The check is not vacuous: a 1.2-only field, a value outside a closed codelist, an
    undocumented open-codelist value and an empty field are each reported."""
    package = _package(client)
    tender = next(r for r in package["releases"] if "tender" in r["tag"])
    tender["tender"]["datePublished"] = tender["date"]
    tender["tender"]["mainProcurementCategory"] = "consulting"
    tender["tender"]["items"][0]["classification"]["scheme"] = "MADE-UP"
    tender["tender"]["title"] = " "
    problems = "\n".join(cove_problems(cove_report(package, tmp_path), DOCUMENTED_OPEN_CODES))
    assert "datePublished" in problems
    assert "consulting" in problems
    assert "MADE-UP" in problems
    assert "empty_field" in problems and "tender/title" in problems


def test_releases_follow_each_need_through_its_life(client, world):
    releases = _by_ocid(_package(client))
    tags = {need: [r["tag"] for r in items] for need, items in releases.items()}
    assert set(tags) == {"listed", "matched", "closed", "withdrawn"}  # only public needs
    assert tags["listed"] == [["planning"], ["tender"], ["award"]]
    assert tags["matched"] == [
        ["planning"],
        ["tender"],
        ["award"],
        ["tenderUpdate", "awardUpdate", "contract"],
    ]
    assert tags["closed"][-1] == ["implementation", "contractTermination"]
    assert tags["withdrawn"] == [["planning"], ["tender"], ["tenderCancellation"]]
    for items in releases.values():
        ids = [r["id"] for r in items]
        assert len(set(ids)) == len(ids)
        assert [r["date"] for r in items] == sorted(r["date"] for r in items)
    (contract,) = releases["closed"][-1]["contracts"]
    assert contract["status"] == "terminated"
    (milestone,) = contract["implementation"]["milestones"]
    assert milestone["status"] == "met" and "良好" in milestone["description"]
    assert releases["closed"][-1]["date"] == "2025-01-10T00:00:00Z"


def test_dates_are_where_1_1_5_puts_them(client, world):
    releases = _by_ocid(_package(client))
    tender = releases["listed"][1]["tender"]
    assert "datePublished" not in tender
    (notice,) = tender["documents"]
    assert notice["datePublished"] == "2024-06-01T00:00:00Z"
    assert notice["documentType"] == "tenderNotice"
    assert releases["listed"][1]["date"] == notice["datePublished"]


def test_only_public_needs_and_confirmed_organizations(client, world):
    text = json.dumps(_package(client), ensure_ascii=False)
    assert "n-approved" not in text and "n-draft" not in text and "n-submitted" not in text
    assert "珠海市拱北乐龄长者服务中心" in text  # confirmed
    assert "珠海市香洲区邻里助餐社工站" not in text  # rejected on n-listed
    assert "office_gb" not in text and "内部备注" not in text


def test_release_ids_are_stable_between_exports(client, world):
    first = [r["id"] for r in _package(client)["releases"]]
    assert [r["id"] for r in _package(client)["releases"]] == first


# --- the ocid prefix -------------------------------------------------------------------------


def test_placeholder_prefix_is_a_deployment_problem():
    (problem,) = deployment_problems({"OCDS_OCID_PREFIX": OCID_PLACEHOLDER})
    assert problem.startswith("OCDS_OCID_PREFIX:") and "HUB_OCDS_OCID_PREFIX" in problem
    assert deployment_problems({"OCDS_OCID_PREFIX": "ocds-a1b2c3"}) == []
    (bad,) = deployment_problems({"OCDS_OCID_PREFIX": "ocds-A1"})
    assert "six lowercase letters or digits" in bad
    for dev in ({"TESTING": True}, {"DEBUG": True}):
        assert deployment_problems({"OCDS_OCID_PREFIX": OCID_PLACEHOLDER, **dev}) == []


def _start_wsgi(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Import the production entry point (what gunicorn loads) in a fresh interpreter."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "FLASK_"))}
    clean.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'hub.sqlite3'}",
        SECRET_KEY="x" * 32,
        MATCHING_INDEX_DIR=str(tmp_path / "index"),
        PYTHONPATH=str(ROOT),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import web.wsgi"],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_server_refuses_the_placeholder_prefix(tmp_path):
    refused = _start_wsgi(tmp_path)
    assert refused.returncode != 0
    assert "refusing to start" in refused.stderr and OCID_PLACEHOLDER in refused.stderr
    started = _start_wsgi(tmp_path, HUB_OCDS_OCID_PREFIX="ocds-a1b2c3")
    assert started.returncode == 0, started.stderr[-2000:]
