"""Organizations from .xlsx and .csv registers with Chinese headers (built here with openpyxl),
all or nothing with spreadsheet row numbers, and formula escaping on export."""

import csv

import openpyxl
import pytest
from sqlalchemy import func, select

from catalog.exchange import ImportRefused, export_organizations_table, import_path, safe_cell
from catalog.exchange.spreadsheet import convert_cell, unescape_cell
from catalog.models import Organization

HEADER = [
    "编号",
    "名称",
    "统一社会信用代码",
    "组织类型",
    "服务类别",
    "服务描述",
    "服务范围",
    "承接能力",
    "员工人数",
    "社工人数",
    "成立年份",
    "评估等级",
]


def row(org_rec, n, **kw):
    r = org_rec(n)
    values = [
        r["id"],
        r["name"],
        r["credit_code"],
        r["org_type"],
        "居家养老、困难群众帮扶",
        r["description"],
        "拱北街道,香洲区",
        3,
        12,
        "5人",
        "2016年",
        "4A",
    ]
    for key, value in kw.items():
        values[HEADER.index(key)] = value
    return values


def xlsx(path, rows, header=HEADER, title=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def count(session):
    return session.scalar(select(func.count()).select_from(Organization))


def test_xlsx_with_chinese_headers(session, tmp_path, org_rec):
    path = xlsx(
        tmp_path / "orgs.xlsx",
        [row(org_rec, 1), row(org_rec, 2, 评估等级="无", 服务范围="440403001；全市")],
    )
    report = import_path(session, path)
    assert report.organizations.created == 2
    org = session.get(Organization, "org-001")
    assert org.category_names == ["居家养老", "困难群众帮扶"]
    assert org.area_codes == ["440402005", "440402"]  # names resolved to codes
    assert (org.capacity, org.staff, org.social_workers, org.founded, org.rating) == (
        3,
        12,
        5,
        2016,
        "AAAA",
    )
    other = session.get(Organization, "org-002")
    assert other.rating is None and other.area_codes == ["440403001", "440400"]


def test_xlsx_bad_rows_named_by_spreadsheet_row_nothing_written(session, tmp_path, org_rec):
    path = xlsx(
        tmp_path / "orgs.xlsx",
        [
            row(org_rec, 1),
            row(org_rec, 2),
            row(org_rec, 3, 承接能力="很多"),
            row(org_rec, 4, 服务范围="火星街道"),
        ],
        title="珠海市社会组织名录",  # a title row above the header
    )
    with pytest.raises(ImportRefused) as exc:
        import_path(session, path)
    assert exc.value.lines()[0].startswith("orgs.xlsx:5: capacity: ")
    assert (
        exc.value.lines()[1].startswith("orgs.xlsx:6: service_areas: ")
        and "火星街道" in exc.value.lines()[1]
    )
    assert count(session) == 0


def test_csv_with_gbk_encoding_english_headers_and_no_ids(session, tmp_path, org_rec):
    path = tmp_path / "orgs.csv"
    header = [
        "name",
        "credit_code",
        "org_type",
        "categories",
        "description",
        "service_areas",
        "capacity",
    ]
    with path.open("w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow([*header, "备注"])
        for n in (1, 2):
            r = org_rec(n)
            w.writerow(
                [
                    r["name"],
                    r["credit_code"],
                    r["org_type"],
                    "居家养老",
                    r["description"],
                    "拱北",
                    "2",
                    "x",
                ]
            )
    report = import_path(session, path)
    assert report.organizations.created == 2
    assert any("备注" in w for w in report.warnings)
    code = org_rec(1)["credit_code"]
    assert session.get(Organization, f"org-{code}").area_codes == ["440402005"]
    again = import_path(session, path)  # matched by credit code: idempotent
    assert again.organizations.unchanged == 2 and count(session) == 2


def test_csv_rows_match_existing_organization_by_credit_code(session, tmp_path, org_rec, make_org):
    make_org(1)
    path = tmp_path / "orgs.csv"
    r = org_rec(1)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["名称", "统一社会信用代码", "组织类型", "服务类别", "服务描述", "服务范围", "承接能力"]
        )
        w.writerow(
            [r["name"], r["credit_code"], r["org_type"], "社区教育", r["description"], "440402", 4]
        )
    report = import_path(session, path)
    assert report.organizations.updated == 1 and count(session) == 1
    assert session.get(Organization, "org-001").category_names == ["社区教育"]


def test_no_header_row_is_refused(session, tmp_path):
    path = xlsx(tmp_path / "orgs.xlsx", [["a", "b"]], header=["甲", "乙"])
    with pytest.raises(ImportRefused) as exc:
        import_path(session, path)
    assert exc.value.lines()[0].startswith("orgs.xlsx:1: header: ")


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]
)
def test_safe_cell_escapes_formula_starts(value):
    assert safe_cell(value) == "'" + value
    assert unescape_cell(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["珠海", "a=b", "", None, -5, 3.5, "'quoted"])
def test_safe_cell_leaves_other_values(value):
    assert safe_cell(value) == value


def test_export_escapes_and_reimports(session, tmp_path, make_org):
    make_org(
        1,
        name='=HYPERLINK("http://evil","点我")',
        description="-新成立的机构，提供居家养老上门服务和长者探访。",
    )
    make_org(2, staff=None, rating=None)
    for suffix in ("xlsx", "csv"):
        path = tmp_path / f"out.{suffix}"
        assert export_organizations_table(session, path) == 2
        if suffix == "xlsx":
            ws = openpyxl.load_workbook(path).active
            cells = [c for r in ws.iter_rows(values_only=True) for c in r]
            assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)  # no formula cells
        else:
            cells = [c for r in csv.reader(path.open(encoding="utf-8-sig")) for c in r]
        assert '\'=HYPERLINK("http://evil","点我")' in cells
        assert not any(isinstance(c, str) and c.startswith(("=", "+", "@")) for c in cells)
        report = import_path(session, path)
        assert report.organizations.unchanged == 2, suffix
    assert session.get(Organization, "org-001").name.startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("capacity", 3.0, 3),
        ("capacity", "３", 3),
        ("capacity", " 4个 ", 4),
        ("capacity", "many", "many"),
        ("founded", "2015-06-01", 2015),
        ("rating", "AAA级", "AAA"),
        ("rating", "5A", "AAAAA"),
        ("rating", "暂无", None),
        ("categories", "居家养老，社区教育;心理咨询", ["居家养老", "社区教育", "心理咨询"]),
        ("credit_code", " 52440402MJ9542550Q ", "52440402MJ9542550Q"),
        ("name", "   ", None),
    ],
)
def test_cell_conversion(key, value, expected):
    assert convert_cell(key, value) == expected


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("统一社会信用代码", "credit_code"),
        ("統一社會信用代碼", "credit_code"),
        ("承接能力（项）", "capacity"),
        (" 服务 范围 ", "service_areas"),
        ("CAPACITY", "capacity"),
        ("备注", None),
        (None, None),
    ],
)
def test_header_recognition(header, key):
    from catalog.exchange.spreadsheet import _header_key

    assert _header_key(header) == key
