"""Codes are for machines: the review queue names an Art. 11 rule in the reader's language
(never `full_time_staff`), and the notice board's CSV shows statuses and categories in words
under its translated headers (never `listed` under 状态)."""

from __future__ import annotations

import csv
import io

import pytest

from catalog.models import Need
from catalog.prohibited import load_rules, rule_name
from matching.taxonomy import prohibited_types
from tests.web.web_world import build_world, login


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.extensions["db"].session() as s:
        need = s.get(Need, "n-submitted")
        need.prohibited, need.prohibited_rule = True, "full_time_staff"
        s.get(Need, "n-other_submitted").street_code = "440402005"
        other = s.get(Need, "n-other_submitted")
        other.prohibited, other.prohibited_rule = True, "staffing"  # the matcher's id
        s.commit()
    return world


def test_every_rule_the_matcher_or_the_catalog_flags_has_a_name():
    ids = [r.id for r in load_rules()] + [t.rule for t in prohibited_types()]
    assert len(ids) >= 10
    assert all(rule_name(i) for i in ids), [i for i in ids if not rule_name(i)]
    assert rule_name("staffing") == rule_name("full_time_staff")
    assert rule_name("no_such_rule") is None


@pytest.mark.parametrize(
    ("locale", "name"),
    [
        ("zh_Hans_CN", "雇用专职人员"),
        ("zh_Hant_TW", "僱用專職人員"),
        ("en", "Hiring full-time staff"),
    ],
)
def test_review_queue_names_the_rule(client, world, locale, name):
    login(client, "reviewer")
    page = client.get(f"/reviewer/?lang={locale}").get_data(as_text=True)
    assert page.count(name) == 2, page
    assert "full_time_staff" not in page and "staffing" not in page


@pytest.mark.parametrize(
    ("locale", "status", "category"),
    [
        ("zh_Hans_CN", "征集中", "居家养老"),
        ("zh_Hant_TW", "徵集中", "居家養老"),
        ("en", "Open for interest", None),
    ],
)
def test_notice_csv_shows_words_not_codes(client, world, locale, status, category):
    body = client.get(f"/notice.csv?lang={locale}").get_data(as_text=True).lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body)))
    (row,) = [r for r in rows if r[0] == "n-listed"]
    assert header[2] != "Status" or locale == "en"
    assert row[2] == status
    assert "listed" not in row
    if category:
        assert row[5] == category
