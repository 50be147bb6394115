"""The planner's action plan as stored derived data: computed by a worker, read by the pages.

Computing the plan needs a matcher (models loaded, every profile indexed): minutes at 100,000
organizations, and memory a web process should not hold. So a worker computes it
(`refresh`) and stores it as a `DerivedBlob` of kind ``planner-actions``, the JSON of the
whole city's `ActionPlan`; a web request only reads the newest one (`latest`) and narrows it
to its viewer (`action_service.narrow`). No table of its own is needed: the blob records when
it was computed (`created_at`) and from what (`source`, a digest of `action_service.state_key`).

`current_source` is what the stored plan should have been computed from now. A reader that
finds another source shows the stored plan with its time and asks for a recompute; a worker
asked to refresh a plan whose source did not move does nothing, so asking twice is cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from catalog.models import DerivedBlob, DerivedChunk
from matching.planning.action_service import compute_plan, matcher_or_fallback, state_key
from matching.planning.actions import Action, ActionPlan
from matching.ranking.pipeline import Matcher
from matching.vectors import published

KIND = "planner-actions"
KEEP = 2  # the newest plan, and the one a slow reader may still be loading

_ACTION_FIELDS = {f.name for f in fields(Action)}


@dataclass(frozen=True)
class StoredPlan:
    plan: ActionPlan
    computed_at: dt.datetime
    source: str


def current_source(session: Session, build_key: str = "") -> str:
    """A digest of everything the plan depends on now (a few aggregate queries)."""
    raw = repr((*state_key(session), build_key)).encode()
    return hashlib.sha256(raw).hexdigest()


def to_json(plan: ActionPlan) -> bytes:
    body = asdict(plan)
    body.pop("computed_at"), body.pop("pending")  # the reader's view, not the plan
    for action in body["actions"]:
        action["reason"] = None  # written per viewer by `narrow`, in the viewer's scope
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def from_json(data: bytes) -> ActionPlan:
    body = json.loads(data)
    actions = [
        Action(**{k: v for k, v in a.items() if k in _ACTION_FIELDS}) for a in body.pop("actions")
    ]
    known = {f.name for f in fields(ActionPlan)}
    return ActionPlan(actions=actions, **{k: v for k, v in body.items() if k in known})


def latest(session: Session) -> StoredPlan | None:
    """The newest stored plan, or None when none was computed yet."""
    blob = session.scalars(
        select(DerivedBlob).where(DerivedBlob.kind == KIND).order_by(DerivedBlob.id.desc()).limit(1)
    ).first()
    if blob is None:
        return None
    parts = session.scalars(
        select(DerivedChunk.data).where(DerivedChunk.blob_id == blob.id).order_by(DerivedChunk.seq)
    )
    stamp = blob.created_at if blob.created_at.tzinfo else blob.created_at.replace(tzinfo=dt.UTC)
    plan = replace(from_json(b"".join(parts)), computed_at=stamp)
    return StoredPlan(plan, stamp, blob.source)


def store(session: Session, plan: ActionPlan, source: str) -> int:
    """Add `plan` as the newest version (visible when the caller commits); drop old ones."""
    data = to_json(plan)
    blob = DerivedBlob(
        kind=KIND,
        source=source,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        chunks=1,
    )
    session.add(blob)
    session.flush()
    session.add(DerivedChunk(blob_id=blob.id, seq=0, data=data))
    published.prune(session, KIND, KEEP)
    return blob.id


def refresh(
    session: Session, build: Callable[[Session], Matcher], build_key: str = "", force: bool = False
) -> bool:
    """Compute and store the plan unless the stored one is already of the current state
    (`force`: a planner asked for it anyway). Serialized across workers; commits. Returns
    whether a plan was computed."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": KIND})
    source = current_source(session, build_key)
    stored = latest(session)
    if stored is not None and stored.source == source and not force:
        session.rollback()
        return False
    matcher, degraded = matcher_or_fallback(session, build)
    store(session, compute_plan(session, matcher, degraded), source)
    session.commit()
    return True
