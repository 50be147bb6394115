"""`flask --app web matching evaluate|reindex|train|run-all`: thin wrappers over `matching`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

matching_cli = AppGroup("matching", help="Suggest organizations for needs; evaluate; retrain.")


def _db():
    return current_app.extensions["db"]


@matching_cli.command("evaluate")
@click.argument("dataset", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--run-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write one JSON line per need: need, ranking, gap, category, prohibited, gap_reason, teams.",
)
def evaluate(dataset: Path, run_out: Path | None) -> None:
    """Score the pipeline on a labeled exchange-format folder (throwaway database)."""
    from matching.evaluation.evaluate import evaluate_dir

    metrics = evaluate_dir(
        dataset, run_out=run_out, model_setting=current_app.config.get("MATCHING_MODEL")
    )
    click.echo(json.dumps(metrics, ensure_ascii=False))


@matching_cli.command("reindex")
def reindex() -> None:
    """Rebuild the organization vector index under the instance folder (atomic swap)."""
    from matching.service import reindex as do_reindex

    with _db().session() as session:
        info = do_reindex(
            session,
            current_app.config["MATCHING_INDEX_DIR"],
            current_app.config.get("MATCHING_MODEL"),
        )
    click.echo(json.dumps(info, ensure_ascii=False))


@matching_cli.command("train")
@click.option(
    "--labeled",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True,
    help="Also learn from a labeled exchange-format folder (qrels, labels).",
)
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def train(labeled: tuple[Path, ...], models_dir: Path | None) -> None:
    """Retrain the classifier and ranker from people's decisions (and labeled folders)."""
    from matching.training.retrain import train_from_catalog

    with _db().session() as session:
        report = train_from_catalog(session, list(labeled), models_dir)
    click.echo(json.dumps(report, ensure_ascii=False))


@matching_cli.command("run-all")
def run_all() -> None:
    """Match every approved or listed need and store the suggestions."""
    from matching import service

    with _db().session() as session:
        matcher = service.build_matcher(
            session,
            index_dir=current_app.config["MATCHING_INDEX_DIR"],
            model_setting=current_app.config.get("MATCHING_MODEL"),
        )
        results = service.run_all(session, matcher=matcher)
    gaps = sum(r.gap for r in results)
    click.echo(json.dumps({"matched": len(results), "gaps": gaps}))
