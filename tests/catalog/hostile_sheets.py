"""Hostile spreadsheets built in code for the import limits (issue 17, finding 7): a real workbook
saved by openpyxl whose worksheet XML is then replaced by hand, so a test can declare any
dimension, put a cell anywhere and make the XML as large and as compressible as it likes
without a spreadsheet program and without holding the whole sheet in memory."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
TAIL = b"</sheetData></worksheet>"
HEADER_CELLS = ("名称", "统一社会信用代码", "组织类型")


def cell(ref: str, text: str) -> bytes:
    """An inline-string cell; `ref` "" leaves the position implicit (the next column)."""
    where = f' r="{ref}"' if ref else ""
    return f'<c{where} t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row() -> bytes:
    return b'<row r="1">' + b"".join(cell("", h) for h in HEADER_CELLS) + b"</row>"


def sheet(rows: Iterable[bytes], dimension: str = "A1:C2") -> Iterator[bytes]:
    """The chunks of a worksheet part: the header row, then `rows` as given."""
    yield HEAD + f'<dimension ref="{dimension}"/><sheetData>'.encode() + header_row()
    yield from rows
    yield TAIL


def xlsx_with_sheet(path: Path, chunks: Iterable[bytes], level: int = 9) -> Path:
    """Save an ordinary one-sheet workbook, then rewrite it with `chunks` as its worksheet XML
    (streamed into the zip, so a bomb never sits in the test's memory)."""
    base = path.with_name(path.stem + ".base.xlsx")
    openpyxl.Workbook().save(base)
    with (
        zipfile.ZipFile(base) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out,
    ):
        for info in src.infolist():
            if info.filename != SHEET:
                out.writestr(info, src.read(info))
        with out.open(SHEET, "w", force_zip64=True) as w:
            for chunk in chunks:
                w.write(chunk)
    base.unlink()
    return path


def far_cell(path: Path) -> Path:
    """The 4.7 KB file of the review: one cell at XFD1048576 and a dimension that says so."""
    far = b'<row r="1048576">' + cell("XFD1048576", "x") + b"</row>"
    return xlsx_with_sheet(path, sheet([far], dimension="A1:XFD1048576"))


def data_row(n: int, values: Iterable[str]) -> bytes:
    return f'<row r="{n}">'.encode() + b"".join(cell("", v) for v in values) + b"</row>"


def many_rows(path: Path, n: int) -> Path:
    """`n` small data rows below the header."""
    rows = (data_row(i, (f"组织{i}",)) for i in range(2, n + 2))
    return xlsx_with_sheet(path, sheet(rows, dimension=f"A1:C{n + 1}"))


def bomb(path: Path, unpacked: int, level: int = 9) -> Path:
    """A worksheet of one highly compressible row repeated until the XML is `unpacked` bytes:
    packed 190:1 at level 1 (fast to build), 700:1 at level 9."""
    unit = b'<row><c t="inlineStr"><is><t>' + b"a" * 4000 + b"</t></is></c></row>"
    n = unpacked // len(unit) + 1
    return xlsx_with_sheet(path, sheet([unit] * n, dimension=f"A1:C{n + 1}"), level)
