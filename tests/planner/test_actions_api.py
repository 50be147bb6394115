"""`GET /api/v1/planner/actions` and `GET /api/v1/planner/red-flags`: item shapes, the three
kinds of action on the small catalog, roles, scope and filters; and the pages that show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_translations import _problems

from .conftest import BAITENG, add_account, login
from .planning_world import EXPECTED, add_planning_needs
from .red_flag_world import PLANTED, build_clean, plant
from .test_api import get, token_for

EXTEND_KEYS = {"kind", "organization_id", "add_streets", "category", "closes", "reason"}
INCUBATE_KEYS = {"kind", "category", "district", "streets", "closes", "reason"}
BUNDLE_KEYS = {"kind", "category", "needs", "streets", "budget_yuan", "reason"}


@pytest.fixture
def actions_app(planner_app):
    with planner_app.extensions["db"].session() as s:
        add_planning_needs(s)
    return planner_app


def items(app, url, who="planner"):
    r = get(app, url, token_for(app, who))
    assert r.status_code == 200, r.data[:300]
    return r.get_json()["items"]


def test_one_action_of_each_kind_with_exactly_the_documented_keys(actions_app):
    got = items(actions_app, "/api/v1/planner/actions")
    kinds = [a["kind"] for a in got]
    assert kinds == sorted(kinds, key=["extend_coverage", "incubate", "bundle"].index)
    by_kind = {a["kind"]: a for a in got}
    assert set(by_kind) == {"extend_coverage", "incubate", "bundle"}
    for kind, keys in (
        ("extend_coverage", EXTEND_KEYS),
        ("incubate", INCUBATE_KEYS),
        ("bundle", BUNDLE_KEYS),
    ):
        assert set(by_kind[kind]) == keys
        for key, value in EXPECTED[kind].items():
            assert by_kind[kind][key] == value, (kind, key)
        reason = by_kind[kind]["reason"]
        assert reason["kind"] == kind and reason["zh"] and reason["zh_hant"] and reason["en"]
    assert by_kind["extend_coverage"]["category"] == "社区矫正"
    assert "白藤街道" in by_kind["extend_coverage"]["reason"]["zh"]


def test_roles_and_scope(actions_app):
    assert get(actions_app, "/api/v1/planner/actions", None).status_code == 401
    org = token_for(actions_app, "org-x", "organization", "o1")
    assert get(actions_app, "/api/v1/planner/actions", org).status_code == 403
    assert get(actions_app, "/api/v1/planner/red-flags", org).status_code == 403
    office = token_for(actions_app, "office-x", "office", "440402005")
    assert get(actions_app, "/api/v1/planner/actions", office).status_code == 403
    assert items(actions_app, "/api/v1/planner/actions", "reviewer")  # reviewer 440400
    # Doumen's planner sees the action that closes Doumen's gap, and nothing of Xiangzhou.
    doumen = items(actions_app, "/api/v1/planner/actions", "planner-dm")
    assert [(a["kind"], a["closes"]) for a in doumen] == [("extend_coverage", ["n5"])]
    assert doumen[0]["add_streets"] == [BAITENG]
    with actions_app.extensions["db"].session() as s:
        add_account(s, "reviewer-dm", "reviewer", "440403")
    assert items(actions_app, "/api/v1/planner/actions", "reviewer-dm") == doumen


def test_filters_narrow_the_actions(actions_app):
    only = items(actions_app, "/api/v1/planner/actions?category=心理咨询", "admin")
    assert [a["kind"] for a in only] == ["incubate"]
    assert items(actions_app, "/api/v1/planner/actions?district=440404", "admin") == []


def test_actions_follow_the_catalog_after_a_change(actions_app):
    """Cached per catalog state: an organization that now covers 白藤 leaves no gap to close."""
    from catalog.models import Organization, OrgArea

    assert any(
        a["kind"] == "extend_coverage" for a in items(actions_app, "/api/v1/planner/actions")
    )
    with actions_app.extensions["db"].session() as s:
        o2 = s.get(Organization, "o2")
        o2.areas.append(OrgArea(region_code=BAITENG, position=5))
        o2.profile_version += 1
    kinds = [a["kind"] for a in items(actions_app, "/api/v1/planner/actions")]
    assert "extend_coverage" not in kinds


def test_red_flags_api(app):
    with app.extensions["db"].session() as s:
        build_clean(s)
        plant(s)
        add_account(s, "planner", "planner", "440400")
        add_account(s, "reviewer-dm", "reviewer", "440403")
    flags = items(app, "/api/v1/planner/red-flags")
    assert sorted(f["indicator"] for f in flags) == sorted(PLANTED)
    for f in flags:
        needs, org, office = PLANTED[f["indicator"]]
        assert f["need_ids"] == needs and f.get("organization_id") == org
        assert f["office"] == office
        assert set(f["explanation"]) == {"kind", "zh", "zh_hant", "en"}
    assert items(app, "/api/v1/planner/red-flags", "reviewer-dm") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/planner/actions",
            {"zh_Hans_CN": "扩大服务范围", "zh_Hant_TW": "擴大服務範圍", "en": "Extend coverage"},
        ),
        (
            "/planner/red-flags",
            {
                "zh_Hans_CN": "反复选择同一组织",
                "zh_Hant_TW": "反覆選擇同一組織",
                "en": "Same organization again and again",
            },
        ),
        (
            "/planner/report",
            {"zh_Hans_CN": "规划报告", "zh_Hant_TW": "規劃報告", "en": "Planner report"},
        ),
    ],
)
@pytest.mark.parametrize("lang", ["zh_Hans_CN", "zh_Hant_TW", "en"])
def test_pages_in_three_languages(actions_app, url, expected, lang):
    client = actions_app.test_client()
    login(client, "planner")
    r = client.get(f"{url}?lang={lang}")
    assert r.status_code == 200, r.data[:500]
    html = r.get_data(as_text=True)
    assert expected[lang] in html
    if lang != "en":  # no English left on a Chinese page (the site's own checker)
        assert not _problems(html, _all_msgids()), _problems(html, _all_msgids())[:5]


def _all_msgids() -> list[str]:
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2] / "web"
    out = []
    for folder in ("translations", "planner/translations"):
        with (root / folder / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
            out += [m.id for m in read_po(f) if m.id and isinstance(m.id, str)]
    return out


def test_page_roles(actions_app):
    client = actions_app.test_client()
    login(client, "reviewer")
    assert client.get("/planner/actions").status_code == 200
    assert client.get("/planner/red-flags").status_code == 200
    assert client.get("/planner/report").status_code == 403
    assert client.get("/planner/need/n5").status_code == 200
    html = client.get("/planner/actions").get_data(as_text=True)
    assert 'href="/planner/gaps' not in html  # reviewers are not shown tabs they cannot open


def test_report_as_excel(actions_app):
    from io import BytesIO

    from openpyxl import load_workbook

    client = actions_app.test_client()
    login(client, "planner")
    r = client.get("/planner/report.xlsx?lang=en")
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.data))
    assert {"actions", "bundles", "red_flags", "fairness", "gaps", "needs"} <= set(wb.sheetnames)
    rows = list(wb["actions"].values)
    assert rows[1][:2] == ("Rank", "Kind of action")
    assert any(row[1] == "Extend coverage" and "n5" in row[6] for row in rows[2:])
