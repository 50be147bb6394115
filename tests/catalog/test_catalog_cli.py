"""`flask catalog import/export` and `flask demo load` through the real app and migrations."""

import json

from sqlalchemy import func, select

from catalog.models import Account, Need, Organization


def counts(app):
    with app.extensions["db"].session() as s:
        return (
            s.scalar(select(func.count()).select_from(Organization)),
            s.scalar(select(func.count()).select_from(Need)),
        )


def test_import_export_reimport(app, runner, tmp_path, jsonl, org_rec, need_rec):
    src = tmp_path / "src"
    jsonl(src / "organizations.jsonl", [org_rec(1), org_rec(2)])
    jsonl(src / "needs.jsonl", [need_rec(1)])
    result = runner.invoke(args=["catalog", "import", str(src)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    assert counts(app) == (2, 1)
    result = runner.invoke(args=["catalog", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "out" / "organizations.jsonl").read_text("utf-8").splitlines()) == 2
    result = runner.invoke(args=["catalog", "import", str(tmp_path / "out")])
    assert result.exit_code == 0 and "2 unchanged" in result.output
    result = runner.invoke(args=["catalog", "export", str(tmp_path / "orgs.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "orgs.xlsx").exists()


def test_refused_import_exits_nonzero_and_prints_every_bad_line(
    app, runner, tmp_path, jsonl, org_rec, need_rec
):
    src = tmp_path / "src"
    jsonl(src / "organizations.jsonl", [org_rec(1), org_rec(2, capacity=-1)])
    jsonl(src / "needs.jsonl", [need_rec(1, street="440402999")])
    with (src / "needs.jsonl").open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    result = runner.invoke(args=["catalog", "import", str(src)])
    assert result.exit_code == 1
    out = result.output
    assert "organizations.jsonl:2: capacity: " in out
    assert "needs.jsonl:1: street: " in out
    assert "needs.jsonl:2: json: " in out
    assert counts(app) == (0, 0)


def test_dev_set_through_the_cli(app, runner, dev_data, tmp_path):
    result = runner.invoke(args=["catalog", "import", str(dev_data)])
    assert result.exit_code == 0, result.output
    assert counts(app) == (60, 150)
    runner.invoke(args=["catalog", "export", str(tmp_path)])
    first = [
        json.loads(x) for x in (tmp_path / "organizations.jsonl").read_text("utf-8").splitlines()
    ]
    assert first == [
        json.loads(x) for x in (dev_data / "organizations.jsonl").read_text("utf-8").splitlines()
    ]


def test_demo_load_is_idempotent(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "demo password" in result.output
    first = counts(app)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "26 unchanged" in result.output and "demo password" not in result.output
    assert counts(app) == first == (26, 42)
    with app.extensions["db"].session() as s:
        roles = set(s.scalars(select(Account.role)))
    assert roles == {"office", "reviewer", "organization", "planner", "admin"}


def test_demo_accounts_can_log_in(app, runner, client):
    from catalog.demo import DEMO_PASSWORD

    runner.invoke(args=["demo", "load"])
    response = client.post("/login", data={"username": "gongbei", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.post("/login", data={"username": "gongbei", "password": "wrong-password-1"})
    assert response.status_code == 200
