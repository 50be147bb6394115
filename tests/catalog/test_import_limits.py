"""Hostile registers (issue 17, finding 7) are refused with one line naming the limit, and
nothing is imported. Work is bounded deterministically, never by the clock: the package checks
must refuse before openpyxl is even called, and the far cell must reach us as one row, not as
a million rows padded to 16,384 columns."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from sqlalchemy import func, select

from catalog.exchange import ImportRefused, grid, import_path, xmlscan
from catalog.exchange.spreadsheet import MAX_LIST_ITEMS
from catalog.models import Organization
from tests.catalog import hostile_sheets as hostile
from tests.catalog.test_spreadsheet import HEADER, row, xlsx


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if the file reaches openpyxl: the refusal must come before it."""

    def reached(*_args, **_kwargs):
        raise AssertionError("openpyxl.load_workbook was reached")

    monkeypatch.setattr(openpyxl, "load_workbook", reached)


def refused(session, path) -> list[str]:
    with pytest.raises(ImportRefused) as exc:
        import_path(session, path)
    assert session.scalar(select(func.count()).select_from(Organization)) == 0
    return exc.value.lines()


def test_one_cell_at_xfd1048576_is_refused_without_padding_the_sheet(
    session, tmp_path, monkeypatch
):
    widths = []
    real = grid.bounded

    def spy(rows, file):
        return real((widths.append(len(r)) or r for r in rows), file)

    monkeypatch.setattr(grid, "bounded", spy)
    path = hostile.far_cell(tmp_path / "far.xlsx")
    assert path.stat().st_size < 6_000
    assert refused(session, path) == [
        "far.xlsx:1048576: column: 单元格XFD1048576超出50列（上限） / "
        "cell XFD1048576 is beyond column 50 (the limit)"
    ]
    # The declared A1:XFD1048576 was ignored: the missing rows came as empty ones, and only
    # the far row itself was as wide as its cell.
    assert sum(widths) == len(hostile.HEADER_CELLS) + 16_384


def test_zip_bomb_over_the_unpacked_size_is_refused_before_openpyxl(session, tmp_path, no_openpyxl):
    path = hostile.bomb(tmp_path / "bomb.xlsx", xmlscan.MAX_UNPACKED_BYTES + 1, level=1)
    assert path.stat().st_size < xmlscan.MAX_UNPACKED_BYTES // 100
    assert refused(session, path) == [
        "bomb.xlsx: file: 解压后超过128 MB（上限），可能是压缩炸弹 / "
        "unpacks to more than 128 MB (the limit); a possible zip bomb"
    ]


def test_zip_bomb_under_the_size_cap_is_refused_by_its_ratio(session, tmp_path, no_openpyxl):
    path = hostile.bomb(tmp_path / "bomb.xlsx", 20 << 20)
    (line,) = refused(session, path)
    assert "xl/worksheets/sheet1.xml" in line and f"{xmlscan.MAX_RATIO}:1 (the limit)" in line


def test_too_many_rows(session, tmp_path):
    path = hostile.many_rows(tmp_path / "rows.xlsx", grid.MAX_ROWS + 1)
    assert refused(session, path) == [
        "rows.xlsx:20002: row: 数据超过20000行（上限），请分成几个文件导入 / "
        "more than 20,000 data rows (the limit); split the file"
    ]


def test_too_many_columns(session, tmp_path, org_rec):
    values = row(org_rec, 1) + [None] * (grid.MAX_COLUMNS - len(HEADER)) + ["备注"]
    path = xlsx(tmp_path / "wide.xlsx", [values])
    assert refused(session, path) == [
        "wide.xlsx:2: column: 单元格AY2超出50列（上限） / cell AY2 is beyond column 50 (the limit)"
    ]


