"""The façade web goes through: settings from a config mapping, the matcher built and shared
from them, and an organization's opportunities from the results matching wrote."""

import pytest

from catalog import opportunities
from catalog.models import Need, Organization, Suggestion
from matching import facade


def test_settings_come_from_the_config_keys():
    def factory(_session):
        raise AssertionError("not called")

    s = facade.Settings.from_config(
        {"MATCHER_FACTORY": factory, "MATCHING_INDEX_DIR": "/x/index", "MATCHING_MODEL": ""}
    )
    assert s == facade.Settings(factory=factory, index_dir="/x/index")


def test_matching_writes_the_organizations_opportunities(db, factory):
    """Matching a listed need writes its suggestions and, in the same step, the suggested
    organizations' opportunity rows: same score and reasons, no matcher needed to read them."""
    settings = facade.Settings(factory=factory)
    with db.session() as s:
        assert opportunities.page(s, "o-elder-s1") == []  # nothing matched yet
    with db.session() as s:
        assert {r.need_id for r in facade.match_all(s, settings)} == {"n1", "n2"}
    with db.session() as s:
        first = opportunities.page(s, "o-elder-s1")[0]
        assert first.id == "n1"
        assert opportunities.page(s, "o-legal-city")[0].id == "n2"
        mine = s.query(Suggestion).filter_by(need_id="n1", org_id="o-elder-s1").one()
        assert (first.score, first.reasons) == (pytest.approx(mine.score), mine.reasons)


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
