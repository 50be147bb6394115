"""Contact data in the exchange format and in spreadsheet registers: optional keys, so a file
from before they existed imports (and re-imports without touching stored contact data); a
file that has them writes them, round-trips, and is refused whole, line and field named, when
one is malformed; registers read them from Chinese column headers."""

import json

import openpyxl
import pytest

from catalog.exchange import (
    ImportRefused,
    export_directory,
    export_organizations_table,
    import_directory,
    import_path,
)
from catalog.exchange.records import ORG_KEYS
from catalog.models import Organization
from tests.catalog.test_spreadsheet import HEADER as SHEET_HEADER
from tests.catalog.test_spreadsheet import row

CONTACT = {
    "address": "珠海市香洲区拱北街道迎宾南路1001号（邮编519020）",
    "contact_person": "陈敏",
    "phone": "0756-2212345-801",
    "email": "service@org1.example.org",
    "website": "https://org1.example.org/",
    "opening_hours": "周一至周五 9:00-17:30",
}
OLD_KEYS = set(ORG_KEYS)  # FORMAT v1: what files from before contact data hold


def contact_of(org):
    return {key: getattr(org, key) for key in CONTACT}


def test_an_old_file_imports_and_leaves_contact_data_alone(session, tmp_path, jsonl, org_rec):
    old = org_rec(1)
    assert set(old) == OLD_KEYS  # the shape of files from before contact data existed
    jsonl(tmp_path / "old" / "organizations.jsonl", [old])
    assert import_directory(session, tmp_path / "old").organizations.created == 1
    assert set(contact_of(session.get(Organization, "org-001")).values()) == {None}
    jsonl(tmp_path / "new" / "organizations.jsonl", [org_rec(1, **CONTACT)])
    assert import_directory(session, tmp_path / "new").organizations.updated == 1
    report = import_directory(session, tmp_path / "old")  # the old file again
    assert report.organizations.unchanged == 1
    org = session.get(Organization, "org-001")
    assert contact_of(org) == CONTACT and org.profile_version == 2


def test_contact_data_round_trips_and_null_clears(session, tmp_path, jsonl, org_rec):
    jsonl(tmp_path / "in" / "organizations.jsonl", [org_rec(1, **CONTACT), org_rec(2)])
    import_directory(session, tmp_path / "in")
    export_directory(session, tmp_path / "out")
    first, second = (
        json.loads(line)
        for line in (tmp_path / "out" / "organizations.jsonl").read_text("utf-8").splitlines()
    )
    assert {k: first[k] for k in CONTACT} == CONTACT and set(second) == OLD_KEYS
    assert import_directory(session, tmp_path / "out").organizations.unchanged == 2
    jsonl(tmp_path / "clear" / "organizations.jsonl", [org_rec(1, **(CONTACT | {"website": None}))])
    import_directory(session, tmp_path / "clear")
    assert session.get(Organization, "org-001").website is None


def test_a_malformed_contact_refuses_the_file(session, tmp_path, jsonl, org_rec):
    jsonl(
        tmp_path / "organizations.jsonl",
        [
            org_rec(1, **CONTACT),
            org_rec(2, phone="2212345", email="someone@", website="www.example.org"),
        ],
    )
    with pytest.raises(ImportRefused) as exc:
        import_directory(session, tmp_path)
    lines = exc.value.lines()
    assert [line.split(": ")[0:2] for line in lines] == [
        ["organizations.jsonl:2", "phone"],
        ["organizations.jsonl:2", "email"],
        ["organizations.jsonl:2", "website"],
    ]
    assert session.get(Organization, "org-001") is None  # nothing written


# The register of tests/catalog/test_spreadsheet.py with contact columns, headers as offices
# write them (a note in brackets, synonyms).
HEADER = [
    *SHEET_HEADER,
    "办公地址",
    "联系人",
    "联系电话（手机或座机）",
    "电子邮箱",
    "网址",
    "开放时间",
]


def _register(path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def _row(org_rec, n, **contact):
    return row(org_rec, n) + [contact.get(k) for k in CONTACT]


def test_a_register_reads_contact_columns(session, tmp_path, org_rec):
    mobile = 13812345678  # a mobile number typed into Excel is a number cell
    path = _register(
        tmp_path / "orgs.xlsx",
        [_row(org_rec, 1, **CONTACT), _row(org_rec, 2, phone=mobile, contact_person="李晓华")],
    )
    assert import_path(session, path).organizations.created == 2
    assert contact_of(session.get(Organization, "org-001")) == CONTACT
    other = session.get(Organization, "org-002")
    assert (other.phone, other.contact_person, other.email) == ("13812345678", "李晓华", None)
    out = tmp_path / "export.xlsx"
    export_organizations_table(session, out)
    header = [c.value for c in next(openpyxl.load_workbook(out).active.iter_rows(max_row=1))]
    assert header[-6:] == ["地址", "联系人", "联系电话", "电子邮箱", "网站", "开放时间"]
    assert import_path(session, out).organizations.unchanged == 2


def test_a_register_with_a_bad_phone_is_refused_naming_row_and_field(session, tmp_path, org_rec):
    path = _register(
        tmp_path / "orgs.xlsx",
        [_row(org_rec, 1, **CONTACT), _row(org_rec, 2, phone=7562212345)],  # lost its 0
    )
    with pytest.raises(ImportRefused) as exc:
        import_path(session, path)
    (line,) = exc.value.lines()
    assert line.startswith("orgs.xlsx:3: phone: 电话号码无效")
    assert session.get(Organization, "org-001") is None


def test_a_register_without_contact_columns_keeps_stored_contact_data(session, tmp_path, org_rec):
    import_path(session, _register(tmp_path / "with.xlsx", [_row(org_rec, 1, **CONTACT)]))
    without = _register(tmp_path / "without.xlsx", [row(org_rec, 1)], header=SHEET_HEADER)
    assert import_path(session, without).organizations.unchanged == 1
    assert contact_of(session.get(Organization, "org-001")) == CONTACT
