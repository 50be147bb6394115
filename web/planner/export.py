"""CSV and Excel files of planner tables.

Text cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or
carriage return that some spreadsheets strip before parsing) get a leading apostrophe: need
titles are typed by street offices and must not become live formulas in a planner's Excel
(CSV/formula injection, OWASP). Numbers stay numbers, so sums still work."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from catalog.exchange import safe_cell
from web.planner.tables import Table

CSV_MIME = "text/csv; charset=utf-8"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lines(table: Table) -> list[list[Any]]:
    out = [[safe_cell(h) for h in table.headers]]
    out += [[safe_cell(v) for v in row] for row in table.rows]
    if table.footer:
        out.append([safe_cell(v) for v in table.footer])
    return out


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark: without it Excel on Windows opens Chinese as mojibake."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(_lines(table))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table; every string cell is written as a string, never as a formula."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(title=_sheet_title(table.name))
        ws.append([table.title])
        ws["A1"].font = Font(bold=True)
        for line in _lines(table):
            ws.append(line)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        for cell in ws[2]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(c for c in name if c not in "[]:*?/\\")
    return (cleaned or "sheet")[:31]
