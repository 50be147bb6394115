"""What the admin's log pages show in words: audit actions, record types, read channels and the
keys of an audit entry's detail, in the reader's language. The log stores codes (`need.close`,
`suggestion`) so that it can be filtered and read by machines; a person reads them here. A code
without a label (a new action someone forgot to name) is shown as itself rather than hidden.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from catalog.models import ReadChannel
from web.pages.display import ROLE_LABELS, STATUS_LABELS, label

# Every action catalog.audit.record is called with (lifecycle steps are `need.<transition>`).
AUDIT_ACTIONS = {
    "need.create": _l("Need created"),
    "need.update": _l("Need edited"),
    "need.categorize": _l("Need category set"),
    "need.submit": _l("Need submitted for review"),
    "need.approve": _l("Need approved"),
    "need.return": _l("Need returned"),
    "need.list": _l("Need listed publicly"),
    "need.match": _l("Need marked as matched"),
    "need.close": _l("Need closed"),
    "need.withdraw": _l("Need withdrawn"),
    "need.invite_team": _l("Team invited"),
    "suggestion.confirm": _l("Suggestion confirmed"),
    "suggestion.reject": _l("Suggestion rejected"),
    "interest.express": _l("Interest expressed"),
    "interest.withdraw": _l("Interest withdrawn"),
    "outcome.record": _l("Acceptance result recorded"),
    "credit.record": _l("Credit entry recorded"),
    "inspection.draw": _l("Inspections drawn"),
    "inspection.record": _l("Inspection result recorded"),
    "organization.register": _l("Organization registered"),
    "organization.update": _l("Organization profile updated"),
    "account.create": _l("Account created"),
    "account.update": _l("Account changed"),
    "account.activate": _l("Account activated"),
    "account.deactivate": _l("Account deactivated"),
    "account.password_change": _l("Password changed"),
    "account.preferences": _l("Preferences changed"),
    "token.create": _l("API token issued"),
    "token.revoke": _l("API token revoked"),
    "token.revoke_oldest": _l("Oldest API token revoked"),
    "catalog.import": _l("Data imported"),
}

# Record types as the audit log and the read log (web.access.reads) name them.
ENTITY_LABELS = {
    "need": _l("Need record"),
    "suggestion": _l("Suggestion"),
    "organization": _l("Social organization"),
    "account": _l("Account"),
    "analytics": _l("Planning statistics"),
    "audit_event": _l("Audit log"),
    "read_event": _l("Data access log"),
    "inspection_draw": _l("Sampled inspections"),
    "inspection_item": _l("Sampled inspection"),
    "credit_event": _l("Credit entry"),
    "performance_record": _l("Acceptance result"),
    "import": _l("Data import"),
}

CHANNEL_LABELS = {
    ReadChannel.PAGE.value: _l("Page"),
    ReadChannel.API.value: _l("API"),
    ReadChannel.EXPORT.value: _l("Export"),
}

# The detail keys an audit entry most often carries; any other key is shown as written.
DETAIL_KEYS = {
    "street": _l("Street / town"),
    "category": _l("Category"),
    "was": _l("Before"),
    "fields": _l("Fields changed"),
    "reason": _l("Reason"),
    "organization": _l("Organization"),
    "role": _l("Role"),
    "scope": _l("Scope"),
    "from_status": _l("Status before"),
    "to_status": _l("Status after"),
    "name": _l("Name"),
    "source": _l("Source"),
    "kind": _l("Kind"),
    "date": _l("Date"),
}
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
