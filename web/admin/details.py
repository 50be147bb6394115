"""An audit entry's detail as a person reads it. The log stores codes and raw values (`role:
"office"`, lists of field names) so that machines can filter and read it; the audit page shows
each key in words (web.pages.labels.DETAIL_KEYS), codes as their labels and the rest as text
with its own characters. A key without a label is shown as written rather than hidden."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from web.pages.display import label
from web.pages.labels import DETAIL_KEYS, ROLE_LABELS, STATUS_LABELS

# Keys whose values are codes with a label elsewhere.
_VALUE_LABELS = {"role": ROLE_LABELS, "from_status": STATUS_LABELS, "to_status": STATUS_LABELS}


def detail_items(detail: dict[str, Any] | None) -> list[tuple[str, str, bool]]:
    """An audit entry's detail as (key, value, is_data) lines a person can read: keys in words
    where known, yes/no, roles and statuses in words, lists joined, nested values as JSON with
    the characters themselves (never \\u escapes). `is_data` marks a value written as stored
    (ids, field names, a person's text), which the page sets apart as such."""
    items = []
    for key, value in (detail or {}).items():
        worded = _value_words(key, value)
        text = worded if worded is not None else _value_text(value)
        items.append((label(DETAIL_KEYS, key), text, worded is None))
    return items


def _value_words(key: str, value: Any) -> str | None:
    """The value in words, when it is a yes/no or a code with a label."""
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, str) and key in _VALUE_LABELS:
        return label(_VALUE_LABELS[key], value)
    return None


def _value_text(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
