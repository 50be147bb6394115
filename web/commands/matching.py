"""`flask --app web matching evaluate|reindex|train|run-all|requeue-stalled`: thin wrappers over
`matching`; reindex, run-all and requeue-stalled run the same functions as the background tasks
(`web.jobs`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup

if TYPE_CHECKING:
    from matching.facade import Settings

matching_cli = AppGroup("matching", help="Suggest organizations for needs; evaluate; retrain.")


def _db():
    return current_app.extensions["db"]


def _settings() -> Settings:
    from matching.facade import Settings

    return Settings.from_config(current_app.config)


@matching_cli.command("evaluate")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--run-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write one JSON line per need: need, ranking, gap, category, prohibited, gap_reason, teams.",
)
@click.option(
    "--out-of-fold-with",
    "trained_with",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Score DATASET out of fold instead: each of 5 stratified folds by models trained on the "
    "lexicon, these folders and DATASET's other folds (for a folder the shipped model learned from).",
)
@click.option(
    "--seeds", type=click.IntRange(min=1), default=3, help="Fold splits (with --out-of-fold-with)."
)
def evaluate(
    dataset: Path, run_out: Path | None, trained_with: tuple[Path, ...], seeds: int
) -> None:
    """Score the pipeline on a labeled exchange-format folder (throwaway database). If the
    shipped model was trained on it, the answer says "in_sample": use --out-of-fold-with."""
    from matching import operations

    if trained_with:
        out = operations.evaluate_out_of_fold(dataset, list(trained_with), seeds)
        click.echo(out.pop("table"))
        click.echo(json.dumps(out, ensure_ascii=False, default=float))
        return
    metrics = operations.evaluate(dataset, _settings(), run_out=run_out)
    click.echo(json.dumps(metrics, ensure_ascii=False))


@matching_cli.command("reindex")
def reindex() -> None:
    """Rebuild the organization vector index under the instance folder (atomic swap)."""
    from web.jobs.index import rebuild_index

    click.echo(json.dumps(rebuild_index(force=True), ensure_ascii=False))


@matching_cli.command("train")
@click.option(
    "--labeled",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Also learn from a labeled exchange-format folder (qrels, labels).",
)
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option(
    "--min-decisions",
    type=click.IntRange(min=0),
    default=None,
    help="Refuse to retrain below this many decisions (default 20).",
)
def train(labeled: tuple[Path, ...], models_dir: Path | None, min_decisions: int | None) -> None:
    """Retrain the classifier and ranker from people's decisions (and labeled folders); a new
    classifier replaces the previous one only where it wins on newly decided needs."""
    from matching import operations

    minimum = operations.MIN_DECISIONS if min_decisions is None else min_decisions
    with _db().session() as session:
        try:
            report = operations.train_from_catalog(session, list(labeled), models_dir, minimum)
        except operations.TooFewDecisions as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(report, ensure_ascii=False))


@matching_cli.command("run-all")
def run_all() -> None:
    """Match every approved or listed need and store the suggestions."""
    from web.jobs.index import refresh_gap_flags

    click.echo(json.dumps(refresh_gap_flags()))


@matching_cli.command("requeue-stalled")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds since the need last changed (default: MATCHING_PENDING_TIMEOUT).",
)
def requeue_stalled(older_than: float | None) -> None:
    """Queue matching again for needs left pending or running (e.g. after Redis lost its
    queue); the beat job does the same every 5 minutes. Without a broker it matches inline."""
    from web.jobs.needs import requeue_stalled_matching

    click.echo(json.dumps({"requeued": requeue_stalled_matching(older_than)}))
