"""Matching against the live catalog: build a matcher from the database and the shipped models,
write suggestions (idempotently) and gap/category/prohibited findings back.

Idempotent means: re-running replaces only suggestions still in status 'suggested'; a suggestion
a person confirmed or rejected is never touched, and that organization is not suggested again.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Need, NeedStatus, Organization
from catalog.notifications import notify_suggestions
from catalog.opportunities import sync_needs
from matching.adapter import (
    HUMAN_CATEGORY_SOURCES,
    category_infos,
    load_orgs,
    need_record,
    org_record,
)
from matching.channels.classifier import CategoryClassifier
from matching.planning.teams import attach_teams
from matching.ranking.pipeline import Matcher, MatcherConfig
from matching.ranking.ranker import LinearRanker
from matching.ranking.results import MatchResult
from matching.writes import replace_suggestions

MODELS_DIR = Path(
    os.environ.get("MATCHING_MODELS_DIR") or Path(__file__).resolve().parent.parent / "models"
)
CLASSIFIER_PATH = "category_classifier/model.joblib"
RANKER_PATH = "ranker/model.joblib"
MATCHABLE = ("approved", "listed")


def load_models(
    models_dir: str | Path | None = None,
) -> tuple[CategoryClassifier, LinearRanker, MatcherConfig]:
    """Shipped classifier (with its calibrated thresholds) and ranker; a missing ranker artifact
    means the default weights."""
    base = Path(models_dir or MODELS_DIR)
    clf = CategoryClassifier.load(base / CLASSIFIER_PATH)
    ranker_path = base / RANKER_PATH
    ranker = LinearRanker.load(ranker_path) if ranker_path.exists() else LinearRanker()
    cfg = MatcherConfig(**clf.meta.get("config", {}))
    return clf, ranker, cfg


def build_matcher(
    session: Session,
    factory: Callable[[Session], Matcher] | None = None,
    index_dir: str | Path | None = None,
    model_setting: str | None = None,
    models_dir: str | Path | None = None,
) -> Matcher:
    """A matcher over the catalog's organizations. The dense encoder is loaded only when the
    ranker or config gives the dense channel weight (the default English-only model does not
    earn it on Chinese text; see README)."""
    if factory is not None:
        return factory(session)
    clf, ranker, cfg = load_models(models_dir)
    encoder = None
    if ranker.weights.get("dense") or cfg.dense_category_weight > 0:
        from matching.channels.dense import load_encoder

        cache = Path(index_dir) / "embeddings.sqlite" if index_dir else None
        encoder = load_encoder(model_setting, cache)
    from matching.taxonomy import categories

    matcher = Matcher(clf, ranker, categories(category_infos(session)), encoder, cfg)
    matcher.index(load_orgs(session))
    if encoder is not None and index_dir is not None:
        # Large catalogs retrieve dense candidates from the persisted FAISS index; a stale one
        # (other model, catalog changed since) is ignored until `matching reindex`.
        from matching.adapter import catalog_version
        from matching.vectors.index_store import load_current

        idx = load_current(index_dir)  # one stat per call; reloaded only after a swap
        if idx is not None and not idx.stale(encoder.model_id, catalog_version(session)):
            matcher.vector_index = idx
    return matcher


def model_version(matcher: Matcher) -> str:
    return f"clf:{matcher.classifier.meta.get('trained_at', '?')}|rank:{matcher.ranker.meta.get('source')}"


def _write(
    session: Session, need: Need, result: MatchResult, version: str, locked: bool = False
) -> int:
    """Replace the need's undecided suggestions and record the findings on it; returns how
    many suggestions now await a decision. `locked`: the caller holds the need's row lock, so
    its status cannot change before the commit."""
    listed = need.status == NeedStatus.LISTED if locked else None
    waiting = replace_suggestions(session, need.id, result, version, unlisted=listed is False)
    if need.category_source not in HUMAN_CATEGORY_SOURCES and result.category:
        need.category_name = result.category
        need.category_source = "model"
        need.category_confidence = result.category_confidence
    need.category_choices = (
        [[c, round(p, 4)] for c, p in result.category_top[:2]]
        if result.category_uncertain and need.category_source == "model"
        else None
    )
    if result.prohibited and not need.prohibited:
        need.prohibited = True
        need.prohibited_rule = result.prohibited_rule
        need.prohibited_detail = result.prohibited_detail
    need.gap = result.gap
    need.gap_reason = result.gap_reason
    need.team_proposals = list(result.teams)  # replaced by every run (idempotent)
    need.match_status = "done"
    need.match_error = None
    need.matched_at = dt.datetime.now(dt.UTC)
    # The organizations' side of the same result (their opportunities), in this transaction.
    if listed is not False:  # an unlisted need's rows went with its suggestions
        sync_needs(session, [need.id], listed=listed)
    return waiting


def match_need(session: Session, need_id: str, matcher: Matcher | None = None) -> MatchResult:
    """Suggest organizations for one need and record the findings on it."""
    matcher = matcher or build_matcher(session)
    # Row lock: a redelivered task running beside the first one waits instead of writing a
    # second set of suggestions (at-least-once delivery must not double anything). Loaded
    # and locked in one statement: `OF need` leaves the eagerly outer-joined street unlocked
    # (FOR UPDATE cannot cover the nullable side of an outer join).
    need = session.execute(
        select(Need).where(Need.id == need_id).with_for_update(of=Need)
    ).scalar_one_or_none()
    if need is None:
        raise LookupError(f"no need {need_id}")
    record = need_record(need)
    result = matcher.match(record)
    attach_teams(matcher, [record], [result])
    waiting = _write(session, need, result, model_version(matcher), locked=True)
    session.flush()
    notify_suggestions(session, need, waiting)  # counted by the write: no query
    return result


def run_all(
    session: Session, matcher: Matcher | None = None, statuses: Sequence[str] | None = MATCHABLE
) -> list[MatchResult]:
    """Match every need in `statuses` (None = all needs), in one classifier batch."""
    matcher = matcher or build_matcher(session)
    q = select(Need).order_by(Need.id)
    if statuses:
        q = q.where(Need.status.in_(statuses))
    needs = list(session.scalars(q))
    records = [need_record(n) for n in needs]
    results = matcher.match_many(records)
    attach_teams(matcher, records, results)
    version = model_version(matcher)
    for need, result in zip(needs, results, strict=True):
        _write(session, need, result, version)
    session.flush()
    return results


def reindex(
    session: Session, index_dir: str | Path, model_setting: str | None = None, encoder=None
) -> dict:
    """Rebuild the organization vector index (FAISS) for the configured dense model, aside and
    atomically swapped in under the writer lock (`index_store.rebuild`). Embeddings come from
    the cache next to it, so only changed profiles are re-encoded."""
    from matching.channels.dense import load_encoder
    from matching.vectors.index_store import rebuild

    index_dir = Path(index_dir)
    encoder = encoder or load_encoder(model_setting, index_dir / "embeddings.sqlite")
    info = rebuild(session, index_dir, encoder)
    info["encoded"] = getattr(encoder, "misses", None)
    return info


def update_index(
    session: Session,
    index_dir: str | Path,
    org_ids: Sequence[str],
    model_setting: str | None = None,
    encoder=None,
) -> bool:
    """Incremental update after profiles changed (added, edited or deleted organizations).
    Returns False when there is no index yet or it was built with another model (then the
    caller should `reindex`)."""
    from matching.channels.dense import load_encoder
    from matching.vectors import published
    from matching.vectors.index import VectorIndex
    from matching.vectors.index_store import writer_lock

    with writer_lock(index_dir):  # never interleave with a rebuild (lost update)
        published.lock_writers(session)  # nor with another host's update
        published.sync(session, index_dir)  # start from the newest published version
        idx = VectorIndex.load(index_dir)
        if idx is None:
            return False
        encoder = encoder or load_encoder(model_setting, Path(index_dir) / "embeddings.sqlite")
        if idx.model_id != encoder.model_id:
            return False
        return _apply_update(session, idx, index_dir, org_ids, encoder)


def _apply_update(
    session: Session, idx, index_dir: str | Path, org_ids: Sequence[str], encoder
) -> bool:
    from matching.adapter import catalog_version

    present = {o.id: o for o in (session.get(Organization, i) for i in org_ids) if o is not None}
    idx.remove([i for i in org_ids if i not in present])
    if present:
        recs = [org_record(o) for o in present.values()]
        idx.add([r.id for r in recs], encoder.encode([r.profile_text() for r in recs]))
        idx.versions.update((r.id, r.version) for r in recs)
    idx.catalog_version = catalog_version(session)
    from matching.vectors import published

    published.release(session, idx, index_dir)
    return True
