"""Validation of organization and need records, shared by the importer, the web forms and the
API so a record is judged the same wherever it comes from."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Set
from typing import Any

from catalog.contact import SYNTAX_PROBLEMS, TEXT_LIMITS
from catalog.credit_code import credit_code_problem
from catalog.errors import FieldError, ValidationFailed
from catalog.reference import Reference

ORG_TYPES = ("社会服务机构", "社会团体", "基金会", "社区社会组织")
FUNDING = ("财政资金", "社会资金")
LANGS = ("zh-Hans", "zh-Hant", "en")
RATINGS = ("A", "AA", "AAA", "AAAA", "AAAAA")
NEED_STATUSES = ("draft", "submitted", "approved", "returned", "listed", "matched", "closed")

# Text limits: generous for real descriptions, tight enough to keep pages and indexes sane.
LIMITS = {
    "id": (1, 64),
    "name": (2, 120),
    "title": (2, 120),
    "description": (10, 2000),
    "posted_by": (2, 120),
    "beneficiaries": (1, 120),
    **TEXT_LIMITS,  # an organization's address, contact person and opening hours
}
MAX_MONTHS = 36  # Art. 22: contracts up to 3 years
MAX_BUDGET = 100_000_000
MAX_COUNT = 10_000_000
# C0 controls other than tab and line breaks: never typed, refused by PostgreSQL (NUL) in text.
CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
CONTROL = re.compile(f"[{CONTROL_CHARS}]")
# Text-direction controls (LRM/RLM, embeddings and overrides, isolates): an RLO in a title makes
# "txt.exe" read as "exe.txt" on every page that shows it (Trojan Source). Chinese and English
# text never needs them, so names, titles, descriptions and reasons refuse them.
BIDI_CHARS = r"\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Everything a person's text refuses, as a regex character class body (shared with the API's
# OpenAPI patterns, web.api.fields, so the document states exactly this rule).
TEXT_FORBIDDEN = CONTROL_CHARS + BIDI_CHARS
FORBIDDEN_IN_TEXT = re.compile(f"[{TEXT_FORBIDDEN}]")
# Free-text reasons (returning, withdrawing, rejecting): the same cap on every channel.
MAX_REASON = 2000


class _Checker:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: list[FieldError] = []

    def err(self, field: str, zh: str, en: str) -> None:
        self.errors.append(FieldError(field, zh, en))

    def present(self, field: str) -> bool:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.err(field, "必填项缺失", "is required")
            return False
        return True

    def text(self, field: str, required: bool = True) -> None:
        if field not in self.data or self.data.get(field) is None:
            if required:
                self.err(field, "必填项缺失", "is required")
            return
        value = self.data[field]
        if not isinstance(value, str):
            self.err(field, "必须是文本", "must be a string")
            return
        problem = text_problem(value)
        if problem:
            self.err(field, *problem)
            return
        lo, hi = LIMITS.get(field, (0, 500))
        n = len(value.strip())
        if n < lo:
            if n == 0 and required:
                self.err(field, "必填项缺失", "is required")
            else:
                self.err(field, f"至少{lo}个字", f"must be at least {lo} characters")
        elif n > hi:
            self.err(
                field,
                f"不能超过{hi}个字（现有{n}个）",
                f"must be at most {hi} characters (got {n})",
            )

    def integer(self, field: str, lo: int, hi: int, required: bool = True) -> None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.err(field, "必填项缺失", "is required")
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(field, "必须是整数", "must be a whole number")
            return
        if value < lo:
            self.err(field, f"不能小于{lo}", f"must not be less than {lo}")
        elif value > hi:
            self.err(field, f"不能大于{hi}", f"must not be more than {hi}")

    def syntax(self, field: str, problem_of: Callable[[str], tuple[str, str] | None]) -> None:
        """An optional value with a syntax of its own (catalog.contact: phone, e-mail, URL)."""
        value = self.data.get(field)
        if value is None:
            return
        if not isinstance(value, str):
            self.err(field, "必须是文本", "must be a string")
            return
        problem = text_problem(value) or problem_of(value)
        if problem:
            self.err(field, *problem)

    def choice(self, field: str, choices: tuple[str, ...], required: bool = True) -> None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.err(field, "必填项缺失", "is required")
            return
        if value not in choices:
            shown = " | ".join(choices)
            self.err(field, f"取值无效，应为：{shown}", f"invalid value, must be one of: {shown}")

    def known_codes(
        self, field: str, known: Set[str], empty: tuple[str, str], unknown: tuple[str, str]
    ) -> list | None:
        """A non-empty list whose every item is one of `known` (categories, region codes); the
        refusal names the unknown items so the clerk can fix exactly those. Returns the list
        when it is one, for further checks."""
        items = self.data.get(field)
        if not isinstance(items, list) or not items:
            self.err(field, *empty)
            return None
        bad = [x for x in items if not isinstance(x, str) or x not in known]
        if bad:
            shown = "、".join(map(str, bad))
            self.err(field, f"{unknown[0]}：{shown}", f"{unknown[1]}: {shown}")
        return items


def text_problem(value: str) -> tuple[str, str] | None:
    """(Chinese, English) when the text carries characters no person's text needs."""
    if CONTROL.search(value):
        return "不能包含控制字符", "must not contain control characters"
    if FORBIDDEN_IN_TEXT.search(value):
        return (
            "不能包含文字方向控制符（如 U+202E）",
            "must not contain text-direction control characters (such as U+202E)",
        )
    return None


