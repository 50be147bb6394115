"""The outcome loop on the pages: the office records an acceptance result, the reviewer keeps
the credit archive on an organization's page, the organization sees what is held on it, and the
public notice of a closed need publishes grade and satisfaction (never the office's note)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from sqlalchemy import select

from catalog.models import AuditEvent, CreditEvent, Need, PerformanceRecord, ReadEvent
from tests.web.ocds_schema import ocds_errors
from tests.web.web_world import build_world, login

RESULT = {"satisfaction": "92.5", "evaluation": "优秀", "note": "长者反映送餐准时（内部备注）"}
CREDIT = {"kind": "warning", "date": "2025-01-15", "source": "珠海市民政局", "note": "年报逾期"}


@pytest.fixture
def world(app):
    """The web world with n-listed matched (org-elder confirmed, org-meal rejected)."""
    w = build_world(app)
    with app.extensions["db"].session() as s:
        s.get(Need, "n-listed").status = "matched"
    return w


@pytest.fixture
def index_updates(monkeypatch):
    """Organizations queued for an index refresh (the task is eager in tests)."""
    from web.tasks import update_org_index

    queued: list[str] = []
    monkeypatch.setattr(update_org_index, "delay", lambda org_id: queued.append(org_id))
    return queued


def _set_status(app, need_id: str, status: str) -> None:
    with app.extensions["db"].session() as s:
        s.get(Need, need_id).status = status


def _records(app) -> list[PerformanceRecord]:
    with app.extensions["db"].session() as s:
        return list(s.scalars(select(PerformanceRecord)))


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash (\w+)" role="status">([^<]*)</p>', html)


def test_office_records_an_outcome_and_sees_it(app, client, world, index_updates):
    login(client, "office")
    page = client.get("/office/needs/n-listed").get_data(as_text=True)
    assert 'id="outcome-org-elder"' in page and 'id="outcome-org-meal"' not in page
    assert 'action="/office/needs/n-listed/outcomes/org-elder"' in page
    r = client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT)
    assert r.status_code == 302 and r.headers["Location"].endswith("#outcome-org-elder")
    assert index_updates == ["org-elder"]
    [record] = _records(app)
    assert (record.need_id, record.org_id, record.satisfaction, record.evaluation) == (
        "n-listed",
        "org-elder",
        92.5,
        "优秀",
    )
    assert record.project == "独居长者助餐服务n-listed"
    page = client.get("/office/needs/n-listed").get_data(as_text=True)
    assert ("success", "验收结果已登记。") in _flashes(page)
    assert 'class="outcome-grade">优秀<' in page and "92.5 / 100" in page
    assert "outcome-form" not in page
    with app.extensions["db"].session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "outcome.record"))
        assert event.actor == "office_gb" and event.detail["organization"] == "org-elder"


def test_a_second_result_is_refused_with_a_clear_message(app, client, world, index_updates):
    login(client, "office")
    client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT)
    r = client.post(
        "/office/needs/n-listed/outcomes/org-elder",
        data={"satisfaction": "40", "evaluation": "不合格"},
        follow_redirects=True,
    )
    assert ("error", "该组织在此需求上的验收结果已登记，不能重复登记或修改") in _flashes(
        r.get_data(as_text=True)
    )
    assert [r.evaluation for r in _records(app)] == ["优秀"]
    assert index_updates == ["org-elder"]  # nothing queued for the refused one


def test_invalid_fields_are_named_in_the_message(app, client, world, index_updates):
    login(client, "office")
    r = client.post(
        "/office/needs/n-listed/outcomes/org-elder",
        data={"satisfaction": "120", "evaluation": "很好"},
        follow_redirects=True,
    )
    page = r.get_data(as_text=True)
    assert _flashes(page) == []  # shown once, in the organization's card, with what was typed
    [text] = re.findall(r'<p class="flash error form-error" role="alert">([^<]*)</p>', page)
    assert "满意度必须在0到100之间" in text and "评价等级须为：优秀、良好、合格、不合格" in text
    assert 'value="120"' in page
    assert _records(app) == [] and index_updates == []


def test_refusals_by_state_confirmation_and_scope(app, client, world):
    login(client, "office")
    # a rejected organization, a need not yet matched: refused with a message, nothing saved
    r = client.post("/office/needs/n-listed/outcomes/org-meal", data=RESULT, follow_redirects=True)
    assert ("error", "该组织未被确认承接此需求，不能登记验收结果") in _flashes(
        r.get_data(as_text=True)
    )
    r = client.post(
        "/office/needs/n-approved/outcomes/org-elder", data=RESULT, follow_redirects=True
    )
    assert "需求已对接或已结束后才能登记验收结果" in r.get_data(as_text=True)
    assert "outcome-form" not in client.get("/office/needs/n-approved").get_data(as_text=True)
    login(client, "office_out")
    assert client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT).status_code == 404
    for role in ("reviewer", "organization", "planner"):
        login(client, role)
        r = client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT)
        assert r.status_code == 403, role
    assert _records(app) == []


def test_public_notice_of_a_closed_need_shows_grade_not_note(app, client, world):
    login(client, "office")
    client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT)
    client.post("/logout")
    matched = client.get("/notice/n-listed?lang=zh_Hans_CN").get_data(as_text=True)
    assert "public-outcome" not in matched  # published once the need is closed
    _set_status(app, "n-listed", "closed")
    page = client.get("/notice/n-listed").get_data(as_text=True)
    assert 'class="outcome-grade">优秀<' in page
    assert 'class="outcome-satisfaction">92.5<' in page
    assert "内部备注" not in page
    english = client.get("/notice/n-listed?lang=en").get_data(as_text=True)
    assert 'class="outcome-grade">Excellent<' in english


def test_closed_need_publishes_results_in_api_csv_and_ocds(app, client, world):
    """Every public channel carries the same published result as the notice page: grade,
    satisfaction and date, for closed needs only, and never the office's note."""
    login(client, "office")
    client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT)
    client.post("/logout")

    def api_orgs() -> list[dict]:
        body = client.get("/api/v1/public/needs/n-listed").get_json()
        return body["confirmed_organizations"]

    def ocds_release() -> dict:
        """n-listed's latest release (its life as releases: tests/web/test_ocds.py)."""
        package = client.get("/notice.ocds.json").get_json()
        assert not ocds_errors(package)
        return [r for r in package["releases"] if r["ocid"].endswith("-n-listed")][-1]

    assert [o["acceptance"] for o in api_orgs()] == [None]  # matched: not yet published
    assert "implementation" not in ocds_release()["contracts"][0]

    _set_status(app, "n-listed", "closed")
    (org,) = api_orgs()
    assert org["id"] == "org-elder"
    assert org["acceptance"] == {
        "evaluation": "优秀",
        "satisfaction": 92.5,
        "accepted_on": org["acceptance"]["accepted_on"],
    }
    dt.date.fromisoformat(org["acceptance"]["accepted_on"])
    listed = client.get("/api/v1/public/needs?status=closed").get_json()["items"]
    assert [
        o["acceptance"]["evaluation"] for n in listed for o in n["confirmed_organizations"]
    ] == ["优秀"]

    rows = list(csv.reader(io.StringIO(client.get("/notice.csv?lang=en").get_data(as_text=True))))
    column = rows[0].index("Acceptance results")
    (row,) = [r for r in rows[1:] if r[0] == "n-listed"]
    assert "Excellent" in row[column] and "92.5" in row[column]

    release = ocds_release()
    (contract,) = release["contracts"]
    package = client.get("/notice.ocds.json").get_json()
    awards = [
        a for r in package["releases"] if "-n-listed" in r["ocid"] for a in r.get("awards", [])
    ]
    assert contract["awardID"] in {a["id"] for a in awards}
    (milestone,) = contract["implementation"]["milestones"]
    assert milestone["status"] == "met" and "优秀" in milestone["description"]
    assert "implementation" in release["tag"]

    published = [
        json.dumps(client.get("/api/v1/public/needs/n-listed").get_json(), ensure_ascii=False),
        json.dumps(client.get("/notice.ocds.json").get_json(), ensure_ascii=False),
        client.get("/notice.csv").get_data(as_text=True),
    ]
    assert RESULT["note"] not in "".join(published)
    assert "内部备注" not in "".join(published)


