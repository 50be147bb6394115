"""Against a real (SQLite) catalog: suggestions written idempotently, decided rows untouched,
findings recorded on the need, the index, and the evaluation command's function."""

import json

import pytest
from sqlalchemy import select

from catalog.models import Need, Organization, Suggestion
from matching import service

from .conftest import write_tiny_dataset


def test_match_need_writes_suggestions_and_findings(db, factory):
    with db.session() as s:
        m = service.build_matcher(s, factory=factory)
        res = service.match_need(s, "n1", m)
        assert set(res.ranking[:2]) == {"o-elder-s1", "o-elder-dist"}
    with db.session() as s:
        need = s.get(Need, "n1")
        assert need.category_name == "居家养老" and need.category_source == "model"
        assert need.gap is False and need.match_status == "done"
        rows = s.scalars(
            select(Suggestion).where(Suggestion.need_id == "n1").order_by(Suggestion.rank)
        ).all()
        assert rows[0].org_id in {"o-elder-s1", "o-elder-dist"} and rows[0].status == "suggested"
        assert rows[0].reasons and rows[0].features


def test_rerun_is_idempotent_and_keeps_decisions(db, factory):
    with db.session() as s:
        service.match_need(s, "n1", service.build_matcher(s, factory=factory))
    with db.session() as s:
        first = s.scalars(
            select(Suggestion).where(Suggestion.need_id == "n1", Suggestion.rank == 1)
        ).one()
        first.status, first.decided_by, first.decision_reason = "confirmed", "reviewer1", "ok"
        decided_id = first.id
    with db.session() as s:
        m = service.build_matcher(s, factory=factory)
        service.match_need(s, "n1", m)
        service.match_need(s, "n1", m)
    with db.session() as s:
        rows = s.scalars(select(Suggestion).where(Suggestion.need_id == "n1")).all()
        assert len({r.org_id for r in rows}) == len(rows)  # no duplicates
        kept = s.get(Suggestion, decided_id)
        assert kept.status == "confirmed" and kept.decided_by == "reviewer1"
        assert sum(r.status == "suggested" for r in rows) == len(rows) - 1


def test_run_all_matches_every_matchable_need(db, factory):
    with db.session() as s:
        results = service.run_all(s, matcher=service.build_matcher(s, factory=factory))
        assert {r.need_id for r in results} == {"n1", "n2"}
    with db.session() as s:
        assert {n.match_status for n in s.query(Need)} == {"done"}


def test_reindex_and_incremental_update(db, tmp_path):
    from matching.vectors.index import VectorIndex

    from .conftest import FakeEncoder

    enc = FakeEncoder()
    enc.misses = 0
    with db.session() as s:
        info = service.reindex(s, tmp_path / "idx", encoder=enc)
        assert info["organizations"] == 5 and info["kind"] == "flat"
        s.get(Organization, "o-youth").description = "儿童保护与亲子活动"
        s.delete(s.get(Organization, "o-elder-far"))
        s.flush()
        assert service.update_index(s, tmp_path / "idx", ["o-youth", "o-elder-far"], encoder=enc)
    idx = VectorIndex.load(tmp_path / "idx")
    assert len(idx) == 4 and "o-elder-far" not in idx.rev


def test_evaluate_dir_on_a_tiny_dataset(tmp_path, factory):
    from matching.evaluation.evaluate import evaluate_dir

    d = write_tiny_dataset(tmp_path / "ds")
    run = tmp_path / "run.jsonl"
    m = evaluate_dir(d, run_out=run, matcher_factory=factory)
    assert m["ndcg@10"] == pytest.approx(1.0) and m["category_accuracy"] == 1.0
    assert "baseline" in m and "ndcg@10" in m["baseline"]
    line = json.loads(run.read_text().splitlines()[0])
    assert line["need"] == "n1" and len(line["ranking"]) == 5 and line["gap"] is False


def test_evaluate_survives_a_dataset_the_catalog_refuses(tmp_path, factory):
    from matching.evaluation.evaluate import evaluate_dir

    d = write_tiny_dataset(tmp_path / "ds")
    orgs = (d / "organizations.jsonl").read_text().splitlines()
    bad = json.loads(orgs[0])
    bad["credit_code"] = "52440402MJ0000000Q"  # wrong check characters
    (d / "organizations.jsonl").write_text(
        "\n".join([json.dumps(bad, ensure_ascii=False), *orgs[1:]])
    )
    m = evaluate_dir(d, matcher_factory=factory)
    assert m["n_needs"] == 1 and m["ndcg@10"] == pytest.approx(1.0)
