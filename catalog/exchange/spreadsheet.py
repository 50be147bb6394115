"""Organizations from and to spreadsheets (.xlsx via openpyxl, .csv) with Chinese column headers,
because that is what civil-affairs offices keep their registers in. Cells written out are
escaped against formula injection (`safe_cell`): a name like "=HYPERLINK(...)" must stay text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.exchange.errors import ImportRefused, RowError
from catalog.exchange.jsonl import Row
from catalog.exchange.records import ORG_KEYS

if TYPE_CHECKING:
    from catalog.exchange.importer import ImportReport

# Leading characters that make Excel/LibreOffice evaluate a cell (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Accepted headers per exchange key; the first is what exports write. English keys always work.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "组织编号", "序号id"),
    "name": ("名称", "组织名称", "机构名称", "社会组织名称", "单位名称"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "org_type": ("组织类型", "类型", "组织类别"),
    "categories": ("服务类别", "服务类型", "服务领域"),
    "description": ("服务描述", "能力描述", "机构简介", "简介", "服务内容"),
    "service_areas": ("服务范围", "服务区域", "服务地区"),
    "capacity": ("承接能力", "可承接项目数", "最大承接项目数"),
    "staff": ("员工人数", "工作人员数", "从业人员数", "职工人数"),
    "social_workers": ("社工人数", "持证社工人数", "社会工作者人数"),
    "founded": ("成立年份", "成立时间", "成立日期"),
    "rating": ("评估等级", "等级", "社会组织评估等级"),
    "lang": ("语言", "文字"),
}
LIST_KEYS = ("categories", "service_areas")
INT_KEYS = ("capacity", "staff", "social_workers", "founded")
NO_RATING = {"", "无", "暂无", "未评估", "未参评", "-", "—", "/", "none", "null", "n/a"}
_SPLIT = re.compile(r"[、,，;；/|\s]+")
_UNIT = re.compile(r"(人|名|个|项|年|年度)$")
_PAREN = re.compile(r"\(.*?\)$")
HEADER_SEARCH_ROWS = 5  # a register may carry a title row or two above the header


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet or CSV cell should hold it. Numbers, dates and empty cells
    pass through (a negative number is data, not a formula, and sums must still work); any
    other value becomes text, prefixed with an apostrophe when a spreadsheet would evaluate it
    as a formula, so it is shown as typed (OWASP CSV injection). One function for every export
    of the platform, so no download escapes differently."""
    if value is None or isinstance(value, int | float | dt.date):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unescape_cell(value: str) -> str:
    """Undo `safe_cell`, so an exported register re-imports to the same text."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _header_key(text: Any) -> str | None:
    if text is None:
        return None
    h = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    h = _PAREN.sub("", _t2s().convert(h)).strip().lower()
    if h in ORG_KEYS:
        return h
    for key, aliases in HEADERS.items():
        if h in aliases:
            return key
    return None


def region_names(session: Session) -> dict[str, str]:
    """Region name → code, also without the 街道/镇/区/市 suffix when that stays unambiguous, and
    全市 for a single-city gazetteer, so a register can say 拱北街道, 拱北 or 香洲区."""
    from catalog.models import Region

    rows = list(session.execute(select(Region.name, Region.code, Region.level)))
    names = {name: code for name, code, _ in rows}
    short: dict[str, set[str]] = {}
    for name, code, _ in rows:
        stem = re.sub(r"(街道|镇|区|市)$", "", name)
        if stem and stem != name:
            short.setdefault(stem, set()).add(code)
    names.update({s: next(iter(c)) for s, c in short.items() if len(c) == 1 and s not in names})
    cities = [code for _, code, level in rows if level == "city"]
    if len(cities) == 1:
        names.setdefault("全市", cities[0])
    return names


def _text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        value = unescape_cell(value.strip())
        return value or None
    return value


def _integer(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.year
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        s = _UNIT.sub("", unicodedata.normalize("NFKC", value).strip())
        if not s:
            return None
        if re.fullmatch(r"-?\d+", s):
            return int(s)
        if m := re.fullmatch(r"(\d{4})[-./年]\d{1,2}([-./月]\d{1,2}日?)?", s):
            return int(m.group(1))  # 成立时间 written as a date
    return value


def _rating(value: Any) -> Any:
    if value is None:
        return None
    s = unicodedata.normalize("NFKC", str(value)).strip().upper().removesuffix("级")
    if s.lower() in NO_RATING:
        return None
    if m := re.fullmatch(r"([1-5])A", s):
        return "A" * int(m.group(1))
    return s


def _listing(value: Any, names: Mapping[str, str] | None) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    parts = [p for p in _SPLIT.split(unicodedata.normalize("NFKC", str(value)).strip()) if p]
    if names is not None:
        parts = [names.get(p, p) for p in parts]
    return parts or None


def convert_cell(key: str, value: Any, names: Mapping[str, str] | None = None) -> Any:
    """A spreadsheet cell as the exchange format wants it; what cannot be converted is passed on
    unchanged so validation names the problem instead of it vanishing here."""
    if isinstance(value, str) and not value.strip():
        value = None
    if key in LIST_KEYS:
        return _listing(value, names if key == "service_areas" else None)
    if key in INT_KEYS:
        return _integer(value)
    if key == "rating":
        return _rating(value)
    return _text(value)


def _grid_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # Excel on Chinese Windows saves CSV in GBK
    return list(csv.reader(io.StringIO(text, newline="")))


def _grid_xlsx(path: Path) -> list[list[Any]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_organizations_table(
    path: Path, names: Mapping[str, str] | None = None
) -> tuple[list[Row], list[RowError], list[str]]:
    """Rows (numbered as the spreadsheet numbers them), errors, and warnings (ignored columns)."""
    file = path.name
    try:
        grid = _grid_xlsx(path) if path.suffix.lower() == ".xlsx" else _grid_csv(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one clear refusal
        return [], [RowError(file, 0, "file", "无法读取文件", f"cannot read the file ({exc})")], []
    header_at: int | None = None
    columns: dict[int, str] = {}
    for i, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found = {j: key for j, c in enumerate(cells) if (key := _header_key(c))}
        if len(found) >= 2:
            header_at, columns = i, found
            break
    if header_at is None:
        shown = "、".join(a[0] for a in HEADERS.values())
        return (
            [],
            [
                RowError(
                    file,
                    1,
                    "header",
                    f"找不到表头，应包含：{shown}",
                    f"no header row found; expected columns such as {', '.join(ORG_KEYS)}",
                )
            ],
            [],
        )
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for j, key in columns.items():
        if key in seen:
            errors.append(
                RowError(
                    file, header_at + 1, "header", f"列“{key}”重复", f"column {key} appears twice"
                )
            )
        seen[key] = j
    header = grid[header_at]
    warnings = [
        f"{file}:{header_at + 1}: 忽略未知列“{c}” / ignored unknown column {c!r}"
        for j, c in enumerate(header)
        if j not in columns and c not in (None, "")
    ]
    rows = []
    for i, cells in enumerate(grid[header_at + 1 :], start=header_at + 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        data = {
            key: convert_cell(key, cells[j] if j < len(cells) else None, names)
            for j, key in columns.items()
        }
        rows.append(Row(file, i, data))
    return rows, errors, warnings


def import_organizations_table(
    session: Session, path: str | Path, actor: Actor | None = None, progress: bool | None = None
) -> ImportReport:
    """Import a register of organizations (.xlsx or .csv), all or nothing like the JSONL import.
    Without an 编号 column, rows are matched to existing organizations by credit code."""
    from catalog.exchange.importer import import_rows

    path = Path(path)
    rows, errors, warnings = read_organizations_table(path, region_names(session))
    if errors and not rows:
        raise ImportRefused(errors)
    return import_rows(
        session,
        actor,
        source=str(path),
        org_rows=rows,
        need_rows=[],
        errors=errors,
        warnings=warnings,
        progress=progress,
        derive_org_ids=True,
    )


def _cell_out(key: str, value: Any) -> Any:
    if key in LIST_KEYS:
        return "、".join(value or [])
    return safe_cell(value)


def write_organizations_table(path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write organization records with Chinese headers to .xlsx or .csv (UTF-8 with BOM, so Excel
    opens it with the right encoding). Every text cell goes through `safe_cell`."""
    path = Path(path)
    header = [HEADERS[k][0] for k in ORG_KEYS]
    body = [[_cell_out(k, rec.get(k)) for k in ORG_KEYS] for rec in records]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "社会组织"
        ws.append(header)
        for row in body:
            ws.append(row)
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows([["" if v is None else v for v in row] for row in body])
    return len(body)


def export_organizations_table(session: Session, path: str | Path) -> int:
    from catalog.exchange.exporter import organization_records

    return write_organizations_table(path, organization_records(session, history=False))
