"""The rows of an uploaded register (.xlsx or .csv), read as a stream within fixed limits.

A register comes from outside, and a few kilobytes can describe gigabytes: one cell at XFD1048576
made openpyxl pad a million rows to 16,384 columns (5.9 GB), a 7.9 MB zip unpacked to 1.3 GB
(issue 17, finding 7). So every limit is checked before the work it bounds: the zip's declared
sizes and compression ratios before anything is unpacked, the XML's shape (elements, text runs,
DTDs) with a constant-memory expat pass before openpyxl parses it, and rows, columns and cell
text while the rows stream past, never trusting the sheet's declared dimension. A file over a
limit is refused with one line naming the limit; nothing has been written by then."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from catalog.exchange.errors import ImportRefused, RowError
from catalog.exchange.xmlscan import MAX_UNPACKED_BYTES, check_package

# Limits of a register. The largest real one is a city's list of social organizations, a few
# thousand rows of a dozen columns; these leave ample room above that while keeping the work
# and memory of a hostile file to seconds and a few hundred megabytes.
MAX_ROWS = 20_000
"""Data rows below the header; more is not a register but a dump, and each row is validated."""
MAX_COLUMNS = 50
"""Columns holding a value; a register has about 13, so 50 leaves room for notes columns."""
MAX_CELL_CHARS = 5_000
"""Characters in one cell; the longest field (a description) is capped at 2,000 anyway."""
MAX_TEXT_CHARS = 20_000_000
"""Characters in all cells together. One shared string may fill every cell of an .xlsx at no
cost in the file, but each conversion copies it; this keeps the copies bounded."""
MAX_RECORD_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)
"""Characters of one CSV record (quotes and commas included). The csv module would build a
record of any length, and its own field limit is process-wide state we do not change."""
LAST_ROW = 1_048_576
"""Excel's last row. openpyxl accepts any row number and yields every missing row before it."""
MAX_SCANNED_CELLS = 2 * MAX_ROWS * MAX_COLUMNS
"""Cells openpyxl may hand us, blank ones included: a row reaching column XFD costs 16,384."""
READ_CHUNK = 1 << 20


def refusal(file: str, line: int, field: str, zh: str, en: str) -> ImportRefused:
    return ImportRefused([RowError(file, line, field, zh, en)])


@contextmanager
def table_rows(path: Path) -> Iterator[Iterator[tuple[int, list[Any]]]]:
    """The non-blank rows of the first sheet of an .xlsx, or of a .csv, as (row number, cells)
    with trailing blank cells dropped; a row or cell over a limit raises ImportRefused when
    the stream reaches it. The package checks of an .xlsx run before openpyxl sees it, on the
    same open file, so what was checked is what is read."""
    file = path.name
    if path.stat().st_size > MAX_UNPACKED_BYTES:
        mb = MAX_UNPACKED_BYTES >> 20
        raise refusal(
            file,
            0,
            "file",
            f"文件超过{mb} MB（上限）",
            f"the file is larger than {mb} MB (the limit)",
        )
    if path.suffix.lower() != ".xlsx":
        yield bounded(csv_records(path), file)
        return
    import openpyxl

    with path.open("rb") as fh:
        check_package(fh, file)
        fh.seek(0)
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        try:
            sheet = wb.worksheets[0]
            sheet.reset_dimensions()  # the declared dimension is the attacker's to choose
            yield bounded(sheet.iter_rows(values_only=True), file)
        finally:
            wb.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_name(column: int, line: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{line}" if column <= 16_384 else f"#{column}:{line}"


def bounded(rows: Iterable[Sequence[Any]], file: str) -> Iterator[tuple[int, list[Any]]]:
    """Number the rows, skip blank ones, and refuse at the first row past a limit."""
    scanned = text = 0
    for line, cells in enumerate(rows, start=1):
        if line > LAST_ROW:
            raise refusal(
                file,
                line,
                "row",
                f"行号超过{LAST_ROW}（Excel的最后一行）",
                f"row number beyond {LAST_ROW:,} (Excel's last row)",
            )
        scanned += len(cells)
        if scanned > MAX_SCANNED_CELLS:
            raise refusal(
                file,
                line,
                "file",
                f"表格的单元格（含空白的带格式单元格）超过{MAX_SCANNED_CELLS}个（上限），"
                "请删除多余的空行空列",
                f"more than {MAX_SCANNED_CELLS:,} cells, blank formatted ones included "
                "(the limit); delete the unused rows and columns",
            )
        width = len(cells)
        while width and _blank(cells[width - 1]):
            width -= 1
        if not width:
            continue
        text += _checked_width_and_text(cells, width, line, file)
        if text > MAX_TEXT_CHARS:
            raise refusal(
                file,
                line,
                "file",
                f"表格文字总量超过{MAX_TEXT_CHARS}个字符（上限）",
                f"more than {MAX_TEXT_CHARS:,} characters of text in all (the limit)",
            )
        yield line, list(cells[:width])


def _checked_width_and_text(cells: Sequence[Any], width: int, line: int, file: str) -> int:
    """The characters of the row's text, once its width and every cell passed their limits."""
    if width > MAX_COLUMNS:
        raise refusal(
            file,
            line,
            "column",
            f"单元格{_cell_name(width, line)}超出{MAX_COLUMNS}列（上限）",
            f"cell {_cell_name(width, line)} is beyond column {MAX_COLUMNS} (the limit)",
        )
    text = 0
    for j in range(width):
        value = cells[j]
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                raise refusal(
                    file,
                    line,
                    "cell",
                    f"单元格{_cell_name(j + 1, line)}超过{MAX_CELL_CHARS}个字符（上限）",
                    f"cell {_cell_name(j + 1, line)} has more than {MAX_CELL_CHARS:,} "
                    "characters (the limit)",
                )
            text += len(value)
    return text


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes so, else GB18030, which is what
    Excel on Chinese Windows saves. Decoded a chunk at a time, so memory stays flat."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as raw:
        try:
            while chunk := raw.read(READ_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


class _Lines:
    """The lines of a text file for csv.reader, refusing a record (one or more physical lines)
    longer than MAX_RECORD_CHARS before it is read whole."""

    def __init__(self, stream: IO[str], file: str) -> None:
        self.stream, self.file = stream, file
        self.record = 0  # characters of the record being read
        self.line = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        text = self.stream.readline(MAX_RECORD_CHARS + 1 - self.record)
        if not text:
            raise StopIteration
        self.line += 1
        self.record += len(text)
        if self.record > MAX_RECORD_CHARS:
            raise refusal(
                self.file,
                self.line,
                "row",
                f"一行超过{MAX_RECORD_CHARS}个字符（上限）",
                f"a record longer than {MAX_RECORD_CHARS:,} characters (the limit)",
            )
        return text


def csv_records(path: Path) -> Iterator[list[str]]:
    """The records of a CSV file, read a line at a time."""
    with path.open(encoding=_encoding(path), newline="") as stream:
        lines = _Lines(stream, path.name)
        records = csv.reader(lines)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except csv.Error as exc:  # the csv module's own field limit is above ours
                if "field limit" not in str(exc):
                    raise
                raise refusal(
                    path.name,
                    lines.line,
                    "cell",
                    f"有单元格超过{MAX_CELL_CHARS}个字符（上限）",
                    f"a cell has more than {MAX_CELL_CHARS:,} characters (the limit)",
                ) from exc
            yield record
            lines.record = 0
