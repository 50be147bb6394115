"""The platform's local calendar. Servers run on UTC, but every date people type or read —
a decision date, "today" on an acceptance result, a date filter — is a Zhuhai calendar day, so
one zone is defined here and used everywhere a day is meant."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

ZHUHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> dt.date:
    """Today's date in Zhuhai: just after midnight local time it is already tomorrow there."""
    return dt.datetime.now(ZHUHAI).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant a Zhuhai calendar day begins (for filtering stored UTC timestamps)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZHUHAI)
