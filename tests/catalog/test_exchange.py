"""Exchange-format import/export: all-or-nothing with every bad row named, idempotent upserts,
kept ids, statuses, credit history, and export → import round trips."""

import json
import re

import pytest
from sqlalchemy import func, select

from catalog.exchange import ImportRefused, export_directory, import_directory, import_path
from catalog.lifecycle import transition
from catalog.models import AuditEvent, Need, Organization

LINE = re.compile(r"^(organizations|needs)\.jsonl:\d+: [\w\[\].]+: .+ / .+$")


def read(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def small(tmp_path, jsonl, org_rec, need_rec):
    """A folder with two organizations (one with credit history) and three needs."""
    d = tmp_path / "small"
    history = {
        "credit_events": [
            {
                "date": "2023-05-01",
                "kind": "commendation",
                "source": "珠海市民政局",
                "note": "AAAA级",
            },
            {"date": "2024-01-10", "kind": "warning", "source": "香洲区民政局"},
        ],
        "performance": [
            {
                "project": "长者助餐",
                "period_end": "2023-12-31",
                "satisfaction": 92.5,
                "evaluation": "优秀",
            },
        ],
    }
    jsonl(
        d / "organizations.jsonl",
        [
            org_rec(1, categories=["困难群众帮扶", "居家养老"], **history),
            org_rec(
                2, org_type="社区社会组织", rating=None, staff=None, service_areas=["440403001"]
            ),
        ],
    )
    jsonl(
        d / "needs.jsonl",
        [
            need_rec(1),
            need_rec(2, status="submitted", category="居家养老"),
            need_rec(3, status="returned", return_reason="预算没有明细"),
        ],
    )
    return d


def test_import_small_folder(session, small):
    report = import_directory(session, small)
    assert (report.organizations.created, report.needs.created) == (2, 3)
    org = session.get(Organization, "org-001")
    assert org.category_names == [
        "困难群众帮扶",
        "居家养老",
    ]  # the file's order, not the taxonomy's
    assert [e.kind for e in org.credit_events] == ["commendation", "warning"]
    assert org.performance[0].satisfaction == 92.5
    needs = {n.id: n for n in session.scalars(select(Need))}
    assert needs["need-001"].status == "approved"  # no status: an admin's import is approval
    assert needs["need-002"].status == "submitted" and needs["need-002"].category_name == "居家养老"
    assert needs["need-003"].return_reason == "预算没有明细"


def test_import_is_audited_once_with_counts(session, small, actors):
    import_directory(session, small, actors["admin"])
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "catalog.import"))
    assert event.actor == "admin" and event.entity_id == "small"
    assert event.detail["organizations"]["created"] == 2
    assert event.detail["needs"]["created"] == 3
    assert count(session, AuditEvent) == 1


def test_reimport_is_idempotent(session, small, take_snapshot):
    import_directory(session, small)
    before = take_snapshot(session)
    versions = dict(
        session.execute(select(Organization.id, Organization.profile_version)).tuples().all()
    )
    report = import_directory(session, small)
    assert (report.organizations.unchanged, report.needs.unchanged) == (2, 3)
    assert (report.organizations.created + report.organizations.updated) == 0
    after = take_snapshot(session)
    assert after["orgs"] == before["orgs"] and after["needs"] == before["needs"]
    assert after["audit"] == before["audit"] + 1  # the import itself is still recorded
    assert (
        dict(session.execute(select(Organization.id, Organization.profile_version)).tuples().all())
        == versions
    )


def test_changed_rows_update_by_id_and_bump_profile_version(session, small, jsonl, org_rec):
    import_directory(session, small)
    rows = read(small / "organizations.jsonl")
    rows[0]["service_areas"] = ["440402"]
    rows[0]["capacity"] = 7
    jsonl(small / "organizations.jsonl", rows)
    report = import_directory(session, small)
    assert (report.organizations.updated, report.organizations.unchanged) == (1, 1)
    org = session.get(Organization, "org-001")
    assert org.area_codes == ["440402"] and org.capacity == 7 and org.profile_version == 2


def test_status_absent_keeps_the_stored_state(session, small, actors):
    import_directory(session, small)
    need = session.get(Need, "need-001")
    transition(session, need, "list", actors["office"])
    import_directory(session, small)
    assert session.get(Need, "need-001").status == "listed"