def test_reviewer_adds_a_credit_event_on_the_org_page(app, client, world, index_updates):
    login(client, "reviewer")
    need_page = client.get("/reviewer/needs/n-listed").get_data(as_text=True)
    assert 'href="/reviewer/orgs/org-elder"' in need_page
    page = client.get("/reviewer/orgs/org-elder").get_data(as_text=True)
    assert "珠海市拱北乐龄长者服务中心" in page and 'id="credit-archive-empty"' in page
    assert 'id="org-categories">居家养老<' in page and 'id="org-capacity">3<' in page
    r = client.post("/reviewer/orgs/org-elder/credit", data=CREDIT)
    assert r.status_code == 302 and index_updates == ["org-elder"]
    client.post(
        "/reviewer/orgs/org-elder/credit",
        data={"kind": "commendation", "date": "2025-03-01", "source": "香洲区民政局"},
    )
    page = client.get("/reviewer/orgs/org-elder").get_data(as_text=True)
    assert ("success", "已添加信用记录。") in _flashes(page)
    kinds = re.findall(r'class="credit-event[^"]*" data-kind="(\w+)"', page)
    assert kinds == ["commendation", "warning"]  # newest first
    assert "年报逾期" in page and "不能修改或删除" in page
    with app.extensions["db"].session() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "credit.record"))
        reads = s.scalars(select(ReadEvent).where(ReadEvent.entity_type == "organization")).all()
        assert {(e.entity_id, e.endpoint) for e in reads} == {("org-elder", "reviewer.org")}


