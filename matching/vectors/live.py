"""One process's matcher over the live catalog: built once, then kept current per match.

Building the matcher reads and indexes every organization (tens of seconds at 100,000), so a
worker must not build one per need. `LiveMatcher.get` is called before each match instead:

* one indexed range query (`organization.updated_at` within `MARGIN` of the last change seen)
  lists organizations edited since; those whose `profile_version` differs from the one applied
  are re-read and patched in (`patch.upsert`): an edited profile is visible to the next match
  in every process, without any message between hosts;
* when a newer organization index was published (another host rebuilt it), it is copied into
  this process's own cache folder and swapped in (`published.sync`), then the profiles edited
  since it was built are patched into this process's copy;
* every `FULL_CHECK` seconds, and when an organization disappeared, the count and version sum
  are compared with the catalog; a difference a range query cannot explain (a deletion, a
  transaction open longer than `MARGIN`) rebuilds the matcher aside and swaps it in.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import column, func, null, select, table
from sqlalchemy.orm import Session

from catalog.models import Organization
from matching.vectors import patch, published

log = logging.getLogger(__name__)

# `updated_at` is the writing transaction's start time (PostgreSQL `now()`), so a change can
# commit with a stamp older than the previous check; rows stamped this long before it are
# listed again (a longer transaction is caught by the full check).
MARGIN = dt.timedelta(seconds=30)
FULL_CHECK = 60.0  # seconds between count/version-sum comparisons with the catalog


class LiveMatcher:
    """A matcher (`build(session)` makes one) plus the profile versions it holds."""

    def __init__(self, build: Callable[[Session], Any], index_dir: str | Path | None) -> None:
        self._build = build
        self.index_dir = Path(index_dir) if index_dir else None
        self.matcher: Any = None
        self.versions: dict[str, int] = {}
        self.since: dt.datetime | None = None  # the database's time at the last check
        # The start of the oldest transaction open at the last check (PostgreSQL): anything
        # committed since carries a stamp at least this late (see `_oldest_open`).
        self.open_since: dt.datetime | None = None
        self.published: int | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self, session: Session) -> Any:
        """The matcher with every committed profile edit applied (rebuilt if needed)."""
        with self._lock:
            if self.matcher is None:
                self.rebuild(session)
            else:
                self._catch_up(session)
            return self.matcher

    def rebuild(self, session: Session) -> None:
        """Build aside, then swap: a failed build leaves the previous matcher serving."""
        since = _db_now(session)
        rows = session.execute(select(Organization.id, Organization.profile_version)).all()
        if self.index_dir is not None:
            self.published = _sync(session, self.index_dir)
        matcher = self._build(session)  # reads the catalog after `rows`: never older
        if matcher.vector_index is not None and self.index_dir is not None:
            matcher.vector_index = _own_copy(self.index_dir)  # patched here: never the shared one
        self.matcher = matcher
        self.versions = {r[0]: r[1] or 1 for r in rows}
        self.since, self.open_since = since, None
        self._checked = time.monotonic()
        freeze_long_lived()
        one_blas_thread()

    def _catch_up(self, session: Session) -> None:
        """One round trip: the database's clock, the newest published index version, and the
        organizations stamped since the last check (a one-row select outer-joined to them)."""
        from catalog.models import DerivedBlob

        newest = select(func.max(DerivedBlob.id)).where(DerivedBlob.kind == published.KIND)
        head = select(
            func.now().label("now"),
            newest.scalar_subquery().label("newest"),
            _oldest_open(session).label("oldest"),
        ).subquery()
        bound = (self.since or dt.datetime(1970, 1, 1)) - MARGIN
        if self.open_since is not None:
            bound = max(bound, self.open_since)
        rows = session.execute(
            select(
                head.c.now,
                head.c.newest,
                head.c.oldest,
                Organization.id,
                Organization.profile_version,
            )
            .select_from(head)
            .outerjoin(Organization, Organization.updated_at >= bound)
        ).all()
        if self.index_dir is not None and rows[0].newest not in (None, self.published):
            self._swap_published(session)
        changed = {
            r.id: r.profile_version or 1
            for r in rows
            if r.id is not None and self.versions.get(r.id) != (r.profile_version or 1)
        }
        self.since = rows[0].now
        oldest = rows[0].oldest
        self.open_since = None if oldest is None else min(oldest, self.since)
        if changed:
            self.apply(session, changed)
        if time.monotonic() - self._checked > FULL_CHECK:
            self._full_check(session)

    def apply(self, session: Session, changed: dict[str, int]) -> None:
        """Patch the changed organizations in (records read now, in this transaction)."""
        from matching.adapter import load_orgs

        records = load_orgs(session, list(changed))
        patch.upsert(self.matcher, records)
        for rec in records:
            self.versions[rec.id] = rec.version
        log.info("matcher: %d changed profile(s) applied", len(records))

    def _full_check(self, session: Session) -> None:
        n, vsum = session.execute(
            select(
                func.count(Organization.id),
                func.coalesce(func.sum(Organization.profile_version), 0),
            )
        ).one()
        self._checked = time.monotonic()
        if n != len(self.versions) or vsum != sum(self.versions.values()):
            log.info(
                "matcher: catalog drifted (%s organizations, was %s); rebuilding",
                n,
                len(self.versions),
            )
            self.rebuild(session)

    def _swap_published(self, session: Session) -> None:
        """A newer published index: copy it here, load our own copy, re-apply recent edits."""
        assert self.index_dir is not None
        self.published = _sync(session, self.index_dir)
        idx = _own_copy(self.index_dir)
        if idx is None or self.matcher.encoder is None:
            return
        if idx.model_id != self.matcher.encoder.model_id:
            return
        self.matcher.vector_index = idx
        # Profiles this process holds in another version than the published index (edited
        # since it was built) are applied to it again.
        behind = {k: v for k, v in self.versions.items() if idx.versions.get(k) != v}
        if behind:
            self.apply(session, behind)


def freeze_long_lived() -> None:
    """Keep what the matcher holds out of the cyclic collector's full passes. At 100,000
    organizations its records are millions of objects and a full collection took about a
    second, paid by whichever match happened to trigger it (the slowest matches). Frozen
    objects are still freed by reference counting when the matcher is replaced; cycles among
    them are collected at the next rebuild (unfreeze, collect, freeze)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def one_blas_thread() -> None:
    """Run this process's BLAS (numpy's, scipy's, FAISS's OpenBLAS) on one thread. A match's
    products are small (at most organizations × 9 features) and a worker scales by processes;
    OpenBLAS's thread pool on a 2-CPU host shared with other processes made the 100,000 × 9
    scoring product take 10-20 ms instead of 0.4 ms (its threads waiting for each other), the
    slowest matches' main cost. Applies to the libraries loaded by now (after a build: all)."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    threadpool_limits(limits=1, user_api="blas")


def _oldest_open(session: Session) -> Any:
    """When the oldest transaction now open began (PostgreSQL; NULL elsewhere). `updated_at`
    is a transaction's start, so a change that commits after this check is stamped no earlier:
    the next check lists organizations from here on rather than from `MARGIN` before it. After
    a bulk import, the fixed margin re-read every row stamped in its last 30 s on every match
    for 30 s (10,000 rows, ~60 ms a match); the margin still bounds it (a transaction open
    longer is the full check's)."""
    if session.get_bind().dialect.name != "postgresql":
        return null()
    activity = table("pg_stat_activity", column("xact_start"))
    return select(func.min(activity.c.xact_start)).scalar_subquery()


def _db_now(session: Session) -> dt.datetime | None:
    """The database's clock (hosts' clocks may differ; `updated_at` is stamped by it)."""
    return session.scalar(select(func.now()))


def _sync(session: Session, index_dir: Path) -> int | None:
    try:
        return published.sync(session, index_dir)
    except Exception:  # noqa: BLE001 - the local copy (or no index) keeps matching running
        log.exception("could not copy the published organization index")
        return published.local_id(index_dir)


def _own_copy(index_dir: Path) -> Any:
    from matching.vectors.index import VectorIndex

    return VectorIndex.load(index_dir)


_processes: dict[tuple, LiveMatcher] = {}
_processes_lock = threading.Lock()


def for_process(
    key: tuple, build: Callable[[Session], Any], index_dir: str | Path | None
) -> LiveMatcher:
    """This process's live matcher for `key` (database, settings, model artifacts): a new
    key (a retrained model) starts a new one; the previous is dropped."""
    with _processes_lock:
        live = _processes.get(key)
        if live is None:
            _processes.clear()
            live = _processes[key] = LiveMatcher(build, index_dir)
        return live
