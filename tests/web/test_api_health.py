"""`GET /health`: database, broker and index version; 200 when well, 503 otherwise."""

from __future__ import annotations

from sqlalchemy import create_engine


def test_healthy_default_install(client):
    r = client.get("/health")
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"database": "ok", "broker": "eager", "index_version": None}
    assert r.headers["Cache-Control"] == "no-store"


def test_index_version_is_reported(app, client):
    import numpy as np

    from matching.vectors.index import rebuild

    vectors = np.eye(3, dtype="float32")
    rebuild(app.config["MATCHING_INDEX_DIR"], ["o1", "o2", "o3"], vectors, "test-model", "v42")
    assert client.get("/health").get_json()["index_version"] == "test-model@v42"
    rebuild(app.config["MATCHING_INDEX_DIR"], ["o1"], vectors[:1], "test-model", "v43")
    assert client.get("/health").get_json()["index_version"] == "test-model@v43"


def test_corrupt_index_is_503(app, client):
    from pathlib import Path

    from matching.vectors.index import FILE_NAME

    path = Path(app.config["MATCHING_INDEX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    (path / FILE_NAME).write_bytes(b"not a pickle")
    r = client.get("/health")
    assert r.status_code == 503
    assert r.get_json()["index_version"].startswith("error")


def test_database_down_is_503_without_details(app, client):
    db = app.extensions["db"]
    db.engine = create_engine(
        "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
    r = client.get("/health")
    assert r.status_code == 503
    body = r.get_json()
    assert body["database"].startswith("error") and "hunter2" not in r.get_data(as_text=True)
    assert "127.0.0.1" not in r.get_data(as_text=True)


def test_unreachable_broker_is_503(app, client):
    celery_app = app.extensions["celery"]
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        r = client.get("/health")
        assert r.status_code == 503
        assert r.get_json()["broker"].startswith("error")
    finally:
        celery_app.conf.task_always_eager = True
