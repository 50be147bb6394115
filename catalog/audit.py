"""Writing to the append-only audit log. Every decision goes through `record` so who, when and
why are never optional."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from catalog.actors import Actor
from catalog.models import AuditEvent


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
