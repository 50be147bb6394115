"""Opening hours, typed as free text (周一至周五 9:00-17:30；周六 9:00-12:00), read as HSDS weekly
schedules (iCal `freq` WEEKLY, `byday`, `opens_at`, `closes_at`) when the text is made only of
what such a schedule can say: days (周一…周日, 星期/週/礼拜 forms, ranges 至/到/-, lists with 、,
每天, 工作日, 周末, English Mon…Sun, daily, weekdays, weekends) followed by time ranges (9:00-17:30,
9点-17点半, 上午/下午/晚上 before a time). Anything else (节假日除外, 预约, 全天) makes the whole
text unreadable as schedules: a partial reading would publish hours nobody gave, so the caller
then publishes the text alone (HSDS `schedule.description`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_DAY_NAMES.update({str(n + 1): n for n in range(7)})
_DAY_NAMES.update({name.lower(): n for n, name in enumerate(("mon", "tue", "wed", "thu", "fri"))})
_DAY_NAMES.update({"sat": 5, "sun": 6})
_GROUPS = {
    "每天": WEEK,
    "每日": WEEK,
    "天天": WEEK,
    "daily": WEEK,
    "everyday": WEEK,
    "工作日": WEEK[:5],
    "weekdays": WEEK[:5],
    "周末": WEEK[5:],
    "双休日": WEEK[5:],
    "weekends": WEEK[5:],
}
_TO = r"\s*(?:至|到|-|~|—|–)\s*"
_DAY = r"(?:(?:周|週|星期|礼拜|禮拜)([一二三四五六日天1-7])|(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)"
# One time: part of the day, hour, then :minutes, 点半 or 点[minutes分] (five groups).
_TIME = r"(上午|下午|晚上|中午)?\s*(\d{1,2})(?::(\d{2})|点(半)?(?:(\d{1,2})分)?)"
_TOKENS = (
    ("skip", re.compile(r"(?:[\s,、;:/|]|和|及|开放|营业|办公|服务|时间)+")),
    ("hours", re.compile(_TIME + _TO + _TIME)),
    ("range", re.compile(_DAY + _TO + _DAY)),
    ("day", re.compile(_DAY)),
    ("group", re.compile("|".join(sorted(_GROUPS, key=len, reverse=True)))),
)


@dataclass(frozen=True)
class Opening:
    """One weekly opening: the days (iCal codes) and the hours (HH:MM, local time)."""

    days: tuple[str, ...]
    opens: str
    closes: str


def _day(chinese: str | None, english: str | None) -> int:
    return _DAY_NAMES[chinese or (english or "").lower()[:3]]


def _clock(
    part: str | None, hour: str, colon: str | None, half: str | None, fen: str | None
) -> int | None:
    """Minutes after midnight, or None for no time of day."""
    h, m = int(hour), int(colon or ("30" if half else fen) or 0)
    if (part in ("下午", "晚上") and h < 12) or (part == "中午" and h < 11):
        h += 12
    return h * 60 + m if m < 60 and h * 60 + m <= 24 * 60 else None


def _hours(found: re.Match[str]) -> tuple[str, str] | None:
    g = found.groups()
    # A closing time without its part of the day has the opening's (下午2点-5点半: 14:00-17:30).
    opens, closes = _clock(*g[:5]), _clock(g[5] or g[0], *g[6:10])
    if opens is None or closes is None or opens >= closes:
        return None
    return f"{opens // 60:02d}:{opens % 60:02d}", f"{closes // 60:02d}:{closes % 60:02d}"


def _days(kind: str, found: re.Match[str]) -> list[int]:
    g = found.groups()
    if kind == "group":
        return [WEEK.index(d) for d in _GROUPS[found.group(0)]]
    if kind == "day":
        return [_day(g[0], g[1])]
    first, last = _day(g[0], g[1]), _day(g[2], g[3])
    return [(first + i) % 7 for i in range((last - first) % 7 + 1)]


def read_opening_hours(text: str) -> list[Opening] | None:
    """The weekly openings the text states, in its order; None when any part of it is not
    days or hours (see the module's docstring)."""
    s = unicodedata.normalize("NFKC", text).lower()
    pos, fresh = 0, True
    days: list[int] = []
    out: list[Opening] = []
    while pos < len(s):
        token = _token(s, pos)
        if token is None:
            return None
        kind, found = token
        pos = found.end()
        if kind == "hours":
            hours = _hours(found)
            if hours is None or not days:
                return None
            out.append(Opening(tuple(WEEK[d] for d in sorted(set(days))), *hours))
            fresh = True
        elif kind != "skip":
            days = _days(kind, found) if fresh else days + _days(kind, found)
            fresh = False
    return out or None


def _token(s: str, pos: int) -> tuple[str, re.Match[str]] | None:
    for kind, pattern in _TOKENS:
        found = pattern.match(s, pos)
        if found:
            return kind, found
    return None
