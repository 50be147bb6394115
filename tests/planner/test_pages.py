"""Planner pages: access by role and scope, the figures shown, exports and their escaping."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from web.planner.export import safe_cell, to_csv, to_xlsx
from web.planner.tables import Table

from .conftest import BAITENG, GONGBEI, add_need, login

PAGES = [
    "/planner/",
    "/planner/gaps",
    "/planner/needs",
    "/planner/supply",
    "/planner/fairness",
    "/planner/emerging",
    "/planner/print",
    "/planner/geo/districts.geojson",
]


@pytest.mark.parametrize("url", PAGES)
def test_planner_pages_open_for_planners(planner_app, url):
    client = planner_app.test_client()
    login(client, "planner")
    r = client.get(url)
    assert r.status_code == 200, r.data[:500]


@pytest.mark.parametrize("url", ["/planner/", "/planner/gaps", "/planner/export/gaps.csv"])
def test_other_roles_and_anonymous_are_refused(planner_app, url):
    client = planner_app.test_client()
    assert client.get(url).status_code in (302, 401)
    login(client, "reviewer")
    assert client.get(url).status_code == 403


def map_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="planner-data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def test_map_data_are_the_flagged_gaps(planner_app):
    client = planner_app.test_client()
    login(client, "admin")
    html = client.get("/planner/?metric=unmet_budget").get_data(as_text=True)
    data = map_data(html)
    by_code = {d["code"]: d for d in data["districts"]}
    assert set(by_code) == {"440402", "440403", "440404"}
    assert {d["name"] for d in data["districts"]} == {"香洲区", "斗门区", "金湾区"}
    assert (by_code["440402"]["unmet"], by_code["440402"]["unmet_budget"]) == (2, 130_000)
    assert by_code["440403"]["reasons"]["no_coverage"] == 1
    assert data["metric"] == "unmet_budget"
    streets = {s["code"]: s for s in data["streets"]}
    assert streets[GONGBEI]["unmet"] == 2
    # every street with needs is in the linked table, with a link to its needs
    assert f"street={GONGBEI}" in html and f"street={BAITENG}" in html
    assert "echarts.min.js" in html and "cdn" not in html.lower()


def test_scope_limits_a_district_planner(planner_app):
    client = planner_app.test_client()
    login(client, "planner-dm")  # Doumen
    data = map_data(client.get("/planner/").get_data(as_text=True))
    assert [d["code"] for d in data["districts"]] == ["440403"]
    # asking for another district cannot widen the scope
    text = client.get("/planner/export/needs.csv?district=440402").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1  # the header only
    text = client.get("/planner/export/needs.csv").get_data(as_text=True)
    assert [r[0] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))][1:] == ["n5"]


def test_gap_table_page_and_filters(planner_app):
    client = planner_app.test_client()
    login(client, "planner")
    html = client.get("/planner/gaps?category=居家养老").get_data(as_text=True)
    assert "拱北街道" in html and "心理咨询" not in html.split("<table")[1]
    html = client.get("/planner/gaps?level=district").get_data(as_text=True)
    assert "香洲区" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["regions", "gaps", "needs", "supply", "fairness", "emerging"])
def test_every_table_exports(planner_app, name, fmt):
    client = planner_app.test_client()
    login(client, "planner")
    r = client.get(f"/planner/export/{name}.{fmt}")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    if fmt == "csv":
        assert r.data.startswith("\ufeff".encode())
    else:
        wb = load_workbook(io.BytesIO(r.data))
        assert wb.sheetnames == [name]


def test_all_tables_in_one_workbook(planner_app):
    client = planner_app.test_client()
    login(client, "planner")
    wb = load_workbook(io.BytesIO(client.get("/planner/export/all.xlsx").data))
    assert wb.sheetnames == ["regions", "gaps", "needs", "supply", "fairness", "emerging"]
    assert client.get("/planner/export/all.csv").status_code == 404
    assert client.get("/planner/export/secrets.csv").status_code == 404


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_formula_cells_are_defused(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell(-5) == -5 and safe_cell("普通标题") == "普通标题"


def test_export_of_a_hostile_title(planner_app):
    with planner_app.extensions["db"].session() as s:
        add_need(
            s,
            "evil",
            GONGBEI,
            "居家养老",
            gap=True,
            reason="no_service",
            title='=HYPERLINK("http://x","点我")',
            budget=9_999_999,
        )
    client = planner_app.test_client()
    login(client, "planner")
    text = client.get("/planner/export/needs.csv").get_data(as_text=True)
    first = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1]
    assert first[1] == '\'=HYPERLINK("http://x","点我")'
    wb = load_workbook(io.BytesIO(client.get("/planner/export/needs.xlsx").data))
    ws = wb["needs"]
    assert ws["B3"].value.startswith("'=") and ws["B3"].data_type == "s"
    assert ws["F3"].value == 9_999_999  # numbers stay numbers


def test_table_writers_directly():
    t = Table("x", "X", ["a", "b"], [["=a", 1]], footer=["sum", 1])
    assert to_csv(t).decode("utf-8-sig").splitlines() == ["a,b", "'=a,1", "sum,1"]
    ws = load_workbook(io.BytesIO(to_xlsx([t])))["x"]
    assert [c.value for c in ws[3]] == ["'=a", 1]


@pytest.mark.parametrize("lang", ["zh_Hans_CN", "zh_Hant_TW", "en"])
def test_pages_in_three_languages(planner_app, lang):
    client = planner_app.test_client()
    login(client, "planner")
    html = client.get(f"/planner/?lang={lang}").get_data(as_text=True)
    expected = {"zh_Hans_CN": "未满足", "zh_Hant_TW": "未滿足", "en": "Unmet"}[lang]
    assert expected in html
    if lang == "zh_Hant_TW":
        assert "香洲區" in html


def test_every_street_is_reachable_from_the_linked_table(planner_app):
    client = planner_app.test_client()
    login(client, "planner")
    text = client.get("/planner/export/regions.csv").get_data(as_text=True)
    codes = [r[0] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))][1:-1]
    assert len(codes) == 3 + 31  # districts and every street/town, with or without needs
    html = client.get("/planner/").get_data(as_text=True)
    assert html.count('href="/planner/needs?street=') == 31
    login(client, "planner-dm")
    text = client.get("/planner/export/regions.csv").get_data(as_text=True)
    codes = [r[0] for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))][1:-1]
    assert codes == [
        "440403",
        "440403001",
        "440403100",
        "440403103",
        "440403105",
        "440403106",
        "440403107",
    ]


def test_csv_export_names_its_charset_once(planner_app):
    client = planner_app.test_client()
    login(client, "planner")
    r = client.get("/planner/export/gaps.csv")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_emerging_page_counts_needs_that_stand_alone(planner_app):
    client = planner_app.test_client()
    login(client, "planner")
    page = client.get("/planner/emerging?lang=en").get_data(as_text=True)
    counted = re.search(r"(\d+) groups of similar needs, (\d+) needs alone", page)
    assert counted, page[:2000]
    rows = page.split('id="table-emerging"', 1)[1].split("</tbody>", 1)[0].count("<tr")
    groups, alone = int(counted[1]), int(counted[2])
    assert alone <= rows and (groups > 0 or alone == rows or rows == 1)
