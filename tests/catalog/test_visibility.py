"""The confirmation rule: outside the posting office, reviewers in scope and admins, a suggested
organization becomes visible only after a person confirmed it, and only on a listed need."""

import pytest

from catalog.lifecycle import transition
from catalog.models import SuggestionStatus
from catalog.visibility import can_see_need, public_needs_query, visible_suggestions

S = SuggestionStatus


@pytest.fixture
def need_with_suggestions(make_need, make_org, make_suggestion):
    def build(status: str):
        need = make_need(status=status)
        made = {}
        for rank, st in enumerate((S.SUGGESTED, S.CONFIRMED, S.REJECTED), start=1):
            made[st] = make_suggestion(need, make_org(rank), st, rank=rank)
        return need, made

    return build


INSIDERS = ["office", "reviewer", "reviewer_city", "admin"]
OUTSIDERS = [None, "organization", "planner", "office_other", "reviewer_other"]


@pytest.mark.parametrize("status", ["listed", "matched", "closed"])
@pytest.mark.parametrize("viewer", INSIDERS + OUTSIDERS)
def test_public_need(session, actors, need_with_suggestions, status, viewer):
    need, made = need_with_suggestions(status)
    actor = actors[viewer] if viewer else None
    seen = {s.id for s in visible_suggestions(session, need, actor)}
    if viewer in INSIDERS:
        assert seen == {s.id for s in made.values()}
    else:
        assert seen == {made[S.CONFIRMED].id}
    assert can_see_need(need, actor)


@pytest.mark.parametrize("status", ["submitted", "approved", "returned"])
@pytest.mark.parametrize("viewer", INSIDERS + OUTSIDERS)
def test_unlisted_need(session, actors, need_with_suggestions, status, viewer):
    need, made = need_with_suggestions(status)
    actor = actors[viewer] if viewer else None
    seen = {s.id for s in visible_suggestions(session, need, actor)}
    if viewer in INSIDERS:
        assert seen == {s.id for s in made.values()}
        assert can_see_need(need, actor)
    else:
        assert seen == set()  # not even a confirmed one before the need is listed
        assert can_see_need(need, actor) is (viewer == "planner")


@pytest.mark.parametrize("source", ["draft", "returned", "approved"])
def test_withdrawn_before_listing_is_never_public(session, actors, make_need, source):
    """`withdraw` closes a need; closing does not publish what was never listed."""
    need = make_need(status=source)
    transition(session, need, "withdraw", actors["office"], "不再需要")
    assert need.status == "closed" and not need.is_public
    assert not can_see_need(need, None)
    assert need.id not in {n.id for n in session.scalars(public_needs_query())}
    assert can_see_need(need, actors["office"])
    assert can_see_need(need, actors["planner"]) is (source != "draft")


def test_drafts_stay_with_the_office(actors, make_need):
    need = make_need(status="draft")
    assert can_see_need(need, actors["office"])
    assert not can_see_need(need, actors["reviewer"])
    assert not can_see_need(need, actors["organization"])
    assert not can_see_need(need, None)


def test_public_needs_are_those_once_listed(session, make_need):
    for n, status in enumerate(
        ["draft", "submitted", "approved", "returned", "listed", "matched", "closed"], 1
    ):
        make_need(n=n, status=status)
    shown = {n.status for n in session.scalars(public_needs_query())}
    assert shown == {"listed", "matched", "closed"}
