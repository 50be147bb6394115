"""Opening hours as HSDS weekly schedules: what reads as days and hours becomes schedules, and
anything else (holidays, appointments, hours without days, closing before opening) is left to
the free-text description whole, never read in part."""

from __future__ import annotations

import pytest

from catalog.exchange.hsds_hours import Opening, read_opening_hours

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "周一至周五 9:00-17:30；周六 9:00-12:00",
            [Opening(WEEKDAYS, "09:00", "17:30"), Opening(("SA",), "09:00", "12:00")],
        ),
        (
            "週一至週五 9:00-12:00，14:00-17:30",
            [Opening(WEEKDAYS, "09:00", "12:00"), Opening(WEEKDAYS, "14:00", "17:30")],
        ),
        (
            "开放时间：星期二到星期日 09:00～21:00",
            [Opening(WEEKDAYS[1:] + ("SA", "SU"), "09:00", "21:00")],
        ),
        ("周一、周三、周五 9:00-11:00", [Opening(("MO", "WE", "FR"), "09:00", "11:00")]),
        (
            "工作日 上午9点-12点，下午2点-5点半",
            [Opening(WEEKDAYS, "09:00", "12:00"), Opening(WEEKDAYS, "14:00", "17:30")],
        ),
        ("每天 8:30-20:00", [Opening(WEEKDAYS + ("SA", "SU"), "08:30", "20:00")]),
        (
            "Mon–Fri 9:00–17:30; Sat 9:00–12:00",
            [Opening(WEEKDAYS, "09:00", "17:30"), Opening(("SA",), "09:00", "12:00")],
        ),
        ("周六至周一 10:00-16:00", [Opening(("MO", "SA", "SU"), "10:00", "16:00")]),
    ],
)
def test_days_and_hours_become_weekly_openings(text, expected):
    assert read_opening_hours(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "周一至周五 9:00-17:30（节假日除外）",  # an exception no weekly schedule can say
        "9:00-17:00",  # which days?
        "周一至周五",  # which hours?
        "周一至周五 18:00-9:00",  # closes before it opens
        "周一至周五 9:00-25:00",
        "请电话预约",
        "",
    ],
)
def test_anything_else_is_not_read(text):
    assert read_opening_hours(text) is None
