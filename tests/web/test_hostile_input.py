"""Hostile values typed into URLs and forms of the pages (issue 17, findings 8, 9 and 13): huge
or Unicode numbers, dates at the ends of the calendar, NULs in a path, LIKE wildcards, overlong
reasons, text-direction controls, and the sign-in throttle's Retry-After. Each was a 500 (or a
silent misbehaviour) before; now a page, a 400/404 or a message naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from catalog.analytics import NeedFilter
from catalog.models import Account, AuditEvent, Need, Suggestion
from catalog.validation import MAX_REASON
from tests.web.test_office import GOOD
from tests.web.web_world import PASSWORD, build_world, login, throttled_app

HUGE = "99999999999999999999"
UNICODE_DIGITS = ("²", "①", "١٢", "１２")
RLO = "\u202e"


@pytest.fixture
def world(app):
    return build_world(app)


def _need(app, need_id: str) -> Need:  # noqa: ANN001
    with app.extensions["db"].session() as s:
        return s.get(Need, need_id)


def test_one_reader_for_numbers_and_days():
    from web.platform.input_guard import parse_day, parse_int

    assert parse_int("42", 1, 100) == 42
    assert parse_int("-3") == -3
    for bad in (*UNICODE_DIGITS, HUGE, "", " 4", "4.0", "0x10", "1e3", None):
        assert parse_int(bad, 1, 10**30) is None, bad
    assert parse_int("101", 1, 100) is None
    assert parse_day("2024-02-29") == dt.date(2024, 2, 29)
    for bad in ("9999-12-31", "0001-01-01", "2024-02-30", "２０２４-01-01", "2024-1-1", "null"):
        assert parse_day(bad) is None, bad


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (None, "/"),
        ("office", "/office/"),
        ("reviewer", "/reviewer/"),
        ("admin", "/admin/audit"),
        ("admin", "/admin/reads"),
    ],
)
def test_huge_or_unicode_page_numbers_open_the_list(client, world, who, url):
    if who:
        login(client, who)
    for page in (HUGE, *UNICODE_DIGITS, "-1"):
        r = client.get(f"{url}?page={page}")
        assert r.status_code == 200, (url, page, r.status_code)


@pytest.mark.parametrize(
    "url",
    [
        "/planner/",
        "/planner/gaps",
        "/planner/needs",
        "/planner/supply",
        "/planner/fairness",
        "/planner/print",
        "/planner/export/gaps.csv",
        "/planner/export/all.xlsx",
    ],
)
def test_planner_pages_take_days_at_the_ends_of_the_calendar(client, world, url):
    login(client, "planner")
    for query in ("until=9999-12-31", "since=0001-01-01", "since=0001-01-01&until=9999-12-31"):
        r = client.get(f"{url}?{query}")
        assert r.status_code == 200, (url, query, r.status_code)


def test_need_filter_takes_the_calendars_first_and_last_day(app, world):
    """The domain filter itself is total: the first and last days bound nothing."""

    def count(flt: NeedFilter) -> int:
        with app.extensions["db"].session() as s:
            return s.scalar(select(func.count()).select_from(Need).where(*flt.conditions()))

    everything = count(NeedFilter())
    assert everything == 4  # the needs past draft
    assert count(NeedFilter(since=dt.date.min)) == everything
    assert count(NeedFilter(until=dt.date.max)) == everything
    assert count(NeedFilter(since=dt.date(2999, 1, 1))) == 0


def test_admin_log_days_at_the_ends_of_the_calendar(client, world):
    login(client, "admin")
    for url in ("/admin/audit", "/admin/reads"):
        for query in ("to=9999-12-31", "from=0001-01-01", "from=２０２４-01-01"):
            assert client.get(f"{url}?{query}").status_code == 200, (url, query)


def test_unicode_digits_in_number_fields_are_refused_by_name(client, world):
    login(client, "office")
    for digits in UNICODE_DIGITS:
        r = client.post("/office/needs/new", data={**GOOD, "beneficiary_count": digits})
        assert r.status_code == 200, (digits, r.status_code)
        assert "beneficiary_count" in r.get_data(as_text=True) or "受益" in r.get_data(as_text=True)


def test_unicode_digits_in_the_decision_version(app, client, world):
    login(client, "office")
    with app.extensions["db"].session() as s:
        sid = s.scalar(select(Suggestion.id).where(Suggestion.need_id == "n-approved"))
    for version in ("²", "①", HUGE):
        r = client.post(f"/office/suggestions/{sid}/confirm", data={"version": version})
        assert r.status_code == 302, (version, r.status_code)


def test_huge_ids_in_paths_are_no_such_page(app, client, world):
    login(client, "reviewer")
    assert client.get(f"/reviewer/inspections/{HUGE}").status_code == 404
    assert client.get("/reviewer/inspections/١").status_code == 404
    login(client, "office")
    assert client.post(f"/office/suggestions/{HUGE}/confirm").status_code == 404


def test_a_nul_in_a_path_is_refused(client, world):
    """PostgreSQL refuses NUL in text: the id must not reach the database."""
    assert client.get("/notice/n-listed%00x").status_code == 400
    login(client, "office")
    assert client.get("/office/needs/n-draft%00").status_code == 400


def test_like_wildcards_are_literal(app, client, world):
    board = client.get("/").get_data(as_text=True)
    assert "n-listed" in board
    for query in ("district=%25", "district=4404_2", "q=%25", "q=_"):
        page = client.get(f"/?{query}").get_data(as_text=True)
        assert "独居长者助餐服务n-listed" not in page, query
    login(client, "admin")
    audit = client.get("/admin/audit?action=%25").get_data(as_text=True)
    assert "<td data-label=" not in audit


@pytest.mark.parametrize(
    ("who", "url", "need_id"),
    [
        ("office", "/office/needs/n-draft/action/withdraw", "n-draft"),
        ("reviewer", "/reviewer/needs/n-submitted/action/return", "n-submitted"),
    ],
)
def test_reasons_on_pages_are_capped_like_the_api(app, client, world, who, url, need_id):
    login(client, who)
    before = _need(app, need_id).status
    r = client.post(url, data={"reason": "理" * (MAX_REASON + 1)}, follow_redirects=True)
    assert r.status_code == 200
    assert _need(app, need_id).status == before
    page = r.get_data(as_text=True)
    assert "reason" in page and str(MAX_REASON) in page
    client.post(url, data={"reason": "理" * MAX_REASON})
    assert _need(app, need_id).status != before


def test_rejection_reason_on_the_page_is_capped(app, client, world):
    login(client, "office")
    with app.extensions["db"].session() as s:
        sid = s.scalar(select(Suggestion.id).where(Suggestion.need_id == "n-approved"))
    client.post(f"/office/suggestions/{sid}/reject", data={"reason": "x" * (MAX_REASON + 1)})
    with app.extensions["db"].session() as s:
        assert s.get(Suggestion, sid).status == "suggested"


def test_text_direction_controls_are_refused_by_field(app, client, world):
    login(client, "office")
    for field in ("title", "description", "beneficiaries"):
        value = GOOD[field] + RLO + "exe.txt"
        r = client.post("/office/needs/new", data={**GOOD, field: value})
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and "U+202E" in page, field
    with app.extensions["db"].session() as s:
        assert not s.scalar(select(func.count()).where(Need.title.contains(RLO)))
    client.post("/office/needs/n-draft/action/withdraw", data={"reason": "撤回" + RLO})
    assert _need(app, "n-draft").status == "draft"


def test_page_sign_in_429_says_when_to_retry(database_url, tmp_path):
    app = throttled_app(database_url, str(tmp_path / "index"))
    client = app.test_client()
    answers = [
        client.post("/login", data={"username": "office_gb", "password": "wrong-guess-1"})
        for _ in range(11)
    ]
    blocked = answers[-1]
    assert blocked.status_code == 429
    # "10 per minute": the window, plus up to one second, because flask-limiter reports the reset
    # as int(reset + 1), a whole second at or after the real one; 61 is truthful too.
    assert 1 <= int(blocked.headers["Retry-After"]) <= 61
    assert "Too many" in blocked.get_data(as_text=True) or "过多" in blocked.get_data(as_text=True)
    app.extensions["db"].dispose()
    assert PASSWORD  # the right password would be refused too while blocked


def test_audit_action_filter_still_matches_prefixes(client, world):
    login(client, "admin")
    with client.application.extensions["db"].session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) > 0
    page = client.get("/admin/audit?action=account.").get_data(as_text=True)
    assert "<td data-label=" in page


def test_text_direction_controls_refused_in_display_names(app, client, world):
    """A display name is shown in the header and becomes `posted_by` of the API's needs."""
    login(client, "office")
    r = client.post(
        "/account/preferences", data={"display_name": "拱北" + RLO + "街道", "locale": ""}
    )
    assert r.status_code == 400 and 'id="error-display_name"' in r.get_data(as_text=True)
    login(client, "admin")
    r = client.post(
        f"/admin/accounts/{world.account_ids['office']}",
        data={"role": "office", "scope": "440402005", "display_name": RLO + "x"},
    )
    assert 'id="error-display_name"' in r.get_data(as_text=True)
    with app.extensions["db"].session() as s:
        names = s.scalars(select(Account.display_name)).all()
    assert not any(RLO in (n or "") for n in names)
