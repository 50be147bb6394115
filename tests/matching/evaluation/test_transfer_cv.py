"""Out-of-fold evaluation of a folder that is also trained on (`evaluation.transfer_cv`): every
need of the target is scored exactly once, by models whose training needs exclude it, and the
two folders' needs (both numbered need-001…) stay apart."""

from matching.evaluation import transfer_cv


def test_each_target_need_scored_once_by_a_model_that_never_saw_it(dev_dir, monkeypatch):
    seen: list[set[str]] = []
    fit = transfer_cv.fit_matcher

    def recording(orgs, needs, labels, qrels, train_params=None):
        seen.append({n.id for n in needs})
        return fit(orgs, needs, labels, qrels, train_params)

    monkeypatch.setattr(transfer_cv, "fit_matcher", recording)
    target = transfer_cv.load_set(dev_dir, "target")
    extra = transfer_cv.load_set(dev_dir, "extra0")  # same texts, other ids: kept apart
    run, proxy = transfer_cv.oof_run(target, [extra], folds=5, seed=0)
    ids = [r["need"] for r in run]
    assert sorted(ids) == sorted(n.id for n in target.needs)
    assert len(seen) == 5
    folds_test: list[set[str]] = []
    for train in seen:
        assert {n.id for n in extra.needs} <= train
        folds_test.append({n.id for n in target.needs} - train)
    assert set().union(*folds_test) == set(ids)
    assert sum(len(t) for t in folds_test) == len(ids)  # disjoint: each need held out once
    assert len(proxy["title"]) == len(proxy["full"]) > 0


def test_report_segments_and_title_only_from_items(tmp_path, dev_dir):
    import shutil

    d = tmp_path / "set"
    shutil.copytree(dev_dir, d)
    (d / "items.jsonl").write_text(
        '{"id": "rd-001", "description": ""}\n{"id": "rd-002", "description": "'
        + "字" * 40
        + '"}\n',
        "utf-8",
    )
    s = transfer_cv.load_set(d, "t")
    assert s.title_only == {"t:need-001"}
    run = [
        {"need": n.id, "ranking": [], "gap": False, "category": None, "prohibited": False}
        for n in s.needs
    ]
    rep = transfer_cv.report(run, s)
    assert rep["segments"]["title_only"]["n"] == 1
    assert rep["segments"]["described"]["n"] == len(s.needs) - 1
