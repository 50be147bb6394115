"""Team proposals (组团建议) for gap needs, on small catalogs built in code: each shape, no team
when nothing fits, no hard filter on size, age or grade (Art. 16), deterministic output."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from matching.channels.classifier import PROHIBITED
from matching.planning.teams import attach_teams, propose_teams
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.records import OrgRecord
from matching.taxonomy import categories

from ..conftest import S1, S2, S3, need

CATS = [c.name for c in categories()]
YEAR = 2025


class FixedClassifier:
    """Returns one fixed category distribution for every text: lets a test set the split."""

    def __init__(self, probs: dict[str, float]) -> None:
        self.classes = CATS + [PROHIBITED]
        rest = (1.0 - sum(probs.values())) / (len(CATS) - len(probs))
        self.row = np.array([probs.get(c, rest) for c in CATS] + [0.0])
        self.meta: dict = {}

    def predict_proba(self, texts):
        return np.tile(self.row, (len(texts), 1))


def org(oid: str, cats: list[str], areas: list[str], capacity: int = 2, **kw) -> OrgRecord:
    kw.setdefault("staff", 20)
    kw.setdefault("founded", 2010)
    kw.setdefault("rating", "AAA")
    return OrgRecord(oid, oid, f"{oid} 的服务", cats, areas, capacity=capacity, **kw)


def elder_catalog() -> list[OrgRecord]:
    """Nobody offering 居家养老 serves S1; S1 has local organizations of other kinds."""
    return [
        org("lead-near", ["居家养老"], [S2]),  # same district (440402), another street
        org("lead-far", ["居家养老"], [S3]),  # another district
        org("vol-s1", ["志愿服务"], [S1], capacity=1),  # community building, local
        org("culture-full", ["社区文化"], [S1], capacity=0),  # local but full
        org("legal-s1", ["法律援助"], [S1], capacity=3),  # local, unrelated, one service
    ]


def teams_for(orgs, n, classifier, config=None):
    m = Matcher(classifier, config=config or MatcherConfig()).index(orgs)
    r = m.match(n)
    return r, propose_teams(m, n, r, year=YEAR)


def members(team) -> list[tuple[str, str]]:
    return [(m.org_id, m.role) for m in team.members]


ELDER = need("n-elder", "老人照护", "为高龄老人上门照护", street=S1, category="居家养老")


def test_no_coverage_outside_lead_with_local_partner(lexicon_classifier):
    r, teams = teams_for(elder_catalog(), ELDER, lexicon_classifier)
    assert r.gap and r.gap_reason == "no_coverage" and r.gap_category == "居家养老"
    assert [members(t) for t in teams] == [
        [("lead-near", "lead"), ("vol-s1", "partner")],  # same district first
        [("lead-far", "lead"), ("vol-s1", "partner")],
    ]
    first = teams[0]
    assert first.shape == "outside_lead" and first.categories == ["居家养老"]
    assert "不覆盖本街道" in first.reasons[0]["zh"] and first.reasons[0]["en"]
    assert all(x["zh"] and x["zh_hant"] and x["en"] for x in first.reasons)
    lead, partner = first.members
    assert lead.category == "居家养老" and partner.category is None
    assert any("同一区" in x["zh"] for x in lead.reasons)
    assert not any("同一区" in x["zh"] for x in teams[1].members[0].reasons)
    assert any("志愿服务" in x["zh"] for x in partner.reasons)
    # Nobody is grassroots here, so no reason says so.
    assert not any(x["kind"] == "fairness" for t in teams for x in t.reasons)


def test_partner_offering_a_related_service_comes_before_community(lexicon_classifier):
    orgs = elder_catalog() + [org("health-s1", ["卫生健康"], [S1])]  # same group as 居家养老
    _, teams = teams_for(orgs, ELDER, lexicon_classifier)
    assert members(teams[0]) == [("lead-near", "lead"), ("health-s1", "partner")]
    assert "相近" in teams[0].members[1].reasons[0]["zh"]
    # The alternative shares nobody with the first team.
    assert members(teams[1]) == [("lead-far", "lead"), ("vol-s1", "partner")]
    assert len(teams) == 3


def test_no_team_without_a_local_partner_or_for_no_service(lexicon_classifier):
    orgs = [o for o in elder_catalog() if o.id != "vol-s1"]
    r, teams = teams_for(orgs, ELDER, lexicon_classifier)
    assert r.gap and teams == []
    veterans = need("n-vet", "退伍老兵", "走访慰问", street=S1, category="退役军人服务")
    r, teams = teams_for(elder_catalog(), veterans, lexicon_classifier)
    assert r.gap_reason == "no_service" and teams == []


def test_no_team_for_a_need_that_is_not_a_gap(lexicon_classifier):
    orgs = elder_catalog() + [org("elder-s1", ["居家养老"], [S1])]
    r, teams = teams_for(orgs, ELDER, lexicon_classifier)
    assert not r.gap and teams == []


def test_no_capacity_brings_capacity_from_elsewhere(lexicon_classifier):
    full = org("elder-s1-full", ["居家养老"], [S1], capacity=2, active_projects=2)
    r, teams = teams_for(elder_catalog() + [full], ELDER, lexicon_classifier)
    assert r.gap_reason == "no_capacity"
    assert members(teams[0]) == [("lead-near", "lead"), ("vol-s1", "partner")]
    assert "承接能力已满" in teams[0].reasons[0]["zh"]
    assert all("elder-s1-full" not in [m.org_id for m in t.members] for t in teams)
    # Nobody offering the service has capacity left anywhere: a team can't create it.
    busy = [
        dataclasses.replace(o, active_projects=o.capacity) if "lead" in o.id else o
        for o in elder_catalog()
    ]
    r, teams = teams_for(busy + [full], ELDER, lexicon_classifier)
    assert r.gap_reason == "no_capacity" and teams == []


SPLIT = {"居家养老": 0.42, "心理咨询": 0.3}


def test_split_need_gets_one_member_per_category():
    orgs = [
        org("elder-s1", ["居家养老"], [S1]),
        org("psy-dist", ["心理咨询"], ["440402"]),
        org("psy-s1", ["心理咨询"], [S1]),
    ]
    cfg = MatcherConfig(gap_threshold=0.75)  # 0.72 served is below it
    r, teams = teams_for(
        orgs, need("n-split", "独居老人心情差", "想有人陪伴"), FixedClassifier(SPLIT), cfg
    )
    assert r.gap
    assert teams[0].shape == "split" and teams[0].categories == ["居家养老", "心理咨询"]
    assert members(teams[0]) == [("elder-s1", "member"), ("psy-s1", "member")]  # street first
    assert members(teams[1]) == [("elder-s1", "member"), ("psy-dist", "member")]
    assert "居家养老" in teams[0].reasons[0]["zh"] and "42%" in teams[0].reasons[0]["zh"]
    assert teams[0].members[1].category == "心理咨询"
    # One local organization offering both: no team needed.
    both = orgs + [org("both-s1", ["居家养老", "心理咨询"], [S1])]
    _, teams = teams_for(
        both, need("n-split", "独居老人心情差", "想有人陪伴"), FixedClassifier(SPLIT), cfg
    )
    assert teams == []


def test_art16_size_age_grade_never_filter():
    """A tiny, new, unrated organization is proposed like any other (Art. 16)."""
    orgs = [
        org("elder-s1", ["居家养老"], [S1]),
        org("psy-tiny", ["心理咨询"], [S1], staff=2, founded=YEAR, rating=None),
    ]
    cfg = MatcherConfig(gap_threshold=0.75)
    n = need("n-split", "独居老人心情差", "想有人陪伴")
    _, teams = teams_for(orgs, n, FixedClassifier(SPLIT), cfg)
    assert members(teams[0]) == [("elder-s1", "member"), ("psy-tiny", "member")]
    tiny = teams[0].members[1]
    fair = [x for x in tiny.reasons if x["kind"] == "fairness"]
    assert fair and "员工不足10人" in fair[0]["zh"] and "not yet rated" in fair[0]["en"]
    assert any(x["kind"] == "fairness" for x in teams[0].reasons)
    assert not any(x["kind"] == "fairness" for x in teams[0].members[0].reasons)


def test_grassroots_wins_only_ties(lexicon_classifier):
    grass = dict(staff=3, founded=YEAR - 1, rating=None)
    orgs = elder_catalog() + [org("lead-near-small", ["居家养老"], [S2], **grass)]
    _, teams = teams_for(orgs, ELDER, lexicon_classifier)
    # Tied with lead-near on structure (same district): the grassroots one comes first.
    assert members(teams[0])[0] == ("lead-near-small", "lead")
    assert any(x["kind"] == "fairness" for x in teams[0].reasons)
    # Not tied: a grassroots lead in another district does not jump the same-district one.
    orgs = elder_catalog() + [org("lead-far-small", ["居家养老"], [S3], **grass)]
    _, teams = teams_for(orgs, ELDER, lexicon_classifier)
    assert members(teams[0])[0] == ("lead-near", "lead")


def test_deterministic_whatever_the_catalog_order(lexicon_classifier):
    orgs = elder_catalog() + [org("health-s1", ["卫生健康"], [S1])]
    _, a = teams_for(orgs, ELDER, lexicon_classifier)
    shuffled = orgs[:]
    random.Random(3).shuffle(shuffled)
    _, b = teams_for(shuffled, ELDER, lexicon_classifier)
    assert [t.as_dict() for t in a] == [t.as_dict() for t in b]


def test_attach_teams_fills_results_as_json(lexicon_classifier):
    m = Matcher(lexicon_classifier).index(elder_catalog())
    needs = [ELDER, need("n-ok", "法律咨询", "请律师", street=S1, category="法律援助")]
    results = m.match_many(needs)
    attach_teams(m, needs, results, year=YEAR)
    assert [len(r.teams) for r in results] == [2, 0]
    t = results[0].teams[0]
    assert set(t) == {"shape", "categories", "members", "reasons"}
    assert set(t["members"][0]) == {"org_id", "role", "category", "reasons"}


@pytest.mark.parametrize("limit", [1, 2])
def test_limit(lexicon_classifier, limit):
    m = Matcher(lexicon_classifier).index(elder_catalog())
    r = m.match(ELDER)
    assert len(propose_teams(m, ELDER, r, limit=limit, year=YEAR)) == limit


# ---------------------------------------------------------------- persisted by the service
BAITENG = "440403001"  # Doumen; only o-elder-far (another Doumen street) does 居家养老 nearby


def _gap_need_in_db(db):
    from catalog.models import Category, Need, Organization, OrgArea

    with db.session() as s:
        vol = Organization(
            id="o-vol-doumen",
            name="斗门邻里志愿服务队",
            credit_code="52440403MJ0000099X",
            org_type="社区社会组织",
            description="组织居民志愿者探访、陪伴和社区活动。",
            capacity=2,
        )
        vol.categories = [s.get(Category, "志愿服务")]
        vol.areas = [OrgArea(region_code="440403", position=0)]
        s.add(vol)
        s.add(
            Need(
                id="n-gap",
                title="高龄老人没人照看",
                description="高龄老人白天没人照看，想请机构上门照护。",
                street_code=BAITENG,
                posted_by="白藤街道办事处",
                beneficiaries="高龄老人",
                beneficiary_count=30,
                budget_yuan=50_000,
                months=12,
                funding="财政资金",
                status="listed",
                category_name="居家养老",
                category_source="office",
            )
        )


def test_service_stores_replaces_and_keeps_invited_members(db, factory):
    from sqlalchemy import select

    from catalog.actors import Actor
    from catalog.models import Need, Suggestion
    from catalog.teams import invite_team
    from matching.service import match_need

    _gap_need_in_db(db)
    with db.session() as s:
        r = match_need(s, "n-gap", factory(s))
        assert r.gap and r.gap_reason == "no_coverage"
        need = s.get(Need, "n-gap")
        teams = [[m["org_id"] for m in t["members"]] for t in need.team_proposals]
        # The lead from the same district first; the one partner in every team.
        assert teams[0] == ["o-elder-far", "o-vol-doumen"] and len(teams) == 3
        first = [
            x.org_id for x in s.scalars(select(Suggestion).where(Suggestion.need_id == "n-gap"))
        ]
    # Make the partner an invited member only (not among the matcher's own suggestions).
    with db.session() as s:
        s.execute(
            Suggestion.__table__.delete().where(
                Suggestion.need_id == "n-gap", Suggestion.org_id == "o-vol-doumen"
            )
        )
    with db.session() as s:
        inv = invite_team(s, Actor.system(), "n-gap", 0)
        assert "o-vol-doumen" in inv.invited
    with db.session() as s:
        match_need(s, "n-gap", factory(s))  # re-match: same proposals, invitation kept
        need = s.get(Need, "n-gap")
        assert [[m["org_id"] for m in t["members"]] for t in need.team_proposals] == teams
        rows = list(s.scalars(select(Suggestion).where(Suggestion.need_id == "n-gap")))
        assert len(rows) == len({x.org_id for x in rows})
        vol = next(x for x in rows if x.org_id == "o-vol-doumen")
        assert vol.status == "suggested" and vol.reasons[0]["kind"] == "team_invite"
        assert vol.rank == max(x.rank for x in rows)
        assert set(first) <= {x.org_id for x in rows}
    # The need stops being a gap: proposals are replaced by none.
    with db.session() as s:
        s.get(Need, "n-gap").street_code = "440403100"  # o-elder-far serves this street
    with db.session() as s:
        r = match_need(s, "n-gap", factory(s))
        assert not r.gap and s.get(Need, "n-gap").team_proposals == []


# ---------------------------------------------------------------- pinned on a mid-size catalog
# A seeded catalog of a few hundred organizations, large enough that every role has more
# candidates than team_context.PER_ROLE and that ties (same tier, same text, grassroots or not) occur.
# The expected teams were recorded from the straightforward per-row implementation; the
# vectorized one must return exactly the same proposals, reasons included (the digest).
PIN_STREETS = ["440402001", "440402002", "440402003", "440402004", "440403100", "440404100"]
PIN_AREAS = PIN_STREETS + ["440402", "440403", "440404", "440400"]
SPARE = "440402006"  # where an organization goes when it loses every area
PIN_TEXTS = ["社区综合服务", "为居民提供上门服务和探访", "长者照护、心理疏导与志愿活动"]


def pin_catalog(seed: int = 11, n: int = 360) -> list[OrgRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(
            OrgRecord(
                f"p{rng.randrange(10**6):06d}-{i}",  # ids not in catalog order
                rng.choice(["邻里中心", "社工站"]),  # few distinct profile texts: ties
                rng.choice(PIN_TEXTS),
                rng.sample(CATS, rng.choice([1, 1, 2, 3, 4])),
                rng.sample(PIN_AREAS, rng.choice([1, 1, 2])),
                capacity=rng.randint(0, 3),
                active_projects=rng.choice([0, 0, 1]),
                credit=rng.choice([0.0, 0.0, -0.5, 0.4]),
                satisfaction=rng.choice([None, 70.0, 92.0]),
                founded=rng.choice([None, YEAR, YEAR - 1, 2012, 2019]),
                staff=rng.choice([None, 3, 8, 25, 60]),
                rating=rng.choice([None, "AAA", "aa", "", "4A"]),
            )
        )
    return out


def withheld(orgs, street, cats, full=False, both=()):
    """Nobody offering `cats` (or all of `both`) covers `street` (full=True: all full)."""
    cut = {street, street[:6], "440400"}
    out = []
    for o in orgs:
        hit = set(cats) & set(o.categories) or (both and set(both) <= set(o.categories))
        if hit and any(a in cut for a in o.areas):
            if full:
                o = dataclasses.replace(o, active_projects=o.capacity)
            else:
                o = dataclasses.replace(o, areas=[a for a in o.areas if a not in cut] or [SPARE])
        out.append(o)
    return out


def pinned_proposals(lexicon_classifier, shuffle: int | None = None) -> dict[str, list[dict]]:
    orgs = pin_catalog()
    specs = [  # (need id, street, category, gap reason made)
        ("pin-cov-1", "440402001", "居家养老", "coverage"),
        ("pin-cov-2", "440403100", "法律援助", "coverage"),
        ("pin-cov-3", "440402004", "心理咨询", "coverage"),
        ("pin-cap-1", "440402002", "社区教育", "capacity"),
        ("pin-cap-2", "440404100", "妇女儿童服务", "capacity"),
    ]
    for _, street, cat, how in specs:
        orgs = withheld(orgs, street, [cat], full=how == "capacity")
    split = {"居家养老": 0.4, "心理咨询": 0.3, "社区就业": 0.22}
    orgs = withheld(orgs, "440402003", ["社区就业"], both=("居家养老", "心理咨询"))
    if shuffle is not None:
        random.Random(shuffle).shuffle(orgs)
    out = {}
    m = Matcher(lexicon_classifier).index(orgs)
    for nid, street, cat, _ in specs:
        n = need(nid, f"{cat}需求", f"居民需要{cat}相关的服务", street=street, category=cat)
        out[nid] = [t.as_dict() for t in propose_teams(m, n, m.match(n), year=YEAR)]
    m = Matcher(FixedClassifier(split), config=MatcherConfig(gap_threshold=0.95)).index(orgs)
    n = need("pin-split", "独居老人心情差还想找工作", "想有人陪伴", street="440402003")
    out["pin-split"] = [t.as_dict() for t in propose_teams(m, n, m.match(n), year=YEAR)]
    return out


PINNED = {
    "pin-cov-1": [
        ("outside_lead", [("p735697-310", "lead"), ("p206139-10", "partner")]),
        ("outside_lead", [("p125537-181", "lead"), ("p054275-288", "partner")]),
        ("outside_lead", [("p163567-353", "lead"), ("p184390-132", "partner")]),
    ],
    "pin-cov-2": [
        ("outside_lead", [("p206139-10", "lead"), ("p278498-233", "partner")]),
        ("outside_lead", [("p735697-310", "lead"), ("p815905-2", "partner")]),
        ("outside_lead", [("p591749-159", "lead"), ("p242264-125", "partner")]),
    ],
    "pin-cov-3": [
        ("outside_lead", [("p506056-67", "lead"), ("p591749-159", "partner")]),
        ("outside_lead", [("p814807-251", "lead"), ("p979309-284", "partner")]),
        ("outside_lead", [("p474354-0", "lead"), ("p763348-328", "partner")]),
    ],
    "pin-cap-1": [
        ("outside_lead", [("p185829-338", "lead"), ("p125537-181", "partner")]),
        ("outside_lead", [("p481228-30", "lead"), ("p772538-142", "partner")]),
        ("outside_lead", [("p052703-210", "lead"), ("p189808-93", "partner")]),
    ],
    "pin-cap-2": [
        ("outside_lead", [("p117951-291", "lead"), ("p135375-148", "partner")]),
        ("outside_lead", [("p814807-251", "lead"), ("p494248-20", "partner")]),
        ("outside_lead", [("p979309-284", "lead"), ("p897763-286", "partner")]),
    ],
    "pin-split": [
        ("split", [("p163567-353", "member"), ("p038983-264", "member")]),
        ("split", [("p167606-192", "member"), ("p808688-329", "member")]),
        ("outside_lead", [("p735697-310", "lead"), ("p652370-9", "partner")]),
    ],
}
PINNED_DIGEST = "ab66cb2c66a7de67795f6ff33f435c32f58f581d12f13a6b615219fd6da63100"


def test_pinned_mid_size_catalog(lexicon_classifier):
    import hashlib
    import json

    got = pinned_proposals(lexicon_classifier)
    summary = {
        nid: [(t["shape"], [(m["org_id"], m["role"]) for m in t["members"]]) for t in teams]
        for nid, teams in got.items()
    }
    digest = hashlib.sha256(json.dumps(got, ensure_ascii=False, sort_keys=True).encode())
    assert summary == PINNED
    assert digest.hexdigest() == PINNED_DIGEST
    # The same proposals whatever the catalog order.
    assert pinned_proposals(lexicon_classifier, shuffle=5) == got
