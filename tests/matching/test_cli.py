"""`flask --app web matching ...` is wired and thin: evaluate prints one JSON object."""

import json

import pytest

from .conftest import write_tiny_dataset


@pytest.fixture()
def app(tmp_path):
    web = pytest.importorskip("web")
    return web.create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}", "TESTING": True}
    )


def test_evaluate_command(app, tmp_path):
    d = write_tiny_dataset(tmp_path / "ds")
    run = tmp_path / "run.jsonl"
    res = app.test_cli_runner().invoke(args=["matching", "evaluate", str(d), "--run-out", str(run)])
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.output.strip().splitlines()[-1])
    for key in (
        "ndcg@10",
        "recall@10",
        "recall@5",
        "mrr",
        "category_accuracy",
        "gap_f1",
        "prohibited_recall",
        "prohibited_false_alarms",
        "baseline",
    ):
        assert key in metrics
    assert metrics["ndcg@10"] > 0.9
    assert json.loads(run.read_text().splitlines()[0])["need"] == "n1"


def test_matching_group_has_its_commands(app):
    res = app.test_cli_runner().invoke(args=["matching", "--help"])
    assert res.exit_code == 0
    for cmd in ("evaluate", "reindex", "train", "run-all"):
        assert cmd in res.output
