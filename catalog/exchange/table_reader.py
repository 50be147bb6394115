"""Reading a register of organizations (.xlsx or .csv) into exchange rows: find the header row,
convert each data row's cells, and keep within the limits. The rows stream in from
catalog.exchange.grid, so a hostile file is refused at the first row over a limit and only the
converted rows (at most MAX_ROWS) are ever held."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from catalog.exchange.errors import ImportRefused, RowError
from catalog.exchange.grid import MAX_ROWS, table_rows
from catalog.exchange.jsonl import Row
from catalog.exchange.records import ORG_KEYS
from catalog.exchange.spreadsheet import (
    HEADER_SEARCH_ROWS,
    HEADERS,
    LIST_KEYS,
    MAX_LIST_ITEMS,
    _header_key,
    convert_cell,
)


def _find_header(
    lines: Iterator[tuple[int, list[Any]]],
) -> tuple[int, dict[int, str], list[Any]] | None:
    """The first row within HEADER_SEARCH_ROWS naming at least two known columns, consuming
    the stream up to it (and no data row after it)."""
    for line, cells in lines:
        if line > HEADER_SEARCH_ROWS:
            return None
        found = {j: key for j, c in enumerate(cells) if (key := _header_key(c))}
        if len(found) >= 2:
            return line, found, cells
    return None


def _no_header(file: str) -> RowError:
    shown = "、".join(a[0] for a in HEADERS.values())
    return RowError(
        file,
        1,
        "header",
        f"找不到表头，应包含：{shown}",
        f"no header row found; expected columns such as {', '.join(ORG_KEYS)}",
    )


def _header_problems(
    file: str, line: int, columns: dict[int, str], header: list[Any]
) -> tuple[list[RowError], list[str]]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for key in columns.values():
        if key in seen:
            errors.append(
                RowError(file, line, "header", f"列“{key}”重复", f"column {key} appears twice")
            )
        seen.add(key)
    warnings = [
        f"{file}:{line}: 忽略未知列“{c}” / ignored unknown column {c!r}"
        for j, c in enumerate(header)
        if j not in columns and c not in (None, "")
    ]
    return errors, warnings


def _too_many_rows(file: str, line: int) -> RowError:
    return RowError(
        file,
        line,
        "row",
        f"数据超过{MAX_ROWS}行（上限），请分成几个文件导入",
        f"more than {MAX_ROWS:,} data rows (the limit); split the file",
    )


def _list_too_long(file: str, line: int, key: str) -> RowError:
    return RowError(file, line, key, f"最多{MAX_LIST_ITEMS}项", f"at most {MAX_LIST_ITEMS} items")


def read_organizations_table(
    path: Path, names: Mapping[str, str] | None = None
) -> tuple[list[Row], list[RowError], list[str]]:
    """Rows (numbered as the spreadsheet numbers them), errors, and warnings (ignored columns).
    The file is read as a stream within the limits of catalog.exchange.grid; a file over one
    gives that single refusal and no rows."""
    file = path.name
    try:
        with table_rows(path) as lines:
            return _read_rows(lines, file, names)
    except ImportRefused as exc:
        return [], exc.errors, []
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear refusal
        return [], [RowError(file, 0, "file", "无法读取文件", f"cannot read the file ({exc})")], []


def _read_rows(
    lines: Iterator[tuple[int, list[Any]]], file: str, names: Mapping[str, str] | None
) -> tuple[list[Row], list[RowError], list[str]]:
    found = _find_header(lines)
    if found is None:
        return [], [_no_header(file)], []
    header_at, columns, header = found
    errors, warnings = _header_problems(file, header_at, columns, header)
    rows: list[Row] = []
    for line, cells in lines:
        if len(rows) == MAX_ROWS:
            return [], [_too_many_rows(file, line)], []
        data = {
            key: convert_cell(key, cells[j] if j < len(cells) else None, names)
            for j, key in columns.items()
        }
        too_long = [k for k in LIST_KEYS if len(data.get(k) or ()) > MAX_LIST_ITEMS]
        if too_long:
            errors.extend(_list_too_long(file, line, k) for k in too_long)
            continue
        rows.append(Row(file, line, data))
    return rows, errors, warnings