def test_imported_needs_are_screened(session, tmp_path, jsonl, need_rec):
    jsonl(
        tmp_path / "needs.jsonl",
        [need_rec(1, description="想通过购买服务招聘4名专职保洁员每天打扫小区楼道。")],
    )
    report = import_directory(session, tmp_path)
    need = session.get(Need, "need-001")
    assert need.prohibited and need.prohibited_rule == "full_time_staff"
    assert need.status == "approved" and report.prohibited_flagged == 1


def test_export_then_import_into_fresh_database_is_identical(db, other_db, small, tmp_path):
    with db.session() as s:
        import_directory(s, small)
    with db.session() as s:
        export_directory(s, tmp_path / "out")
    with other_db.session() as s:
        import_directory(s, tmp_path / "out")
    with other_db.session() as s:
        export_directory(s, tmp_path / "again")
    for name in ("organizations.jsonl", "needs.jsonl"):
        first = (tmp_path / "out" / name).read_text("utf-8")
        assert first == (tmp_path / "again" / name).read_text("utf-8")
    orgs = read(tmp_path / "out" / "organizations.jsonl")
    assert list(orgs[0]) == [
        "id",
        "name",
        "credit_code",
        "org_type",
        "categories",
        "description",
        "service_areas",
        "capacity",
        "staff",
        "social_workers",
        "founded",
        "rating",
        "lang",
        "credit_events",
        "performance",
    ]
    assert "credit_events" not in orgs[1]
    assert read(tmp_path / "out" / "needs.jsonl")[0]["status"] == "approved"


def test_every_bad_row_is_named_and_nothing_changes(
    session, small, jsonl, org_rec, need_rec, take_snapshot
):
    import_directory(session, small)
    before = take_snapshot(session)
    jsonl(
        small / "organizations.jsonl",
        [
            org_rec(1, capacity=9),  # a valid change that must not land
            org_rec(3, credit_code="52440402MJL123456X"),
            org_rec(4, credit_code=org_rec(1)["credit_code"]),  # duplicate within the file
            org_rec(1, name="同一编号第二次"),  # duplicate id
        ],
    )
    jsonl(
        small / "needs.jsonl",
        [need_rec(1, street="440402999"), need_rec(2, months=37, budget_yuan=-1)],
    )
    with pytest.raises(ImportRefused) as exc:
        import_directory(session, small)
    lines = exc.value.lines()
    assert all(LINE.match(line) for line in lines), lines
    assert lines[0].startswith("organizations.jsonl:2: credit_code: ")
    assert any(
        line.startswith("organizations.jsonl:3: credit_code: ") and "line 1" in line
        for line in lines
    )
    assert any(
        line.startswith("organizations.jsonl:4: id: ") and "line 1" in line for line in lines
    )
    assert any(line.startswith("needs.jsonl:1: street: ") for line in lines)
    assert {line.split(": ")[1] for line in lines if line.startswith("needs.jsonl:2:")} == {
        "budget_yuan",
        "months",
    }
    assert [line for line in lines if line.startswith("needs")] == lines[
        -3:
    ]  # file order, then lines
    assert take_snapshot(session) == before


def test_credit_code_of_another_organization_is_refused(session, small, jsonl, org_rec):
    import_directory(session, small)
    jsonl(small / "organizations.jsonl", [org_rec(9, credit_code=org_rec(1)["credit_code"])])
    with pytest.raises(ImportRefused) as exc:
        import_directory(session, small)
    assert exc.value.lines()[0].startswith("organizations.jsonl:1: credit_code: ")
    assert "org-001" in exc.value.lines()[0]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (
            {"credit_events": [{"date": "2023-13-01", "kind": "warning", "source": "区民政局"}]},
            "credit_events[0].date",
        ),
        (
            {"credit_events": [{"date": "2023-01-01", "kind": "praise", "source": "区民政局"}]},
            "credit_events[0].kind",
        ),
        ({"credit_events": [{"date": "2023-01-01", "kind": "warning"}]}, "credit_events[0].source"),
        ({"credit_events": "none"}, "credit_events"),
        (
            {"performance": [{"project": "助餐", "period_end": "2023-12-31", "satisfaction": 101}]},
            "performance[0].satisfaction",
        ),
        (
            {
                "performance": [
                    {
                        "project": "助餐",
                        "period_end": "2023-12-31",
                        "satisfaction": 90,
                        "evaluation": "很好",
                    }
                ]
            },
            "performance[0].evaluation",
        ),
        (
            {"performance": [{"period_end": "2023-12-31", "satisfaction": 90}]},
            "performance[0].project",
        ),
    ],
)
def test_bad_history_is_refused(session, tmp_path, jsonl, org_rec, item, field):
    jsonl(tmp_path / "organizations.jsonl", [org_rec(1, **item)])
    with pytest.raises(ImportRefused) as exc:
        import_directory(session, tmp_path)
    assert exc.value.lines()[0].startswith(f"organizations.jsonl:1: {field}: ")
    assert count(session, Organization) == 0


