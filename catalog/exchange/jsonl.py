"""Reading and writing JSON Lines with line numbers kept, so a syntax error is reported on the
line a person can open in an editor, alongside the validation errors of the other lines."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.exchange.errors import RowError


@dataclass
class Row:
    """One record of an input file and where it came from."""

    file: str
    line: int
    data: dict[str, Any]


def read_jsonl(path: Path) -> tuple[list[Row], list[RowError]]:
    """Every object line of the file, and an error for each line that is not a JSON object.
    Blank lines are skipped; line numbers stay those of the file."""
    rows: list[Row] = []
    errors: list[RowError] = []
    name = path.name
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [
            RowError(name, 0, "file", "文件不是UTF-8编码", f"file is not UTF-8 ({exc.reason})")
        ]
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(
                RowError(
                    name,
                    number,
                    "json",
                    f"JSON格式错误（第{exc.colno}列）：{exc.msg}",
                    f"invalid JSON at column {exc.colno}: {exc.msg}",
                )
            )
            continue
        if not isinstance(data, dict):
            errors.append(
                RowError(
                    name,
                    number,
                    "json",
                    "每行必须是一个JSON对象",
                    "each line must be a JSON object",
                )
            )
            continue
        rows.append(Row(name, number, data))
    return rows, errors


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write records one per line, UTF-8, atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for rec in records:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
