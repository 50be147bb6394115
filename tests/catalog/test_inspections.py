"""Sampled inspections: who may draw, what the population is, that the sample is the seeded
uniform draw the record says it is, that a project is drawn once, and that a result is final
and lands in the credit archive with an audit trail."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from catalog.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from catalog.inspections import (
    draw_inspections,
    eligible_projects,
    load_draw,
    parse_rate,
    record_inspection,
    sample,
    visible_draws,
)
from catalog.models import AuditEvent, CreditEvent, InspectionItem


@pytest.fixture
def projects(make_need, make_org, make_suggestion):
    """Ten matched or closed needs of 拱北 with one confirmed organization each, plus needs
    that are not projects (listed; a rejected suggestion)."""
    orgs = [make_org(i) for i in range(1, 6)]
    out = []
    for i in range(10):
        need = make_need(100 + i, status="matched" if i % 2 else "closed")
        make_suggestion(need, orgs[i % 5], status="confirmed")
        out.append((need.id, orgs[i % 5].id))
    listed = make_need(200, status="listed")
    make_suggestion(listed, orgs[0], status="confirmed")
    make_suggestion(make_need(201, status="matched"), orgs[1], status="rejected")
    return sorted(out)


def test_population_is_confirmed_projects_of_matched_or_closed_needs_in_scope(
    session, actors, projects
):
    assert eligible_projects(session, actors["reviewer"]) == projects
    assert eligible_projects(session, actors["reviewer_city"]) == projects
    assert eligible_projects(session, actors["reviewer_other"]) == []


def test_draw_is_the_seeded_uniform_sample_and_is_audited(session, actors, projects):
    draw = draw_inspections(session, actors["reviewer"], "30%", seed=12345)
    drawn = [(i.need_id, i.org_id) for i in draw.items]
    assert len(drawn) == math.ceil(0.3 * len(projects)) == 3
    assert drawn == sample([tuple(p) for p in draw.population], draw.rate, draw.seed)
    assert [tuple(p) for p in draw.population] == projects
    assert (draw.drawn_by, draw.scope, draw.rate, draw.seed) == ("rev-xz", "440402", 0.3, 12345)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "inspection.draw")).one()
    assert event.detail == {"rate": 0.3, "seed": 12345, "population": 10, "drawn": 3}


def test_a_project_is_drawn_once(session, actors, projects):
    first = draw_inspections(session, actors["reviewer"], 0.5, seed=1)
    taken = {(i.need_id, i.org_id) for i in first.items}
    rest = eligible_projects(session, actors["reviewer"])
    assert taken.isdisjoint(rest) and len(rest) == len(projects) - len(taken)
    second = draw_inspections(session, actors["reviewer"], 1.0, seed=2)
    assert {(i.need_id, i.org_id) for i in second.items} == set(rest)
    with pytest.raises(NotFound):
        draw_inspections(session, actors["reviewer"], 0.2)


def test_different_seeds_draw_differently_and_every_project_can_be_drawn(projects):
    seen = set()
    for seed in range(200):
        seen.update(sample(projects, 0.2, seed))
    assert seen == set(projects)  # uniform: nobody is exempt
    assert sample(projects, 0.2, 7) == sample(list(reversed(projects)), 0.2, 7)


@pytest.mark.parametrize("value", ["0", "3%", "abc", "", None, "150%", "-20", "nan"])
def test_rate_is_validated_with_the_field_named(value):
    with pytest.raises(ValidationFailed) as exc:
        parse_rate(value)
    assert exc.value.errors[0].field == "rate" and "抽查比例" in exc.value.errors[0].zh


@pytest.mark.parametrize(("value", "rate"), [("20", 0.2), ("25%", 0.25), (0.3, 0.3), ("1", 1.0)])
def test_rate_accepts_percent_and_fraction(value, rate):
    assert parse_rate(value) == pytest.approx(rate)


@pytest.mark.parametrize("who", ["office", "planner", "organization"])
def test_only_reviewers_draw(session, actors, projects, who):
    with pytest.raises(NotAllowed):
        draw_inspections(session, actors[who], 0.2)


def test_result_becomes_a_credit_entry_and_is_final(session, actors, projects):
    draw = draw_inspections(session, actors["reviewer"], 0.2, seed=3)
    passed, failed = draw.items[0], draw.items[1]
    record_inspection(session, actors["reviewer"], passed.id, "pass", "香洲区民政局", "台账齐全")
    record_inspection(session, actors["reviewer"], failed.id, "fail", "香洲区民政局", None)
    events = {e.id: e for e in session.scalars(select(CreditEvent))}
    ok, warning = events[passed.credit_event_id], events[failed.credit_event_id]
    assert (ok.kind, ok.org_id, ok.source) == ("inspection_pass", passed.org_id, "香洲区民政局")
    assert passed.need_id in ok.note and "台账齐全" in ok.note
    assert (warning.kind, warning.org_id) == ("warning", failed.org_id)
    assert (passed.result, passed.inspected_by) == ("pass", "rev-xz")
    with pytest.raises(Conflict):
        record_inspection(session, actors["reviewer"], passed.id, "fail", "香洲区民政局")
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("inspection.%"))
    ).all()
    assert sorted(actions) == ["inspection.draw", "inspection.record", "inspection.record"]


def test_result_refusals(session, actors, projects):
    draw = draw_inspections(session, actors["reviewer"], 0.2, seed=4)
    item = draw.items[0]
    with pytest.raises(ValidationFailed) as exc:
        record_inspection(session, actors["reviewer"], item.id, "maybe", "香洲区民政局")
    assert exc.value.errors[0].field == "result"
    with pytest.raises(ValidationFailed) as exc:
        record_inspection(session, actors["reviewer"], item.id, "pass", "  ")
    assert exc.value.errors[0].field == "source"
    with pytest.raises(NotFound):  # another district's reviewer does not see this draw
        record_inspection(session, actors["reviewer_other"], item.id, "pass", "斗门区民政局")
    with pytest.raises(NotFound):
        record_inspection(session, actors["reviewer"], 999999, "pass", "香洲区民政局")
    assert session.get(InspectionItem, item.id).result is None
    assert session.scalars(select(CreditEvent)).all() == []


def test_who_sees_which_draws(session, actors, projects):
    draw = draw_inspections(session, actors["reviewer"], 0.2, seed=5)
    assert visible_draws(session, actors["reviewer"]) == [draw]
    assert visible_draws(session, actors["reviewer_city"]) == [draw]  # the city sees districts
    assert visible_draws(session, actors["admin"]) == [draw]
    assert visible_draws(session, actors["reviewer_other"]) == []
    with pytest.raises(NotFound):
        load_draw(session, actors["reviewer_other"], draw.id)
    assert load_draw(session, actors["reviewer_city"], draw.id) is draw


def test_a_concurrent_draw_of_the_same_project_is_a_conflict(
    session, actors, projects, monkeypatch
):
    """Two reviewers (city and district) drawing at once: the unique (need, organization) of
    inspection items refuses the second, as a Conflict to retry rather than a crash."""
    population = eligible_projects(session, actors["reviewer"])
    first = draw_inspections(session, actors["reviewer"], 1.0, seed=1)
    assert len(first.items) == len(population)
    # The second reviewer read the population before the first draw was written.
    monkeypatch.setattr("catalog.inspections.eligible_projects", lambda _s, _a: population)
    with pytest.raises(Conflict) as exc:
        draw_inspections(session, actors["reviewer_city"], 0.5, seed=2)
    assert "重新抽取" in exc.value.zh