def reason_problems(reason: str | None, field: str = "reason") -> list[FieldError]:
    """A free-text reason: at most MAX_REASON characters, no control characters. Empty is the
    caller's rule (some actions need a reason, others not)."""
    if reason is None:
        return []
    problem = text_problem(reason)
    if problem:
        return [FieldError(field, *problem)]
    n = len(reason.strip())
    if n > MAX_REASON:
        return [
            FieldError(
                field,
                f"不能超过{MAX_REASON}个字（现有{n}个）",
                f"must be at most {MAX_REASON} characters (got {n})",
            )
        ]
    return []


def check_reason(reason: str | None) -> None:
    """Refuse a reason that breaks `reason_problems`, naming the field (every channel: pages,
    API, commands go through the lifecycle and decision functions that call this)."""
    problems = reason_problems(reason)
    if problems:
        raise ValidationFailed(problems)


def validate_organization(data: Mapping[str, Any], ref: Reference) -> list[FieldError]:
    """All problems of an organization record (exchange-format keys), empty when valid."""
    c = _Checker(data)
    c.text("id")
    c.text("name")
    if c.present("credit_code"):
        problem = credit_code_problem(data["credit_code"])
        if problem:
            c.err("credit_code", problem[0], problem[1])
    c.choice("org_type", ORG_TYPES)
    c.text("description")
    cats = c.known_codes(
        "categories",
        ref.categories,
        ("至少选择一个服务类别", "must be a non-empty list of categories"),
        ("未知的服务类别", "unknown categories"),
    )
    if cats is not None and len(set(map(str, cats))) != len(cats):
        c.err("categories", "服务类别重复", "categories repeat")
    c.known_codes(
        "service_areas",
        ref.service_area_codes,
        ("至少填写一个服务范围", "must be a non-empty list of region codes"),
        ("不存在的区划代码", "unknown region codes"),
    )
    c.integer("capacity", 0, 1000)
    c.integer("staff", 0, 100_000, required=False)
    c.integer("social_workers", 0, 100_000, required=False)
    c.integer("founded", 1949, 2100, required=False)
    if data.get("rating") is not None:
        c.choice("rating", RATINGS)
    c.choice("lang", LANGS, required=False)
    for key in TEXT_LIMITS:
        c.text(key, required=False)
    for key, problem_of in SYNTAX_PROBLEMS.items():
        c.syntax(key, problem_of)
    return c.errors


def validate_need(data: Mapping[str, Any], ref: Reference) -> list[FieldError]:
    """All problems of a need record (exchange-format keys), empty when valid."""
    c = _Checker(data)
    c.text("id")
    c.text("title")
    c.text("description")
    street = data.get("street")
    if c.present("street") and street not in ref.streets:
        c.err("street", f"不存在的街道/镇代码：{street}", f"unknown street/town code: {street}")
    c.text("posted_by")
    c.text("beneficiaries")
    c.integer("beneficiary_count", 1, MAX_COUNT)
    c.integer("budget_yuan", 0, MAX_BUDGET)
    c.integer("months", 1, MAX_MONTHS)
    c.choice("funding", FUNDING)
    c.choice("lang", LANGS, required=False)
    c.choice("status", NEED_STATUSES, required=False)
    category = data.get("category")
    if category is not None and category not in ref.categories:
        c.err("category", f"未知的服务类别：{category}", f"unknown category: {category}")
    return c.errors
