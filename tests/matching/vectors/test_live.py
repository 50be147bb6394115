"""The worker's live matcher: an edited or added profile reaches the next match without a
rebuild, and what it holds equals what a fresh build over the same catalog holds."""

from __future__ import annotations

import datetime as dt

import numpy as np

from catalog.models import Category, Organization, OrgArea
from matching.vectors import live

from ..conftest import S1, S3, need


def _edit(db, org_id: str, description: str, categories: list[str], areas: list[str]) -> None:
    with db.session() as s:
        org = s.get(Organization, org_id)
        org.description = description
        org.categories = [s.get(Category, c) for c in categories]
        org.areas = [OrgArea(region_code=a, position=k) for k, a in enumerate(areas)]
        org.profile_version += 1


def _same_table(patched, fresh) -> None:
    """Row by row (by id: a patched table may order new rows differently)."""
    for oid in fresh.table.ids:
        i, j = patched.table.pos[oid], fresh.table.pos[oid]
        assert patched.table.orgs[i] == fresh.table.orgs[j]
        a = patched.table.cat_matrix[i].toarray()
        assert np.array_equal(a, fresh.table.cat_matrix[j].toarray())
        assert patched.table.capacity_left[i] == fresh.table.capacity_left[j]
        assert patched.lexical.norm_texts[i] == fresh.lexical.norm_texts[j]
    assert len(patched.table) == len(fresh.table)
    for street in (S1, S3, "440402002"):
        got = {patched.table.ids[k]: v for k, v in enumerate(patched.table.coverage(street))}
        want = {fresh.table.ids[k]: v for k, v in enumerate(fresh.table.coverage(street))}
        assert got == want
    for j, cat in enumerate(fresh.table.categories):
        got = {patched.table.ids[k] for k in patched.table.by_category[j]}
        assert got == {fresh.table.ids[k] for k in fresh.table.by_category[j]}, cat


def _counted(factory) -> tuple[live.LiveMatcher, list[int]]:
    """A live matcher over `factory`, and the list its full builds are counted in."""
    builds: list[int] = []

    def build(session):
        builds.append(1)
        return factory(session)

    return live.LiveMatcher(build, None), builds


def test_an_edited_profile_reaches_the_next_match_without_a_rebuild(db, factory):
    kept, builds = _counted(factory)
    with db.session() as s:
        before = kept.get(s).match(need("q", "孩子放学没人管", "流动儿童课后托管", S3))
    assert "o-elder-far" not in before.ranking[:1]
    _edit(db, "o-elder-far", "流动儿童四点半课堂和课后托管。", ["妇女儿童服务"], [S3])
    with db.session() as s:
        matcher = kept.get(s)
        after = matcher.match(need("q", "孩子放学没人管", "流动儿童课后托管", S3))
        fresh = factory(s)
    assert len(builds) == 1  # patched, not rebuilt
    assert after.ranking[0] == "o-elder-far"
    _same_table(matcher, fresh)
    row = matcher.table.pos["o-elder-far"]
    want = matcher.lexical.vectorizer.transform([matcher.lexical.norm_texts[row]]).toarray()
    assert np.allclose(matcher.lexical.matrix[row].toarray(), want)


def test_a_new_organization_is_appended_and_a_deleted_one_rebuilds(db, factory, monkeypatch):
    kept, builds = _counted(factory)
    with db.session() as s:
        kept.get(s)
        org = Organization(
            id="o-new",
            name="新苗托管",
            credit_code="52440402MJ9999999X",
            org_type="社会服务机构",
            description="流动儿童课后托管和四点半课堂。",
            capacity=4,
        )
        org.categories = [s.get(Category, "妇女儿童服务")]
        org.areas = [OrgArea(region_code=S1, position=0)]
        s.add(org)
    with db.session() as s:
        matcher = kept.get(s)
        assert "o-new" in matcher.table.pos and len(builds) == 1
        result = matcher.match(need("q", "孩子放学没人管", "流动儿童课后托管", S1))
        assert "o-new" in result.ranking[:2]
        _same_table(matcher, factory(s))
        s.delete(s.get(Organization, "o-youth"))
    monkeypatch.setattr(live, "FULL_CHECK", 0.0)
    with db.session() as s:
        matcher = kept.get(s)
    assert len(builds) == 2 and "o-youth" not in matcher.table.pos


