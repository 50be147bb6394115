"""Public notice: listed needs and confirmed organizations only, filters, no personal data,
spreadsheet-safe CSV and an OCDS package that validates against the official 1.1.5 schema."""

from __future__ import annotations

import csv
import io
import json

import pytest

from catalog.models import Need
from tests.web.ocds_schema import ocds_validator
from tests.web.web_world import build_world


@pytest.fixture
def world(app):
    return build_world(app)


def test_notice_shows_listed_and_confirmed_only(client, world):
    page = client.get("/").get_data(as_text=True)
    assert "n-listed" in page and "n-approved" not in page and "n-submitted" not in page
    assert "珠海市拱北乐龄长者服务中心" in page  # confirmed
    assert "珠海市香洲区邻里助餐社工站" not in page  # rejected on n-listed
    for personal in ("office_gb", "org_elder", "reviewer_xz"):
        assert personal not in page
    detail = client.get("/notice/n-listed").get_data(as_text=True)
    assert "珠海市拱北乐龄长者服务中心" in detail and "珠海市香洲区邻里助餐社工站" not in detail
    assert "office_gb" not in detail
    assert client.get("/notice/n-approved").status_code == 404


def test_filters(client, world):
    assert "n-listed" in client.get("/?district=440402").get_data(as_text=True)
    assert "n-listed" not in client.get("/?district=440403").get_data(as_text=True)
    assert "n-listed" not in client.get("/?street=440402004").get_data(as_text=True)
    assert "n-listed" in client.get("/?category=居家养老&q=助餐").get_data(as_text=True)
    assert "n-listed" not in client.get("/?category=社区矫正").get_data(as_text=True)
    assert "n-listed" not in client.get("/?q=不存在的词").get_data(as_text=True)


def test_csv_is_escaped_and_filtered(app, client, world):
    with app.extensions["db"].session() as s:
        s.get(Need, "n-listed").title = '=HYPERLINK("http://x")'
    body = client.get("/notice.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "需求编号"
    data = {r[0]: r for r in rows[1:]}
    assert set(data) == {"n-listed"}
    assert data["n-listed"][1].startswith("'=")
    assert data["n-listed"][12] == "珠海市拱北乐龄长者服务中心"
    assert "office_gb" not in body
    assert (
        len(
            list(
                csv.reader(
                    io.StringIO(client.get("/notice.csv?district=440403").get_data(as_text=True))
                )
            )
        )
        == 1
    )


def test_ocds_package_validates(client, world):
    r = client.get("/notice.ocds.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    package = r.get_json()
    errors = sorted(ocds_validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    planning, tender, award = package["releases"]  # n-listed's life so far (tests/web/test_ocds.py)
    assert tender["tender"]["value"] == {"amount": 80000, "currency": "CNY"}
    suppliers = [p["name"] for p in award["parties"] if "supplier" in p["roles"]]
    assert suppliers == ["珠海市拱北乐龄长者服务中心"]
    assert "office_gb" not in json.dumps(package, ensure_ascii=False)


def test_ocds_validator_catches_a_broken_release(client, world):
    package = client.get("/notice.ocds.json").get_json()
    del package["releases"][0]["ocid"]
    assert list(ocds_validator().iter_errors(package))


def test_no_listed_need_is_404_not_an_invalid_package(client, app):
    """OCDS 1.1.5 requires at least one release in a package: with nothing to publish the
    download answers 404 (in both languages) instead of an invalid package."""
    response = client.get("/notice.ocds.json")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert "没有" in response.get_json()["error"]["message_zh"]


def test_ocid_prefix_is_the_operators_setting(app, client, world):
    app.config["OCDS_OCID_PREFIX"] = "ocds-a1b2c3"
    releases = client.get("/notice.ocds.json").get_json()["releases"]
    assert {r["ocid"] for r in releases} == {"ocds-a1b2c3-n-listed"}
