"""Several labeled folders train one artifact: their need ids are kept apart, the model card
records which folders it learned from, and `matching evaluate` on such a folder says its
figures are in-sample."""

import json

from matching.evaluation.evaluate import evaluate_dir
from matching.training.labeled import read_labeled
from matching.training.retrain import train_shipped

from ..conftest import write_tiny_dataset


def _second(tmp_path):
    d = write_tiny_dataset(tmp_path / "other")
    need = json.loads((d / "needs.jsonl").read_text())
    need["title"] = "孩子放学后没人管"
    need["description"] = "双职工家庭多，孩子放学后无人照看，希望开办四点半课堂辅导作业。"
    (d / "needs.jsonl").write_text(json.dumps(need, ensure_ascii=False))
    (d / "labels.jsonl").write_text(
        '{"need": "n1", "category": "社区教育", "gap": false, "prohibited": false}\n'
    )
    return d


def test_two_folders_with_the_same_need_ids_stay_apart(tmp_path):
    a, b = write_tiny_dataset(tmp_path / "ds"), _second(tmp_path)
    data = read_labeled([a, b])
    labels = {k: v.category for d in data for k, v in d.labels.items()}
    assert labels == {"ds:n1": "居家养老", "other:n1": "社区教育"}
    assert set(data[0].qrels) == {"ds:n1"} and data[1].needs[0].id == "other:n1"


def test_trained_folders_are_recorded_and_evaluate_says_in_sample(tmp_path):
    a, b = write_tiny_dataset(tmp_path / "ds"), _second(tmp_path)
    models = tmp_path / "models"
    report = train_shipped([a], models)
    meta = json.loads((models / "category_classifier" / "metrics.json").read_text())
    assert report["labeled"] == [str(a)]
    assert "labeled_folders" in meta["classifier"]
    assert [f["name"] for f in meta["classifier"]["labeled_folders"]] == ["ds"]
    assert evaluate_dir(a, models_dir=models)["in_sample"] is True
    out = evaluate_dir(b, models_dir=models)
    assert out["in_sample"] is False and "note" not in out
