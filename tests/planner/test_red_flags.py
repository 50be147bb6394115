"""Integrity red flags (catalog.analytics.red_flags): on a catalog with a clean history none is
raised; with one case of each indicator planted, each is found exactly once, naming the needs,
organization and office behind it, and explained in three languages."""

from __future__ import annotations

from collections import Counter

from catalog.analytics import NeedFilter
from catalog.analytics.red_flags import INDICATORS, Thresholds, red_flags

from .red_flag_world import CUIXIANG, PLANTED, build_clean, plant


def test_a_clean_history_raises_no_flag(session):
    build_clean(session)
    assert red_flags(session) == []


def test_each_planted_flag_is_found_once(session):
    build_clean(session)
    plant(session)
    flags = red_flags(session)
    assert Counter(f.indicator for f in flags) == dict.fromkeys(INDICATORS, 1)
    for flag in flags:
        needs, org, office = PLANTED[flag.indicator]
        assert (flag.need_ids, flag.organization_id, flag.office) == (needs, org, office)
        text = flag.explanation
        assert text["kind"] == flag.indicator and text["zh"] and text["zh_hant"] and text["en"]
    by = {f.indicator: f for f in flags}
    assert by["repeat_award"].value == 3
    assert by["short_notice"].value == 1.5
    assert by["fast_decision"].value < 0.1  # hours: five minutes
    assert "5 分钟" in by["fast_decision"].explanation["zh"]
    assert "1.5 天" in by["short_notice"].explanation["zh"]
    assert "1.5 天" in by["short_notice"].explanation["zh_hant"]


def test_flags_follow_the_filter_and_scope(session):
    build_clean(session)
    plant(session)
    only = red_flags(session, NeedFilter(street=CUIXIANG))
    assert [f.indicator for f in only] == ["repeat_award"]
    assert red_flags(session, NeedFilter(scope="440403")) == []  # Doumen's planner: none there


def test_thresholds_are_settings(session):
    build_clean(session)
    plant(session)
    relaxed = Thresholds(repeat_min=4, notice_min_days=1, fast_factor=0.001)
    left = {f.indicator for f in red_flags(session, thresholds=relaxed)}
    assert left == {"single_suggestion", "closed_without_acceptance"}


def test_api_items_have_the_documented_keys(session):
    build_clean(session)
    plant(session)
    items = {f.indicator: f.as_api() for f in red_flags(session)}
    assert set(items["repeat_award"]) == {
        "indicator",
        "need_ids",
        "organization_id",
        "office",
        "value",
        "explanation",
    }
    assert "organization_id" not in items["short_notice"]