def test_broken_json_lines_are_reported_with_the_others(session, tmp_path, org_rec):
    good = json.dumps(org_rec(1), ensure_ascii=False)
    (tmp_path / "organizations.jsonl").write_text(f"{good}\n\n{{broken\n[1, 2]\n", "utf-8")
    with pytest.raises(ImportRefused) as exc:
        import_directory(session, tmp_path)
    assert [line.split(": ")[0:2] for line in exc.value.lines()] == [
        ["organizations.jsonl:3", "json"],
        ["organizations.jsonl:4", "json"],
    ]
    assert count(session, Organization) == 0


def test_folder_without_exchange_files_and_unsupported_files(session, tmp_path):
    with pytest.raises(ImportRefused):
        import_directory(session, tmp_path)
    (tmp_path / "orgs.txt").write_text("x")
    with pytest.raises(ImportRefused) as exc:
        import_path(session, tmp_path / "orgs.txt")
    assert exc.value.lines()[0].startswith("orgs.txt: file: ")


def test_single_jsonl_file(session, small):
    report = import_path(session, small / "organizations.jsonl")
    assert report.organizations.created == 2 and report.needs.total == 0


def test_progress_bar_only_when_asked_or_on_a_tty(session, small, capsys):
    import_directory(session, small)
    assert capsys.readouterr().err == ""  # not a TTY, tiny
    import_directory(session, small, progress=True)
    assert "import" in capsys.readouterr().err


# ------------------------------------------------------------------ the shared dev set


def test_dev_set_imports_whole(session, dev_data):
    report = import_directory(session, dev_data)
    assert (report.organizations.created, report.needs.created) == (60, 150)
    assert count(session, Organization) == 60 and count(session, Need) == 150
    assert set(session.scalars(select(Need.status))) == {"approved"}
    labels = [
        json.loads(line) for line in (dev_data / "labels.jsonl").read_text("utf-8").splitlines()
    ]
    prohibited = {x["need"] for x in labels if x["prohibited"]}
    flagged = set(session.scalars(select(Need.id).where(Need.prohibited)))
    assert prohibited <= flagged  # every Art. 11 need is flagged for the reviewer


def test_dev_set_round_trips_exactly(session, dev_data, tmp_path):
    import_directory(session, dev_data)
    export_directory(session, tmp_path)
    assert read(tmp_path / "organizations.jsonl") == read(dev_data / "organizations.jsonl")
    assert read(tmp_path / "needs.jsonl") == [
        {**n, "status": "approved"} for n in read(dev_data / "needs.jsonl")
    ]
    again = import_directory(session, tmp_path)
    assert (again.organizations.unchanged, again.needs.unchanged) == (60, 150)


@pytest.mark.parametrize(
    ("file", "line", "field", "corrupt"),
    [
        (
            "organizations.jsonl",
            7,
            "credit_code",
            lambda r: {
                **r,
                "credit_code": r["credit_code"][:-1]
                + ("0" if r["credit_code"][-1] != "0" else "1"),
            },
        ),
        ("needs.jsonl", 12, "street", lambda r: {**r, "street": "440402999"}),
        ("organizations.jsonl", 3, "json", None),
    ],
)
def test_corrupted_dev_copy_is_refused_whole(
    session, dev_data, tmp_path, take_snapshot, file, line, field, corrupt
):
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("organizations.jsonl", "needs.jsonl"):
        lines = (dev_data / name).read_text("utf-8").splitlines()
        if name == file:
            i = line - 1
            lines[i] = (
                lines[i][:-5]
                if corrupt is None
                else json.dumps(corrupt(json.loads(lines[i])), ensure_ascii=False)
            )
        (copy / name).write_text("\n".join(lines) + "\n", "utf-8")
    before = take_snapshot(session)
    with pytest.raises(ImportRefused) as exc:
        import_directory(session, copy)
    assert [x.split(": ")[:2] for x in exc.value.lines()] == [[f"{file}:{line}", field]]
    assert take_snapshot(session) == before
    assert count(session, Organization) == 0 and count(session, Need) == 0
