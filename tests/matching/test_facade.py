"""The façade web goes through: settings from a config mapping, the matcher built and shared
from them, and an organization's opportunities from the results matching wrote."""

import pytest

from catalog.models import Need, Organization, Suggestion
from matching import facade


def test_settings_come_from_the_config_keys():
    def factory(_session):
        raise AssertionError("not called")

    s = facade.Settings.from_config(
        {"MATCHER_FACTORY": factory, "MATCHING_INDEX_DIR": "/x/index", "MATCHING_MODEL": ""}
    )
    assert s == facade.Settings(factory=factory, index_dir="/x/index")


def test_opportunities_ranked_live_until_matching_ran_then_from_its_results(db, factory):
    settings = facade.Settings(factory=factory)
    with db.session() as s:
        live = facade.opportunities(s, "o-elder-s1", settings)
        assert [o.need.id for o in live.items][0] == "n1" and live.source == "matcher"
        live_score = live.items[0].score
        assert facade.opportunities(s, "o-legal-city", settings).items[0].need.id == "n2"
    with db.session() as s:
        assert {r.need_id for r in facade.match_all(s, settings)} == {"n1", "n2"}

    def broken(_session):
        raise RuntimeError("not needed: every listed need has results")

    with db.session() as s:
        done = facade.opportunities(s, "o-elder-s1", facade.Settings(factory=broken))
        assert done.source == "matcher" and done.items[0].need.id == "n1"
        # The same pair scores the same whichever side asked (same features and ranker).
        assert done.items[0].score == pytest.approx(live_score)
        mine = s.query(Suggestion).filter_by(need_id="n1", org_id="o-elder-s1").one()
        assert done.items[0].reasons == mine.reasons
        mine.status = "rejected"
    with db.session() as s:
        after = facade.opportunities(s, "o-elder-s1", facade.Settings(factory=broken))
        assert "n1" not in [o.need.id for o in after.items]


def test_profile_stands_in_when_the_matcher_cannot_run(db):
    def broken(_session):
        raise RuntimeError("no model")

    with db.session() as s:  # the profile needs the need's category: a person set it here
        s.get(Need, "n1").category_name = "居家养老"
    with db.session() as s:
        found = facade.opportunities(s, "o-elder-s1", facade.Settings(factory=broken))
        assert found.source == "profile"
        assert [(o.need.id, o.score, o.rank) for o in found.items] == [("n1", None, 1)]
        with pytest.raises(LookupError):
            facade.opportunities(s, "no-such-org", facade.Settings(factory=broken))


def test_shared_matcher_is_rebuilt_only_when_the_catalog_changes(db, factory):
    settings = facade.Settings(factory=factory)
    with db.session() as s:
        first = facade.shared_matcher(s, settings)
        assert facade.shared_matcher(s, settings) is first
        org = s.get(Organization, "o-youth")
        org.description = "儿童保护与亲子活动"
        org.profile_version = (org.profile_version or 1) + 1
        s.flush()
        assert facade.shared_matcher(s, settings) is not first


def test_suggest_category_from_the_shipped_classifier(db):
    with db.session() as s:
        guess = facade.suggest_category(s.get(Need, "n1"))
    if guess is None:
        pytest.skip("no shipped classifier artifact")
    assert guess[0] == "居家养老" and 0 < guess[1] <= 1
