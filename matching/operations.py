"""What operators and background jobs run: evaluation, training, the organization index and the
state files the UI reads about those jobs. With `matching.facade` (requests and matching tasks)
this is the other module `web` imports matching through; the CLI commands and the jobs are thin
wrappers over these functions, so the same code runs from a terminal, inline or in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from matching import service
from matching.channels.dense import CachedEncoder, load_encoder
from matching.evaluation.evaluate import evaluate_dir
from matching.facade import Settings, build_matcher, index_file, matcher_key
from matching.ranking.pipeline import Matcher
from matching.training.guard import MIN_DECISIONS, TooFewDecisions
from matching.training.retrain import train_from_catalog
from matching.vectors.index_store import read_state, write_state
from matching.vectors.index_store import rebuild as rebuild_index

__all__ = [
    "MIN_DECISIONS",
    "TooFewDecisions",
    "encoder_for",
    "evaluate",
    "evaluate_out_of_fold",
    "index_exists",
    "live_matcher",
    "read_state",
    "rebuild_index",
    "reindex",
    "train_from_catalog",
    "update_index",
    "write_state",
]

EMBEDDINGS = "embeddings.sqlite"  # the embedding cache, next to the index

# Refresh changed organizations in the index (False: none yet, or built with another model).
update_index = service.update_index


def evaluate(dataset: str | Path, settings: Settings, run_out: str | Path | None = None) -> dict:
    """`flask matching evaluate`: the pipeline on a labeled folder, in a throwaway database."""
    return evaluate_dir(
        dataset, run_out=run_out, model_setting=settings.model, models_dir=settings.models_dir
    )


def evaluate_out_of_fold(
    dataset: str | Path, trained_with: list[Path], seeds: int = 3
) -> dict[str, Any]:
    """`flask matching evaluate DIR --out-of-fold-with OTHER`: DIR scored out of fold by models
    trained on the lexicon, the other folders and DIR's other folds (the honest figures for a
    folder the shipped model learned from), beside the other folders' model and the baseline."""
    from matching.evaluation.transfer_cv import run_transfer_cv, summary_lines

    out = run_transfer_cv(dataset, trained_with, seeds=tuple(range(seeds)))
    return {"table": "\n".join(summary_lines(out)), **out}


def reindex(session: Session, settings: Settings) -> dict[str, Any]:
    """`flask matching reindex`: rebuild the organization index now, reporting how many
    profiles had to be encoded (the rest came from the embedding cache)."""
    if not settings.index_dir:
        raise ValueError("MATCHING_INDEX_DIR: no index folder configured")
    return service.reindex(session, settings.index_dir, settings.model)


def encoder_for(settings: Settings) -> CachedEncoder:
    """The configured dense encoder with its embedding cache beside the index."""
    cache = Path(settings.index_dir) / EMBEDDINGS if settings.index_dir else None
    return load_encoder(settings.model, cache)


def index_exists(index_dir: str | Path, session: Session | None = None) -> bool:
    """Whether an organization index was ever built (small catalogs never need one); with a
    session, the newest published version is copied into `index_dir` first."""
    if session is not None:
        from matching.vectors import published

        published.sync(session, index_dir)
    return index_file(index_dir).exists()


def live_matcher(session: Session, settings: Settings) -> Matcher:
    """The matching worker's matcher: built once per process, then every committed profile
    edit and every newly published index applied before each use (`matching.vectors.live`)."""
    from matching.vectors import live

    key = matcher_key(session, settings)
    kept = live.for_process(key, lambda s: build_matcher(s, settings), settings.index_dir)
    return kept.get(session)
