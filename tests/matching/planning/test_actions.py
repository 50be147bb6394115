"""Recommended actions on plain records (matching.planning.actions, coverage_search, bundles): the
greedy extend_coverage search, its checks, incubation and joint purchases.

The matcher here takes each need's category as recorded (`recorded_category_matcher`), so the
gap rule's outcome is known by hand: a need is served when an organization offering its category
covers its street and has capacity left."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.planning import coverage_search
from matching.planning.action_service import recorded_category_matcher
from matching.planning.actions import EXTEND, INCUBATE, GapRule, apply, find_gap_needs
from matching.planning.bundles import OpenNeed, find_bundles
from matching.planning.coverage_search import extend_coverage, incubate
from matching.records import NeedRecord, OrgRecord
from matching.taxonomy import categories

XZ, DM, JW = "440402", "440403", "440404"  # 香洲, 斗门, 金湾
ALL_NEAR = {XZ: frozenset({DM, JW}), DM: frozenset({XZ, JW}), JW: frozenset({XZ, DM})}
NO_NEAR = {XZ: frozenset(), DM: frozenset(), JW: frozenset()}


@pytest.fixture(scope="module")
def matcher():
    return recorded_category_matcher(categories())


def org(oid: str, cats: list[str], areas: list[str], capacity: int = 3) -> OrgRecord:
    return OrgRecord(oid, oid, "", cats, areas, capacity=capacity)


def need(nid: str, street: str, cat: str) -> NeedRecord:
    return NeedRecord(nid, f"需求{nid}", "", street, category=cat)


def gaps(matcher, orgs, needs):
    return find_gap_needs(matcher, orgs, needs)


def still_gaps(matcher, orgs, needs) -> set[str]:
    return {n.id for n in gaps(matcher, orgs, needs)}


def test_extend_prefers_the_organization_that_closes_most_and_respects_capacity(matcher):
    orgs = [
        org("small", ["居家养老"], ["440402001"], capacity=1),
        org("big", ["居家养老"], ["440402002"], capacity=3),
        org("other-service", ["法律援助"], ["440402"], capacity=9),
    ]
    needs = [
        need(f"n{i}", s, "居家养老") for i, s in enumerate(["440402003", "440402004", "440402005"])
    ]
    found = gaps(matcher, orgs, needs)
    assert len(found) == 3
    actions, working, capacity = extend_coverage(GapRule(matcher), orgs, found, ALL_NEAR)
    assert [(a.organization_id, len(a.closes)) for a in actions] == [("big", 3)]
    assert actions[0].category == "居家养老" and actions[0].tier == 0
    assert sorted(actions[0].add_streets) == ["440402003", "440402004", "440402005"]
    assert capacity["big"] == 0
    assert not still_gaps(matcher, working, needs)


def test_capacity_is_shared_across_actions_and_each_org_acts_once(matcher):
    orgs = [
        org("a", ["居家养老"], ["440402001"], capacity=2),
        org("b", ["居家养老"], ["440402002"], 1),
    ]
    streets = ["440402003", "440402004", "440402005", "440402006"]
    needs = [need(f"n{i}", s, "居家养老") for i, s in enumerate(streets)]
    actions, _, capacity = extend_coverage(
        GapRule(matcher), orgs, gaps(matcher, orgs, needs), ALL_NEAR
    )
    assert [(a.organization_id, len(a.closes)) for a in actions] == [("a", 2), ("b", 1)]
    closed = [i for a in actions for i in a.closes]
    assert len(closed) == len(set(closed)) == 3
    assert capacity == {"a": 0, "b": 0}


def test_nearest_streets_first_then_neighbouring_districts_never_farther(matcher):
    orgs = [org("dm", ["社区矫正"], ["440403001"], capacity=1)]
    needs = [need("near", "440403100", "社区矫正"), need("next", "440402001", "社区矫正")]
    found = gaps(matcher, orgs, needs)
    actions, _, _ = extend_coverage(GapRule(matcher), orgs, found, ALL_NEAR)
    assert [a.add_streets for a in actions] == [["440403100"]]  # same district wins the slot
    wide = [org("dm", ["社区矫正"], ["440403001"], capacity=5)]
    actions, _, _ = extend_coverage(GapRule(matcher), wide, found, ALL_NEAR)
    assert actions[0].add_streets == ["440402001", "440403100"] and actions[0].tier == 1
    actions, _, _ = extend_coverage(GapRule(matcher), wide, found, NO_NEAR)
    assert actions[0].add_streets == ["440403100"] and actions[0].tier == 0


def test_every_prefix_of_the_ranked_actions_closes_what_it_claims(matcher):
    orgs = [
        org("a", ["居家养老"], ["440402001"], 3),
        org("b", ["法律援助"], ["440403001"], 2),
        org("c", ["社区矫正", "居家养老"], ["440404100"], 1),
    ]
    needs = [
        need("e1", "440402002", "居家养老"),
        need("e2", "440402003", "居家养老"),
        need("e3", "440404101", "居家养老"),
        need("l1", "440403100", "法律援助"),
        need("l2", "440403103", "法律援助"),
        need("c1", "440404103", "社区矫正"),
    ]
    actions, _, _ = extend_coverage(GapRule(matcher), orgs, gaps(matcher, orgs, needs), ALL_NEAR)
    assert len(actions) >= 3
    for k in range(1, len(actions) + 1):
        applied = list(orgs)
        for action in actions[:k]:
            applied = apply(applied, action)
        claimed = {i for a in actions[:k] for i in a.closes}
        assert not claimed & still_gaps(matcher, applied, needs), k


def test_a_claim_the_gap_rule_does_not_confirm_is_dropped(matcher, monkeypatch):
    """The search's own shortcut is not trusted: a proposal claiming a need its streets do not
    close keeps only what rerunning the rule on the full records confirms."""
    orgs = [org("a", ["居家养老"], ["440402001"], 3)]
    needs = [need("real", "440402002", "居家养老"), need("false", "440403100", "法律援助")]
    found = gaps(matcher, orgs, needs)
    honest = coverage_search.propose

    def boastful(*args, **kwargs):
        p = honest(*args, **kwargs)
        if p is not None:
            p.closes = [*p.closes, "false"]
        return p

    monkeypatch.setattr(coverage_search, "propose", boastful)
    actions, _, _ = extend_coverage(GapRule(matcher), orgs, found, ALL_NEAR)
    assert [a.closes for a in actions] == [["real"]]


def test_incubate_where_nobody_offers_the_service_or_capacity_is_far_below(matcher):
    orgs = [org("busy", ["法律援助"], ["440403001"], capacity=0)]
    needs = [
        need("x1", "440404100", "安置帮教"),
        need("x2", "440404101", "安置帮教"),
        need("y1", "440403100", "法律援助"),
    ]
    found = gaps(matcher, orgs, needs)
    rule = GapRule(matcher)
    actions, working, capacity = extend_coverage(rule, orgs, found, ALL_NEAR)
    assert actions == []
    incubations, result = incubate(rule, working, found, capacity, ALL_NEAR)
    by_cat = {a.category: a for a in incubations}
    assert by_cat["安置帮教"].kind == INCUBATE and by_cat["安置帮教"].cause == "no_service"
    assert by_cat["安置帮教"].district == JW and by_cat["安置帮教"].closes == ["x1", "x2"]
    assert by_cat["安置帮教"].streets == ["440404100", "440404101"]
    assert by_cat["法律援助"].cause == "low_capacity" and by_cat["法律援助"].district == DM
    assert not still_gaps(matcher, result, needs)


def test_no_incubation_where_free_capacity_is_not_far_below_demand(matcher):
    # The organization could take both needs but reaches them only through a non-neighbour.
    orgs = [org("far", ["法律援助"], ["440402001"], capacity=4)]
    needs = [need("y1", "440403100", "法律援助")]
    found = gaps(matcher, orgs, needs)
    rule = GapRule(matcher)
    actions, working, capacity = extend_coverage(rule, orgs, found, NO_NEAR)
    assert actions == []
    assert incubate(rule, working, found, capacity, ALL_NEAR)[0] == []


def _open(nid: str, street: str, cat: str, text: str, day: int = 1, budget: int = 10_000):
    return OpenNeed(nid, street, cat, text, budget, dt.date(2024, 1, day))


ELDER = "独居老人吃饭难，希望有机构提供上门送餐和定期探访，子女在外地工作。"
LEGAL = "村民打官司不懂程序，也请不起律师，希望有律师定期坐诊解答法律问题。"


def test_bundles_join_similar_needs_of_different_streets():
    needs = [
        _open("a", "440402001", "居家养老", ELDER, budget=50_000),
        _open("b", "440403100", "居家养老", ELDER.replace("定期", "每周"), budget=30_000),
        _open("c", "440402002", "居家养老", LEGAL),  # same category, other topic
        _open("d", "440404100", "法律援助", LEGAL),  # similar text to c, other category
        _open("e", "440404101", "法律援助", "想为辖区青少年开展暑期编程兴趣班。"),
    ]
    bundles = find_bundles(needs, ALL_NEAR)
    assert [(b.needs, b.streets, b.budget_yuan) for b in bundles] == [
        (["a", "b"], ["440402001", "440403100"], 80_000)
    ]
    assert {"送餐", "老人"} <= set(bundles[0].shared_terms)


@pytest.mark.parametrize(
    "change",
    [
        {"street": "440402001"},  # same street: not a joint purchase of several streets
        {"day": 28, "window": 20},  # posted too far apart
        {"near": NO_NEAR, "street": "440403100"},  # districts that do not border
    ],
)
def test_no_bundle_of_one_street_far_in_time_or_place(change):
    other = _open(
        "b", change.get("street", "440402002"), "居家养老", ELDER, day=change.get("day", 1)
    )
    needs = [_open("a", "440402001", "居家养老", ELDER), other]
    found = find_bundles(needs, change.get("near", ALL_NEAR), window_days=change.get("window", 180))
    assert found == []


def test_action_items_have_exactly_the_documented_keys(matcher):
    orgs = [org("a", ["居家养老"], ["440402001"], 3)]
    found = gaps(matcher, orgs, [need("n", "440402002", "居家养老")])
    actions, _, _ = extend_coverage(GapRule(matcher), orgs, found, ALL_NEAR)
    assert actions[0].kind == EXTEND
    assert set(actions[0].as_api()) == {
        "kind",
        "organization_id",
        "add_streets",
        "category",
        "closes",
        "reason",
    }
