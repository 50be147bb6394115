"""Reading one's own notifications and marking them read. Every query is scoped to the
owner's account: someone else's notification is reported exactly like a missing one."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from catalog.audit import now
from catalog.errors import NotFound
from catalog.models import Notification

DEFAULT_LIMIT = 100
MAX_ID = 2**31 - 1  # an integer column's range: larger ids cannot exist (PostgreSQL would refuse)


def items(session: Session, account_id: int, limit: int = DEFAULT_LIMIT) -> list[Notification]:
    """The account's notifications, newest first (id breaks ties of one event's stamp)."""
    q = (
        select(Notification)
        .where(Notification.account_id == account_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    return list(session.scalars(q))


def unread_count(session: Session, account_id: int) -> int:
    q = select(func.count(Notification.id)).where(
        Notification.account_id == account_id, Notification.read_at.is_(None)
    )
    return int(session.scalar(q) or 0)


def mark_read(session: Session, account_id: int, notification_id: int | None) -> Notification:
    """:raise NotFound: no such notification among the account's own."""
    in_range = notification_id is not None and 0 < notification_id <= MAX_ID
    note = session.get(Notification, notification_id) if in_range else None
    if note is None or note.account_id != account_id:
        raise NotFound("通知不存在", f"notification {notification_id} does not exist")
    if note.read_at is None:
        note.read_at = now()
    session.flush()
    return note


def mark_all_read(session: Session, account_id: int) -> int:
    """Mark every unread notification of the account read; how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.account_id == account_id, Notification.read_at.is_(None))
        .values(read_at=now())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
