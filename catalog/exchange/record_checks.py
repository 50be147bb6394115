"""What an incoming exchange record may hold beyond the fields catalog.validation judges: an
organization's credit events and performance history, and a need's state extras (status,
return reason, whether it was listed). Problems name the field, item by item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from catalog.errors import FieldError
from catalog.exchange.records import CREDIT_KINDS, EVALUATIONS, ORG_HISTORY_KEYS, PRE_LISTING
from catalog.models import NeedStatus


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def validate_history(data: Mapping[str, Any]) -> list[FieldError]:
    """Problems in the optional `credit_events` and `performance` arrays of an organization."""
    errors: list[FieldError] = []

    def err(field: str, zh: str, en: str) -> None:
        errors.append(FieldError(field, zh, en))

    def text(item: Mapping[str, Any], field: str, where: str, limit: int, required: bool) -> None:
        value = item.get(field)
        if value is None:
            if required:
                err(f"{where}.{field}", "必填项缺失", "is required")
        elif not isinstance(value, str) or not value.strip():
            err(f"{where}.{field}", "必须是非空文本", "must be a non-empty string")
        elif len(value) > limit:
            err(f"{where}.{field}", f"不能超过{limit}个字", f"must be at most {limit} characters")

    for key in ORG_HISTORY_KEYS:
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            err(key, "必须是对象列表", "must be a list of objects")
            continue
        for n, item in enumerate(items):
            where = f"{key}[{n}]"
            date_key = "date" if key == "credit_events" else "period_end"
            if _date(item.get(date_key)) is None:
                err(f"{where}.{date_key}", "日期无效，应为YYYY-MM-DD", "must be a date YYYY-MM-DD")
            if key == "credit_events":
                if item.get("kind") not in CREDIT_KINDS:
                    shown = " | ".join(CREDIT_KINDS)
                    err(f"{where}.kind", f"取值无效，应为：{shown}", f"must be one of: {shown}")
                text(item, "source", where, 120, True)
                text(item, "note", where, 2000, False)
                continue
            text(item, "project", where, 200, True)
            sat = item.get("satisfaction")
            if isinstance(sat, bool) or not isinstance(sat, int | float) or not 0 <= sat <= 100:
                err(
                    f"{where}.satisfaction", "满意度应为0–100的数", "must be a number from 0 to 100"
                )
            if item.get("evaluation") is not None and item["evaluation"] not in EVALUATIONS:
                shown = " | ".join(EVALUATIONS)
                err(f"{where}.evaluation", f"取值无效，应为：{shown}", f"must be one of: {shown}")
            text(item, "need_id", where, 64, False)
            text(item, "note", where, 2000, False)
    return errors


def validate_need_extras(data: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    reason = data.get("return_reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
        errors.append(
            FieldError(
                "return_reason", "应为不超过2000字的文本", "must be text of at most 2000 characters"
            )
        )
    listed = data.get("listed")
    if listed is not None and not isinstance(listed, bool):
        errors.append(FieldError("listed", "应为 true 或 false", "must be true or false"))
    elif listed is False and data.get("status") in (NeedStatus.LISTED, NeedStatus.MATCHED):
        errors.append(
            FieldError(
                "listed",
                "公示中或已对接的需求必然已公示",
                "a listed or matched need has been listed",
            )
        )
    elif listed and data.get("status") in PRE_LISTING:
        errors.append(
            FieldError("listed", "该状态的需求尚未公示", "a need in this status was never listed")
        )
    return errors