def test_blank_formatted_cells_far_right_are_ignored(session, tmp_path, org_rec):
    """Formatting reaching column XFD is not data: a register like that imports."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(row(org_rec, 1))
    ws.cell(row=2, column=16_384).number_format = "0.00"
    wb.save(tmp_path / "formatted.xlsx")
    report = import_path(session, tmp_path / "formatted.xlsx")
    assert report.organizations.created == 1


def test_blank_formatted_cells_are_counted(session, tmp_path):
    rows = (f'<row r="{i}"><c r="XFD{i}" s="0"/></row>'.encode() for i in range(2, 200))
    path = hostile.xlsx_with_sheet(tmp_path / "styled.xlsx", hostile.sheet(rows))
    (line,) = refused(session, path)
    assert f"more than {grid.MAX_SCANNED_CELLS:,} cells, blank formatted ones included" in line


def test_a_huge_cell_is_refused_naming_it(session, tmp_path, org_rec):
    path = xlsx(tmp_path / "big.xlsx", [row(org_rec, 1, 名称="名" * (grid.MAX_CELL_CHARS + 1))])
    assert refused(session, path) == [
        "big.xlsx:2: cell: 单元格B2超过5000个字符（上限） / "
        "cell B2 has more than 5,000 characters (the limit)"
    ]


def test_a_text_too_big_for_any_cell_is_refused_before_openpyxl(session, tmp_path, no_openpyxl):
    text = "x" * (xmlscan.MAX_NODE_BYTES + 1)
    path = hostile.xlsx_with_sheet(
        tmp_path / "text.xlsx", hostile.sheet([hostile.data_row(2, [text])])
    )
    (line,) = refused(session, path)
    assert f"more than {xmlscan.MAX_NODE_BYTES:,} bytes (the limit)" in line


def test_a_row_of_too_many_elements_is_refused_before_openpyxl(session, tmp_path, no_openpyxl):
    fat = b'<row r="2">' + b"<c/>" * xmlscan.MAX_UNIT_ELEMENTS + b"</row>"
    path = hostile.xlsx_with_sheet(tmp_path / "fat.xlsx", hostile.sheet([fat]))
    (line,) = refused(session, path)
    assert f"more than {xmlscan.MAX_UNIT_ELEMENTS:,} XML elements (the limit) in one row" in line


def test_a_dtd_is_refused_before_openpyxl(session, tmp_path, no_openpyxl):
    doctype = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaa">]>'
    chunks = list(hostile.sheet([]))
    chunks[0] = chunks[0].replace(b'<?xml version="1.0" encoding="UTF-8"?>', doctype)
    path = hostile.xlsx_with_sheet(tmp_path / "dtd.xlsx", chunks)
    (line,) = refused(session, path)
    assert "declares a DTD" in line


def test_a_row_numbered_past_excel_is_refused(session, tmp_path):
    far = hostile.data_row(10**12, ["x"])
    path = hostile.xlsx_with_sheet(tmp_path / "gap.xlsx", hostile.sheet([far]))
    assert refused(session, path) == [
        "gap.xlsx:1048577: row: 行号超过1048576（Excel的最后一行） / "
        "row number beyond 1,048,576 (Excel's last row)"
    ]


def test_total_text_is_capped(session, tmp_path, org_rec, monkeypatch):
    monkeypatch.setattr(grid, "MAX_TEXT_CHARS", 1_000)
    path = xlsx(tmp_path / "text.xlsx", [row(org_rec, n) for n in range(1, 20)])
    (line,) = refused(session, path)
    assert "more than 1,000 characters of text in all (the limit)" in line


def test_a_list_cell_is_capped(session, tmp_path, org_rec):
    many = "、".join(["居家养老"] * (MAX_LIST_ITEMS + 1))
    path = xlsx(tmp_path / "list.xlsx", [row(org_rec, 1, 服务类别=many)])
    assert refused(session, path) == ["list.xlsx:2: categories: 最多100项 / at most 100 items"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_file_larger_than_the_cap_is_refused_unread(session, tmp_path, suffix, no_openpyxl):
    path = tmp_path / f"big.{suffix}"
    with path.open("wb") as f:
        f.truncate(xmlscan.MAX_UNPACKED_BYTES + 1)  # sparse: no disk used
    assert refused(session, path) == [
        f"big.{suffix}: file: 文件超过128 MB（上限） / the file is larger than 128 MB (the limit)"
    ]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_csv_limits(session, tmp_path, org_rec):
    good = row(org_rec, 1)
    path = write_csv(tmp_path / "rows.csv", [HEADER] + [good] * (grid.MAX_ROWS + 1))
    assert refused(session, path)[0].startswith("rows.csv:20002: row: 数据超过20000行")
    path = write_csv(tmp_path / "wide.csv", [HEADER, good + [""] * 38 + ["x"]])
    assert refused(session, path) == [
        "wide.csv:2: column: 单元格AY2超出50列（上限） / cell AY2 is beyond column 50 (the limit)"
    ]
    path = write_csv(tmp_path / "cell.csv", [HEADER, row(org_rec, 1, 名称="x" * 5_001)])
    assert refused(session, path)[0].startswith("cell.csv:2: cell: 单元格B2超过5000个字符")
    # A record longer than any allowed row is refused before csv splits it into fields.
    path = tmp_path / "record.csv"
    path.write_text(",".join(HEADER) + "\n" + "," * grid.MAX_RECORD_CHARS + "\n")
    assert refused(session, path) == [
        "record.csv:2: row: 一行超过250150个字符（上限） / "
        "a record longer than 250,150 characters (the limit)"
    ]
    # A quoted field running over many lines meets the csv module's own field limit first.
    path = tmp_path / "field.csv"
    path.write_text(",".join(HEADER) + '\n"' + "x\n" * 100_000 + '"\n')
    assert refused(session, path) == [
        f"field.csv:{csv.field_size_limit() // 2 + 2}: cell: 有单元格超过5000个字符（上限） / "
        "a cell has more than 5,000 characters (the limit)"
    ]


def test_csv_trailing_empty_fields_and_blank_lines_are_ignored(session, tmp_path, org_rec):
    path = write_csv(
        tmp_path / "ok.csv", [HEADER, row(org_rec, 1) + [""] * 100, [], [""] * 100, row(org_rec, 2)]
    )
    assert import_path(session, path).organizations.created == 2


def test_cli_prints_one_refusal_naming_the_limit(app, runner, tmp_path):
    path = hostile.far_cell(tmp_path / "far.xlsx")
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "far.xlsx:1048576: column: 单元格XFD1048576超出50列（上限） / "
        "cell XFD1048576 is beyond column 50 (the limit)",
        "导入被拒绝：共1处错误，数据库未做任何修改 / import refused: 1 error(s), nothing was changed",
    ]
