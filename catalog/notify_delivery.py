"""Delivery of notifications beyond the in-app inbox: one interface a city plugs its gateway
into (e-mail, SMS), and a default that only logs.

Delivery runs after the transaction that created the notifications has committed, never
inside it: a gateway that is slow or down must neither hold the need's row lock nor undo the
approval it reports. A failing delivery is logged and dropped; the inbox entry stays, so
nothing is lost to the reader. The channel is chosen by the setting NOTIFY_DELIVERY (web reads
it and calls `use`): "logging" (default), "none", or "package.module:ClassName" whose class
takes no arguments and has a `deliver` method.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("catalog.notify")

#: Where catalog.notifications queues a transaction's messages (Session.info).
OUTBOX_KEY = "notify_outbox"


@dataclass(frozen=True)
class Outgoing:
    """What a delivery channel gets after the commit: plain values, no live ORM objects."""

    username: str
    kind: str
    need_id: str | None
    text_zh: str
    text_en: str


class Delivery(Protocol):
    def deliver(self, messages: Sequence[Outgoing]) -> None:
        """Send each message to its recipient through the channel (called after commit)."""


class LoggingDelivery:
    """The default: one log line per message, so operators see what would be sent."""

    def deliver(self, messages: Sequence[Outgoing]) -> None:
        for m in messages:
            log.info("notify %s %s need=%s: %s", m.username, m.kind, m.need_id, m.text_zh)


class NoDelivery:
    def deliver(self, messages: Sequence[Outgoing]) -> None:
        return None


_current: Delivery = LoggingDelivery()


def use(delivery: Delivery) -> None:
    global _current
    _current = delivery


def current() -> Delivery:
    return _current


def from_setting(value: str | None) -> Delivery:
    """The channel a setting names; an unknown name is a configuration error, said at start."""
    if not value or value == "logging":
        return LoggingDelivery()
    if value == "none":
        return NoDelivery()
    module, sep, name = value.partition(":")
    if not sep:
        raise ValueError(
            f"NOTIFY_DELIVERY: expected 'logging', 'none' or 'module:Class', got {value!r}"
        )
    cls = getattr(importlib.import_module(module), name)
    return cls()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    messages = session.info.pop(OUTBOX_KEY, [])
    if not messages:
        return
    try:
        _current.deliver(messages)
    except Exception:  # a gateway's failure must not surface as the committed action's
        log.exception("notification delivery failed for %d message(s)", len(messages))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(OUTBOX_KEY, None)