def test_core_loader_reads_what_org_record_reads(db):
    import datetime as dt

    from sqlalchemy import select

    from catalog.models import CreditEvent, PerformanceRecord
    from matching.adapter import load_orgs, org_record

    day = dt.date(2026, 1, 5)
    with db.session() as s:
        s.add(CreditEvent(org_id="o-youth", date=day, kind="warning", source="民政局"))
        s.add(CreditEvent(org_id="o-youth", date=day, kind="commendation", source="民政局"))
        for value in (90.0, 70.0):
            s.add(
                PerformanceRecord(
                    org_id="o-legal-city", project="p", period_end=day, satisfaction=value
                )
            )
    with db.session() as s:
        orm = [org_record(o) for o in s.scalars(select(Organization).order_by(Organization.id))]
        assert load_orgs(s) == orm
        assert load_orgs(s, ["o-youth"]) == [r for r in orm if r.id == "o-youth"]
    assert next(r for r in orm if r.id == "o-legal-city").satisfaction == 80.0


def test_simplified_fast_path_converts_exactly_like_the_converter():
    from catalog.chinese import _converter, to_simplified, to_traditional

    texts = ["一目瞭然，反覆回覆", "乾隆年間", "为长者提供助餐配餐", "abc 123", ""]
    texts += [to_traditional(o) for o in ("为长者提供助餐配餐、上门探访", "法律咨询和人民调解")]
    for text in texts:
        assert to_simplified(text) == _converter("t2s").convert(text), text


def test_what_the_built_matcher_holds_is_out_of_the_collectors_full_passes(db, factory):
    """Its records are frozen after the build (`gc.freeze`), so a full collection during a
    match does not walk them; a rebuild collects and freezes again."""
    import gc

    gc.unfreeze()
    kept, _ = _counted(factory)
    with db.session() as s:
        matcher = kept.get(s)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    record = matcher.table.orgs[0]
    assert gc.is_tracked(record)
    assert all(o is not record for o in gc.get_objects())  # frozen: in no generation
    gc.unfreeze()


def test_the_built_matcher_runs_blas_on_one_thread(db, factory):
    """After a build the process's BLAS libraries run single-threaded (a thread pool on a
    shared small host made the scoring product of a large catalog wait for its threads)."""
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(limits=2, user_api="blas")
    kept, _ = _counted(factory)
    with db.session() as s:
        kept.get(s)
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)


def test_an_edit_committed_after_a_check_it_was_open_during_is_seen(db, factory, monkeypatch):
    """The catch-up lists organizations stamped since the oldest transaction open at the last
    check, not a fixed margin before it (PostgreSQL): an edit whose transaction began before
    that check and committed after it is still found, with no margin at all."""
    if db.engine.dialect.name != "postgresql":
        return  # two writers at once: PostgreSQL's; elsewhere the fixed margin applies
    monkeypatch.setattr(live, "MARGIN", dt.timedelta(0))
    kept, builds = _counted(factory)
    with db.session() as s:
        kept.get(s)
    with db.session() as slow:  # begins, stamps, and stays open across the next check
        org = slow.get(Organization, "o-elder-far")
        org.description = "流动儿童四点半课堂。"
        org.profile_version += 1
        slow.flush()
        with db.session() as s:
            kept.get(s)
        assert kept.open_since is not None and kept.open_since < kept.since
    with db.session() as s:
        matcher = kept.get(s)
    assert matcher.table.orgs[matcher.table.pos["o-elder-far"]].description.startswith("流动")
    assert len(builds) == 1
