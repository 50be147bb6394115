"""Jobs over the whole catalog: the organization vector index (rebuilt, or one organization
refreshed), the gap flags, the ranker. Each full job writes ``state-<job>.json`` next to the
index (`matching.index_store.read_state`) for operators: running, done, failed or retrying."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from web.jobs import is_transient
from web.jobs.planning import refresh_action_plan
from web.platform.database import get_db

log = logging.getLogger(__name__)


def _index_dir() -> str:
    return current_app.config["MATCHING_INDEX_DIR"]


def _encoder() -> Any:
    """The configured dense encoder with its cache. ``MATCHING_ENCODER`` ("module:callable",
    test-only) swaps in a light encoder so integration tests need not load a transformer."""
    factory = current_app.config.get("MATCHING_ENCODER")  # HUB_MATCHING_ENCODER
    if factory:
        import importlib

        module, _, attr = str(factory).partition(":")
        return getattr(importlib.import_module(module), attr)()
    from matching import facade, operations

    return operations.encoder_for(facade.Settings.from_config(current_app.config))


def _tracked(job: str, func: Any, *args: Any) -> Any:
    """Run `func` recording running → done | failed (| retrying for transient errors)."""
    from matching.operations import write_state

    index_dir = _index_dir()
    write_state(index_dir, job, "running")
    try:
        result = func(*args)
    except Exception as exc:
        state = "retrying" if is_transient(exc) else "failed"
        write_state(index_dir, job, state, error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    write_state(index_dir, job, "done", result=result)
    return result


def rebuild_index(force: bool = True) -> dict[str, Any]:
    """Rebuild the organization index aside and swap it in (``force=False``: only when it no
    longer matches the catalog). ``MATCHING_REINDEX_PAUSE`` is a test-only stretch."""
    from matching.operations import rebuild_index as rebuild

    pause = float(current_app.config.get("MATCHING_REINDEX_PAUSE") or 0)

    def run() -> dict[str, Any]:
        encoder = _encoder()
        with get_db().session() as session:
            info = rebuild(session, _index_dir(), encoder, pause=pause, force=force)
        info["encoded"] = getattr(encoder, "misses", None)  # profiles not found in the cache
        return info

    return _tracked("reindex", run)


def update_org_in_index(org_id: str, retry: bool = False) -> bool:
    """Refresh one organization in the index after its profile changed. No index yet, or one
    of another model: nothing to update. A failure only leaves the index stale, which the
    matcher ignores and `ensure_index` rebuilds, so it is logged, not raised — except a
    transient one with ``retry`` (a real worker with retries left), re-raised for Celery."""
    from matching.operations import index_exists, update_index

    try:
        with get_db().session() as session:
            if not index_exists(_index_dir(), session):
                return False  # small catalogs score every organization; no transformer loaded
            return update_index(session, _index_dir(), [org_id], encoder=_encoder())
    except Exception as exc:  # noqa: BLE001 - a stale index is never fatal
        if retry and is_transient(exc):
            raise
        log.exception("index update failed for organization %s", org_id)
        return False


def refresh_gap_flags() -> dict[str, Any]:
    """Re-run the matcher over approved and listed needs: gap flags (and suggestions still
    undecided) are rewritten; decided suggestions are never touched, so re-running is safe."""
    from matching import facade

    def run() -> dict[str, Any]:
        with get_db().session() as session:
            results = facade.match_all(session, facade.Settings.from_config(current_app.config))
        refresh_action_plan()  # the planners' plan follows the new gap flags
        return {"matched": len(results), "gaps": sum(bool(r.gap) for r in results)}

    return _tracked("refresh_gaps", run)


def retrain_ranker_from_decisions() -> dict[str, Any]:
    """Retrain from people's decisions; the new ranker and classifier are kept only if they win
    on held-out needs (`matching.training`), so a repeated run cannot make matching worse. With
    too few decisions nothing runs: a refusal, not a failure (the next run may have enough)."""
    from matching.operations import TooFewDecisions, train_from_catalog

    def run() -> dict[str, Any]:
        with get_db().session() as session:
            try:
                return train_from_catalog(
                    session, [], current_app.config.get("MATCHING_MODELS_DIR")
                )
            except TooFewDecisions as exc:
                return {"refused": str(exc)}

    return _tracked("retrain_ranker", run)