def test_credit_form_refusals(app, client, world):
    login(client, "reviewer")
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    r = client.post(
        "/reviewer/orgs/org-elder/credit",
        data={"kind": "praise", "date": tomorrow, "source": ""},
        follow_redirects=True,
    )
    [(kind, text)] = _flashes(r.get_data(as_text=True))
    assert kind == "error" and "日期不能晚于今天" in text and "必须填写作出决定的机关" in text
    assert client.post("/reviewer/orgs/nobody/credit", data=CREDIT).status_code == 404
    assert client.get("/reviewer/orgs/nobody").status_code == 404
    for role in ("office", "organization", "planner"):
        login(client, role)
        assert client.get("/reviewer/orgs/org-elder").status_code == 403, role
        assert client.post("/reviewer/orgs/org-elder/credit", data=CREDIT).status_code == 403
    with app.extensions["db"].session() as s:
        assert s.scalars(select(CreditEvent)).all() == []


def test_organization_sees_its_own_archive_read_only(app, client, world):
    login(client, "office")
    client.post("/office/needs/n-listed/outcomes/org-elder", data=RESULT)
    login(client, "reviewer")
    client.post("/reviewer/orgs/org-elder/credit", data=CREDIT)
    login(client, "organization")
    page = client.get("/org/profile").get_data(as_text=True)
    assert 'id="credit-archive"' in page and "珠海市民政局" in page and "年报逾期" in page
    assert 'id="performance-history"' in page and "独居长者助餐服务n-listed" in page
    assert "内部备注" in page  # its own record, in full
    assert "/reviewer/orgs/" not in page and "credit-form" not in page
    login(client, "organization_2")
    other = client.get("/org/profile").get_data(as_text=True)
    assert "年报逾期" not in other and 'id="credit-archive-empty"' in other


def test_outcome_form_never_answers_5xx(app, client, world):
    """The acceptance form on a need where it is accepted (test_fuzz_forms reaches it only
    with a need the domain refuses first): hostile values in each field, never a 5xx, and
    nothing invalid is stored."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.web.test_fuzz_forms import HOSTILE

    login(client, "office")
    url = "/office/needs/n-listed/outcomes/org-elder"
    base = {"satisfaction": "80", "evaluation": "良好", "note": ""}

    @given(field=st.sampled_from(sorted(base)), value=HOSTILE)
    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def post(field: str, value: str) -> None:
        r = client.post(url, data={**base, field: value})
        assert r.status_code < 500, (field, value, r.get_data(as_text=True)[:500])

    post()
    for record in _records(app):
        assert 0 <= record.satisfaction <= 100 and record.evaluation == "良好"
        assert record.note is None or len(record.note) <= 2000
