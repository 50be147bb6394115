"""Checking every row of an import before anything is written: each record by the catalog's
validation, plus what only a whole file can show (an id or a credit code given twice, a credit
code that belongs to another organization). The good rows come back in canonical shape, the
problems as row errors (file, line, field)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.errors import FieldError
from catalog.exchange.errors import RowError
from catalog.exchange.jsonl import Row
from catalog.exchange.record_checks import validate_history, validate_need_extras
from catalog.exchange.records import normalize_need, normalize_org
from catalog.models import Organization
from catalog.reference import Reference
from catalog.validation import validate_need, validate_organization


def _row_errors(row: Row, errs: list[FieldError], out: list[RowError]) -> None:
    out.extend(RowError.of(row.file, row.line, e) for e in errs)


def _duplicate(field_name: str, label: str, first_line: int) -> FieldError:
    return FieldError(
        field_name,
        f"{label}与第{first_line}行重复",
        f"duplicates the {field_name} on line {first_line}",
    )


def check_orgs(
    session: Session, ref: Reference, rows: Sequence[Row], out: list[RowError], derive_ids: bool
) -> list[dict[str, Any]]:
    holders = dict(
        session.execute(select(Organization.credit_code, Organization.id)).tuples().all()
    )
    seen_ids: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    plan = []
    for row in rows:
        data = dict(row.data)
        code = data.get("credit_code")
        if derive_ids and not data.get("id") and isinstance(code, str) and code:
            data["id"] = holders.get(code, f"org-{code}")
        errs = validate_organization(data, ref) + validate_history(data)
        oid = data.get("id")
        if isinstance(oid, str):
            if oid in seen_ids:
                errs.append(_duplicate("id", "编号", seen_ids[oid]))
            seen_ids.setdefault(oid, row.line)
        if isinstance(code, str) and not any(e.field == "credit_code" for e in errs):
            if code in seen_codes:
                errs.append(_duplicate("credit_code", "统一社会信用代码", seen_codes[code]))
            seen_codes.setdefault(code, row.line)
            holder = holders.get(code)
            if holder is not None and holder != oid:
                errs.append(
                    FieldError(
                        "credit_code",
                        f"该信用代码已属于组织{holder}",
                        f"already belongs to organization {holder}",
                    )
                )
        if errs:
            _row_errors(row, errs, out)
        else:
            plan.append(normalize_org(data))
    return plan


def check_needs(ref: Reference, rows: Sequence[Row], out: list[RowError]) -> list[dict[str, Any]]:
    seen_ids: dict[str, int] = {}
    plan = []
    for row in rows:
        errs = validate_need(row.data, ref) + validate_need_extras(row.data)
        nid = row.data.get("id")
        if isinstance(nid, str):
            if nid in seen_ids:
                errs.append(_duplicate("id", "编号", seen_ids[nid]))
            seen_ids.setdefault(nid, row.line)
        if errs:
            _row_errors(row, errs, out)
        else:
            plan.append(normalize_need(row.data))
    return plan
