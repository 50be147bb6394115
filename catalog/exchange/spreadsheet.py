"""Organizations from and to spreadsheets (.xlsx via openpyxl, .csv) with Chinese column headers,
because that is what civil-affairs offices keep their registers in. Cells written out are
escaped against formula injection (`safe_cell`): a name like "=HYPERLINK(...)" must stay text."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.contact import CONTACT_KEYS
from catalog.exchange.errors import ImportRefused
from catalog.exchange.records import ORG_KEYS

if TYPE_CHECKING:
    from catalog.exchange.import_report import ImportReport

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
    # Contact data (catalog.contact): optional columns; a register without them changes none.
    "address": ("地址", "办公地址", "联系地址", "机构地址", "服务地址"),
    "contact_person": ("联系人", "联系人姓名"),
    "phone": ("联系电话", "电话", "联系方式", "电话号码", "手机", "办公电话"),
    "email": ("电子邮箱", "邮箱", "电子邮件", "e-mail"),
    "website": ("网站", "网址", "官网", "机构网站"),
    "opening_hours": ("开放时间", "办公时间", "服务时间", "营业时间"),
}
TABLE_KEYS = (*ORG_KEYS, *CONTACT_KEYS)
LIST_KEYS = ("categories", "service_areas")
INT_KEYS = ("capacity", "staff", "social_workers", "founded")
NO_RATING = {"", "无", "暂无", "未评估", "未参评", "-", "—", "/", "none", "null", "n/a"}
_SPLIT = re.compile(r"[、,，;；/|\s]+")
_UNIT = re.compile(r"(人|名|个|项|年|年度)$")
_PAREN = re.compile(r"\(.*?\)$")
HEADER_SEARCH_ROWS = 5  # a register may carry a title row or two above the header
MAX_LIST_ITEMS = 100
"""Items in one list cell (categories, service areas); there are a few dozen of each, and
splitting a 5,000-character cell into single characters would copy it thousands of times."""


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
    if h in TABLE_KEYS:
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
    text = unicodedata.normalize("NFKC", str(value)).strip()
    # One more split than allowed shows an over-long list without building every piece.
    parts = [p for p in _SPLIT.split(text, maxsplit=MAX_LIST_ITEMS) if p]
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


def import_organizations_table(
    session: Session, path: str | Path, actor: Actor | None = None, progress: bool | None = None
) -> ImportReport:
    """Import a register of organizations (.xlsx or .csv), all or nothing like the JSONL import.
    Without an 编号 column, rows are matched to existing organizations by credit code."""
    from catalog.exchange.importer import import_rows
    from catalog.exchange.table_reader import read_organizations_table

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
    header = [HEADERS[k][0] for k in TABLE_KEYS]
    body = [[_cell_out(k, rec.get(k)) for k in TABLE_KEYS] for rec in records]
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
