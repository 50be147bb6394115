"""Search needs by words: what people type on the public board and the API (`?q=`).

The query is normalized like every text the matcher reads (matching.text.normalize: Traditional →
Simplified, full-width → half-width) and cut into words by jieba (matching.text.segment), so
吃饭难 finds 老人吃饭成问题 and "独居 吃饭" finds needs holding both words. Every word must match
the title, description or beneficiaries — in Simplified or Traditional script, since needs are
stored as written — or name (part of) a service category, which then stands for its needs.
A category's keywords count as its name. Single characters are dropped when longer words exist (难, 的): they would match almost
anything or nothing. Every LIKE pattern is escaped (autoescape), so % and _ are literal."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from catalog.models import Category, Need
from matching import facade
from web.pages.display import to_traditional

MAX_WORDS = 8
ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.]*")


def query_words(text: str) -> list[str]:
    """The words of a query, longest-first order kept from the text, duplicates removed. A
    chunk of Latin letters, digits, - and _ (an id, a code, an English word) stays whole:
    jieba would cut "need-12" into "need" and "12" and find every need."""
    tokens: list[str] = []
    for chunk in text.split():
        tokens += [chunk] if ASCII_WORD.fullmatch(chunk) else facade.words(chunk)
    longer = [t for t in tokens if len(t) > 1]
    words = longer or tokens
    return list(dict.fromkeys(words))[:MAX_WORDS]


def _categories_named(session: Session, word: str) -> list[Category]:
    rows = session.scalars(
        select(Category).where(
            or_(
                Category.name.contains(word, autoescape=True),
                Category.name_hant.contains(to_traditional(word), autoescape=True),
                Category.name_en.icontains(word, autoescape=True),
            )
        )
    )
    return list(rows)


def _text_match(word: str) -> list[Any]:
    forms = dict.fromkeys((word, to_traditional(word)))
    return [
        column.icontains(form, autoescape=True)
        for form in forms
        for column in (Need.title, Need.description, Need.beneficiaries)
    ]


def _word_clause(session: Session, word: str) -> ColumnElement[bool]:
    """The word in the text, or a category it names: the needs filed under that category and
    those whose text holds one of the category's taxonomy keywords (needs awaiting their
    category are found by what the category is about: 居家养老 → 独居, 助餐, 养老)."""
    match = _text_match(word)
    categories = _categories_named(session, word)
    if categories:
        match.append(Need.category_name.in_([c.name for c in categories]))
        for keyword in dict.fromkeys(k for c in categories for k in (c.keywords or [])):
            match.extend(_text_match(keyword))
    return or_(*match)


def words_clause(session: Session, text: str) -> ColumnElement[bool] | None:
    """A WHERE clause for needs matching every word of `text`; None when it has no words."""
    if not text or not text.strip():
        return None
    words = query_words(text)
    if not words:
        return false()
    return and_(*(_word_clause(session, w) for w in words))
