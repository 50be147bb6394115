"""The public HSDS 3.0 directory: every /hsds/ answer validates against the HSDS schemas (closed:
no field outside them), paging and filters follow the API profile, bad parameters are 400s that
name the parameter, only organizations confirmed for a listed need appear — never suggestions,
notes, credit entries or outcomes — and the tabular export validates too."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from catalog.exchange.hsds import category_term_id, group_term_id, hsds_id
from tests.web import hsds_schema as hs
from tests.web.web_world import add_contacts, add_outcomes, build_world

ELDER = "珠海市拱北乐龄长者服务中心"  # confirmed on listed needs
MEAL = "珠海市香洲区邻里助餐社工站"  # only suggested or rejected
YOUTH = "珠海市青少年成长服务社"  # never suggested
LIST_ITEMS = {
    "organizations": "compiled/organization_list.json",
    "services": "compiled/service_list.json",
    "service_at_locations": "compiled/service_at_location_list.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}
DETAILS = {
    "services": "service.json",
    "service_at_locations": "service_at_location.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


@pytest.fixture
def world(app):
    """org-elder confirmed on n-listed (and n-matched, n-closed with a result and a credit
    entry); org-meal suggested on n-approved and rejected on n-listed; org-youth never. Both
    org-elder and org-meal have contact data (web_world.add_contacts)."""
    w = build_world(app)
    add_outcomes(app)
    add_contacts(app)
    return w


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def _schema_for(kind: str) -> dict:
    if kind == "organizations":
        return hs.organization_detail_schema()
    return hs.load(DETAILS[kind])


def test_every_endpoint_answers_valid_hsds(client, world):
    meta = _get(client, "/hsds/")
    assert not hs.errors(meta, hs.meta_schema())
    assert meta["version"].startswith("3.0")
    assert _get(client, "/hsds/openapi.json")["openapi"].startswith("3.")
    seen = 0
    for kind, item_schema in LIST_ITEMS.items():
        page = _get(client, f"/hsds/{kind}?per_page=100")
        assert not hs.errors(page, hs.page_schema(hs.load(item_schema))), kind
        assert page["contents"], kind
        for item in page["contents"]:
            detail = _get(client, f"/hsds/{kind}/{item['id']}")
            assert not hs.errors(detail, _schema_for(kind)), (
                kind,
                hs.errors(detail, _schema_for(kind)),
            )
            seen += 1
    assert seen > 30  # 1 organization, its service, 1 location link, 1 taxonomy, 30 terms


def test_schema_check_is_not_vacuous(client, world):
    page = _get(client, "/hsds/services")
    page["contents"][0]["capacity"] = 3
    assert hs.errors(page, hs.page_schema(hs.load("compiled/service_list.json")))
    service = _get(client, f"/hsds/services/{page['contents'][0]['id']}")
    service["service_areas"][0]["id"] = "not-a-uuid"
    assert hs.errors(service, hs.load("service.json"))


def test_only_confirmed_organizations_and_nothing_private(client, world):
    names = {o["name"] for o in _get(client, "/hsds/organizations")["contents"]}
    assert names == {ELDER}
    text = json.dumps(
        [_get(client, f"/hsds/{kind}?per_page=200") for kind in LIST_ITEMS]
        + [_get(client, f"/hsds/services/{hsds_id('service', 'org-elder', '居家养老')}")],
        ensure_ascii=False,
    )
    text += json.dumps(
        _get(client, f"/hsds/organizations/{hsds_id('organization', 'org-elder')}"),
        ensure_ascii=False,
    )
    assert "0756-2212345" in text  # the check below reads contact data
    hidden = (MEAL, YOUTH, "年度检查合格", "内部备注", "良好", "n-listed", "office_gb")
    # Contact persons never (catalog.exchange.hsds_contact); org-meal's public data neither.
    for private in (*hidden, "陈敏", "李晓华", "13812345678", "meal.example.org"):
        assert private not in text, private
    unknown = client.get(f"/hsds/organizations/{hsds_id('organization', 'org-meal')}")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "not_found"


def test_taxonomy_has_five_categories_and_twenty_five_subcategories(client, world):
    terms = _get(client, "/hsds/taxonomy_terms?per_page=200")["contents"]
    top = [t for t in terms if "parent_id" not in t]
    subs = [t for t in terms if "parent_id" in t]
    assert (len(top), len(subs)) == (5, 25)
    assert {t["parent_id"] for t in subs} == {t["id"] for t in top}
    found = _get(client, "/hsds/taxonomy_terms?search=居家养老")["contents"]
    assert [t["id"] for t in found] == [category_term_id("居家养老")]


def test_service_areas_come_from_the_gazetteer(client, world):
    sid = hsds_id("service", "org-elder", "居家养老")
    service = _get(client, f"/hsds/services/{sid}")
    (area,) = service["service_areas"]
    assert area["name"] == "拱北街道" and area["description"].startswith("珠海市香洲区拱北街道")
    (link,) = service["service_at_locations"]
    assert link["location"]["external_identifier"] == "440402005"
    assert service["organization"]["name"] == ELDER
    assert service["attributes"][0]["taxonomy_term_id"] == category_term_id("居家养老")


def test_filters_and_paging(client, world):
    org = hsds_id("organization", "org-elder")
    care = category_term_id("居家养老")
    for query in (
        f"organization_id={org}",
        f"taxonomy_term_id={care}",
        f"taxonomy_term_id={group_term_id('基本服务类')}",
        "search=居家",
        "modified_after=2000-01-01",
    ):
        assert _get(client, f"/hsds/services?{query}")["total_items"] == 1, query
    assert _get(client, "/hsds/services?search=心理咨询")["empty"] is True
    assert _get(client, "/hsds/services?modified_after=2999-01-01T00:00:00Z")["total_items"] == 0
    assert _get(client, f"/hsds/service_at_locations?taxonomy_term_id={care}")["total_items"] == 1
    page = _get(client, "/hsds/taxonomy_terms?per_page=4&page=2")
    assert (page["page_number"], page["size"], page["total_items"], page["total_pages"]) == (
        2,
        4,
        30,
        8,
    )
    assert len(page["contents"]) == 4 and not page["first_page"] and not page["last_page"]
    past = _get(client, "/hsds/taxonomy_terms?page=9&per_page=4")
    assert past["empty"] and past["last_page"] and past["contents"] == []


@pytest.mark.parametrize(
    "query, name",
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("page=99999999999999999999", "page"),
        ("per_page=201", "per_page"),
        ("per_page=%EF%BC%95", "per_page"),  # a full-width digit
        ("page=1&page=2", "page"),
        ("organization_id=org-elder", "organization_id"),
        ("taxonomy_term_id=1", "taxonomy_term_id"),
        ("modified_after=yesterday", "modified_after"),
        ("modified_after=2024-01-01T00:00:00", "modified_after"),
        ("modified_after=0001-01-01", "modified_after"),
        ("search=%00", "search"),
        ("search=" + "字" * 101, "search"),
        ("format=ndjson", "format"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, world, query: str, name: str):
    response = client.get(f"/hsds/services?{query}")
    assert response.status_code == 400, query
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["fields"][0]["field"] == name
    assert name in error["message"] and name in error["message_zh"]


# --- tabular ---------------------------------------------------------------------------------


def _typed(row: dict[str, str], fields: list[dict]) -> dict:
    """A CSV row as a JSON record: empty cells absent, numbers as numbers."""
    kinds = {f["name"]: f["type"] for f in fields}
    out: dict = {}
    for key, value in row.items():
        if value == "":
            continue
        out[key] = float(value) if kinds[key] in ("number", "integer") else value
    return out


def test_tabular_export_validates(app, world, tmp_path: Path):
    target = tmp_path / "hsds"
    result = app.test_cli_runner().invoke(
        args=["catalog", "export", "--format", "hsds", str(target)]
    )
    assert result.exit_code == 0, result.output
    package = json.loads((target / "datapackage.json").read_text("utf-8"))
    assert package["profile"] == "tabular-data-package"
    ids: dict[str, set[str]] = {}
    for res in package["resources"]:
        fields = res["schema"]["fields"]
        with (target / res["path"]).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == [f["name"] for f in fields], res["path"]
            rows = [_typed(r, fields) for r in reader]
        schema = hs.load(f"{res['name']}.json")
        for row in rows:
            assert not hs.errors(row, schema), (res["path"], row, hs.errors(row, schema))
        ids[res["name"]] = {r["id"] for r in rows}
        assert rows, res["path"]
    services = list(csv.DictReader((target / "services.csv").open(encoding="utf-8")))
    assert {s["organization_id"] for s in services} <= ids["organization"]
    links = list(csv.DictReader((target / "service_at_location.csv").open(encoding="utf-8")))
    assert {s["location_id"] for s in links} <= ids["location"]
    assert {s["service_id"] for s in links} <= ids["service"]
    text = "".join(p.read_text("utf-8") for p in target.iterdir())
    assert ELDER in text and MEAL not in text and "年度检查合格" not in text
    assert "陈敏" not in text and "13812345678" not in text  # contact persons, org-meal
