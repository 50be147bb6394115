"""Writing to the append-only audit log. Every decision goes through `record` so who, when and
why are never optional."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.models import AuditEvent


class _Identified(Protocol):
    """A mapped row whose primary key is its `id` (what an audit entry names)."""

    @property
    def id(self) -> Any: ...


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str,
    **detail: Any,
) -> AuditEvent:
    event = AuditEvent(
        at=now(),
        actor=actor.username,
        actor_role=str(actor.role),
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        detail={k: v for k, v in detail.items() if v is not None},
    )
    session.add(event)
    return event


def add_recorded(
    session: Session,
    actor: Actor,
    row: _Identified,
    action: str,
    entity_type: str,
    **detail: Any,
) -> AuditEvent:
    """Add a new row together with the audit entry that names it (both flushed, not committed).
    The row is flushed first because the entry carries its database id; a command that adds
    a record of its own (a credit entry, an acceptance result) writes both through here so
    neither lands without the other."""
    session.add(row)
    session.flush()
    event = record(session, actor, action, entity_type, str(row.id), **detail)
    session.flush()
    return event
