"""`flask --app web matching train` refuses to retrain on too few decisions, saying how many
it found by source, and leaves the artifacts alone; the scheduled job reports a refusal."""

from __future__ import annotations

import pytest

from ..conftest import write_tiny_dataset


@pytest.fixture()
def app(tmp_path):
    web = pytest.importorskip("web")
    from catalog import schema

    app = web.create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hub.sqlite3'}",
            "TESTING": True,
            "MATCHING_MODELS_DIR": str(tmp_path / "models"),
            "MATCHING_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    schema.upgrade(app.extensions["db"])
    yield app
    app.extensions["db"].dispose()


def test_train_refuses_too_few_decisions(app, tmp_path):
    d = write_tiny_dataset(tmp_path / "ds")
    models = tmp_path / "models"
    res = app.test_cli_runner().invoke(
        args=["matching", "train", "--labeled", str(d), "--models-dir", str(models)]
    )
    assert res.exit_code == 1, res.output
    assert "refusing to retrain: 1 decisions" in res.output
    assert "labeled-folder needs 1" in res.output and "at least 20" in res.output
    assert not models.exists()


def test_scheduled_retraining_reports_a_refusal_not_a_failure(app, tmp_path):
    from web.jobs.index import retrain_ranker_from_decisions

    with app.app_context():
        result = retrain_ranker_from_decisions()
    assert result["refused"].startswith("refusing to retrain: 0 decisions")
    assert not (tmp_path / "models").exists()
