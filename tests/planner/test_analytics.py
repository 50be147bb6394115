"""The planner aggregates against figures computed by hand from conftest.NEEDS / ORGS."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog.analytics import (
    NeedFilter,
    fairness,
    gap_table,
    region_figures,
    supply_demand,
    totals,
    unmet_needs,
)

from .conftest import BAITENG, GONGBEI, JIDA, SANZAO


def cells(rows):
    return {
        (r.region, r.category): (r.needs, r.matched, r.unmet, r.pending, dict(r.reasons))
        for r in rows
    }


def reasons(no_service=0, no_coverage=0, no_capacity=0):
    return {"no_service": no_service, "no_coverage": no_coverage, "no_capacity": no_capacity}


def test_street_by_category(small_catalog):
    got = cells(gap_table(small_catalog))
    assert got == {
        (GONGBEI, "居家养老"): (3, 2, 1, 0, reasons(no_capacity=1)),
        (GONGBEI, "心理咨询"): (1, 0, 1, 0, reasons(no_service=1)),
        (JIDA, "居家养老"): (1, 1, 0, 0, reasons()),
        (BAITENG, "社区矫正"): (2, 0, 1, 1, reasons(no_coverage=1)),
        (SANZAO, None): (1, 0, 1, 0, reasons(no_service=1)),
    }  # the draft n8 is not counted


def test_district_rollup_and_money(small_catalog):
    got = cells(gap_table(small_catalog, level="district"))
    assert got[("440402", "居家养老")] == (4, 3, 1, 0, reasons(no_capacity=1))
    fig = region_figures(small_catalog)
    assert set(fig) == {"440402", "440403", "440404"}
    xz = fig["440402"]
    assert (xz.needs, xz.matched, xz.unmet) == (5, 3, 2)
    assert (xz.unmet_budget_yuan, xz.unmet_beneficiaries) == (130_000, 60)
    assert (xz.budget_yuan, xz.beneficiaries) == (300_000, 145)
    assert (fig["440403"].unmet_budget_yuan, fig["440404"].unmet_beneficiaries) == (70_000, 15)


def test_city_totals(small_catalog):
    (city,) = gap_table(small_catalog, level="city", by_category=False)
    assert city.region == "440400"
    assert (city.needs, city.matched, city.unmet, city.pending) == (8, 3, 4, 1)
    assert city.reasons == reasons(no_service=2, no_coverage=1, no_capacity=1)
    assert city.unmet_budget_yuan == 220_000
    assert totals(gap_table(small_catalog)).unmet == 4


def test_api_row_shape(small_catalog):
    row = gap_table(small_catalog, NeedFilter(street=BAITENG))[0].as_api()
    assert row == {
        "region": BAITENG,
        "category": "社区矫正",
        "needs": 2,
        "matched": 0,
        "unmet": 1,
        "reasons": reasons(no_coverage=1),
    }


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (NeedFilter(district="440403"), (2, 0, 1)),
        (NeedFilter(category="居家养老"), (4, 3, 1)),
        (NeedFilter(statuses=("draft",)), (1, 0, 0)),
        (NeedFilter(statuses=("approved",)), (6, 1, 4)),
        (NeedFilter(since=dt.date(2024, 6, 1)), (7, 3, 3)),
        (NeedFilter(until=dt.date(2024, 3, 1)), (1, 0, 1)),
        (NeedFilter(scope="440402"), (5, 3, 2)),
        (NeedFilter(scope="440403", district="440402"), (0, 0, 0)),
        (NeedFilter(scope="440400", street=SANZAO), (1, 0, 1)),
    ],
)
def test_filters(small_catalog, flt, expected):
    t = totals(gap_table(small_catalog, flt))
    assert (t.needs, t.matched, t.unmet) == expected


def test_unmet_needs_are_exactly_the_flagged_ones(small_catalog):
    rows = unmet_needs(small_catalog)
    assert [r.id for r in rows] == ["n2", "n5", "n3", "n7"]  # by budget, largest first
    assert rows[-1].as_api() == {
        "id": "n7",
        "street": SANZAO,
        "category": None,
        "reason": "no_service",
    }
    assert [r.id for r in unmet_needs(small_catalog, NeedFilter(district="440402"))] == ["n2", "n3"]


def test_supply_demand(small_catalog):
    rows = {(r.street, r.category): r for r in supply_demand(small_catalog)}
    # o1 (Xiangzhou, capacity 3, one running confirmed) + o2 (Gongbei only, 2, one running)
    gb = rows[(GONGBEI, "居家养老")]
    assert (gb.organizations, gb.capacity, gb.free_capacity, gb.needs, gb.unmet) == (2, 5, 3, 3, 1)
    jd = rows[(JIDA, "居家养老")]
    assert (jd.organizations, jd.free_capacity, jd.needs) == (1, 2, 1)
    # demand nobody serves there: no organization row, but the needs show
    bt = rows[(BAITENG, "社区矫正")]
    assert (bt.organizations, bt.free_capacity, bt.needs, bt.unmet) == (0, 0, 2, 1)
    # supply without demand (city-wide o3) appears on every street
    assert rows[(SANZAO, "社区环境")].organizations == 1
    assert sum(1 for k in rows if k[1] == "社区环境") == 31
    # uncategorised needs have no supply row
    assert all(k[1] is not None for k in rows)
    only = supply_demand(small_catalog, NeedFilter(district="440403", category="社区矫正"))
    assert [(r.street, r.organizations, r.needs) for r in only] == [(BAITENG, 0, 2)]


def test_fairness_bands(small_catalog):
    rows = {(r.dimension, r.band): r for r in fairness(small_catalog, year=2025)}
    small = rows[("size", "staff_1_9")]  # o1
    assert (small.organizations, small.suggested, small.confirmed, small.rejected) == (1, 2, 1, 0)
    big = rows[("size", "staff_30_plus")]  # o2
    assert (big.suggested, big.confirmed, big.rejected) == (3, 2, 1)
    assert big.confirm_rate == pytest.approx(2 / 3)
    assert small.suggestion_share == pytest.approx(0.4)
    assert big.confirmation_share == pytest.approx(2 / 3)
    assert small.org_share == pytest.approx(1 / 3)
    assert rows[("size", "staff_10_29")].suggested == 0
    assert rows[("size", "staff_10_29")].confirm_rate is None
    assert rows[("age", "years_0_2")].organizations == 1
    assert rows[("age", "years_10_plus")].confirmed == 2
    assert rows[("age", "years_3_9")].organizations == 1
    assert rows[("rating", "unrated")].suggested == 2
    assert rows[("rating", "AAAAA")].confirmed == 2
    assert rows[("rating", "AAA")].organizations == 1
    assert rows[("rating", "AA")].organizations == 0
    # suggestions are counted on the filtered needs only
    jd = {(r.dimension, r.band): r for r in fairness(small_catalog, NeedFilter(street=JIDA), 2025)}
    assert jd[("size", "staff_1_9")].suggested == 1
    assert jd[("size", "staff_30_plus")].confirmed == 1


def test_drafts_reach_planners_only_as_counts(small_catalog):
    """Even a draft flagged as a gap (say, matched before it was pulled back) is counted in the
    figures a planner asks for, but its title never appears in the unmet-needs list."""
    from catalog.models import Need

    draft = small_catalog.get(Need, "n8")
    draft.gap, draft.gap_reason, draft.submitted_at = True, "no_service", None
    small_catalog.flush()
    everything = NeedFilter(statuses=("draft", "approved"))
    assert totals(gap_table(small_catalog, everything)).unmet == 5
    assert "n8" not in {r.id for r in unmet_needs(small_catalog, everything)}
