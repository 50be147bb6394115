"""公示, done as two things (issue 13 item 11):

- the call for interest (征集): a listed need, open for organizations' interest. Nothing about a
  decision is claimed while the need is only listed.
- the result notice (结果公示): published when the office marks the need matched, which the
  lifecycle allows only once at least one organization is confirmed, so a result notice never
  exists before a decision. It runs for a 公示期 of `notice_days` calendar days (default 7,
  the setting `RESULT_NOTICE_DAYS`), counted from the Zhuhai day it opens, both ends included.

Why calendar days: 5 working days would need the State Council's yearly holiday and
adjusted-workday (调休) calendar, which the platform does not keep; 7 calendar days is at least 5
working days in every ordinary week and is what anyone reading the notice can count.

During the 公示期 anyone may send an objection (catalog.commands.objections)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.clock import local_today
from catalog.models import Need, Objection, ResultNotice

DEFAULT_NOTICE_DAYS = 7
#: session.info key under which the application puts its `RESULT_NOTICE_DAYS` setting.
NOTICE_DAYS_KEY = "result_notice_days"


def notice_days(session: Session) -> int:
    """The 公示期 in calendar days: the application's setting, else the default."""
    days = session.info.get(NOTICE_DAYS_KEY, DEFAULT_NOTICE_DAYS)
    return days if isinstance(days, int) and days > 0 else DEFAULT_NOTICE_DAYS


def open_result_notice(session: Session, need: Need) -> ResultNotice:
    """Publish the decision on `need` (called by the lifecycle when it is marked matched).
    A need marked matched once keeps its first notice: the 公示期 is not restarted."""
    existing = result_notice(session, need.id)
    if existing is not None:
        return existing
    start = local_today()
    notice = ResultNotice(
        need_id=need.id,
        starts_on=start,
        ends_on=start + dt.timedelta(days=notice_days(session) - 1),
    )
    session.add(notice)
    session.flush()
    return notice


def result_notice(session: Session, need_id: str) -> ResultNotice | None:
    return session.scalar(select(ResultNotice).where(ResultNotice.need_id == need_id))


def notice_is_open(notice: ResultNotice | None, today: dt.date | None = None) -> bool:
    return notice is not None and notice.is_open(today or local_today())


def objections_for(session: Session, need_id: str) -> list[Objection]:
    """Every objection to the need's result notice, oldest first (reviewer and office)."""
    q = select(Objection).where(Objection.need_id == need_id).order_by(Objection.id)
    return list(session.scalars(q))


def public_objections(session: Session, need_id: str) -> list[Objection]:
    """Objections the reviewer answered and chose to publish; the caller shows their text,
    answer and dates only: never the objector's name or contact."""
    return [o for o in objections_for(session, need_id) if o.answer and o.answer_public]
