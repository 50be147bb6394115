"""Labeled exchange-format folders as training data: read with need ids kept apart, fingerprinted
so a model card (and `matching evaluate`) can tell which folders an artifact learned from, and
measured out of fold when there are several (`evaluation.transfer_cv`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from matching.records import NeedRecord, OrgRecord, load_exchange_dir, load_labels
from matching.training.train import NeedLabel, need_labels


@dataclass
class Labeled:
    """One labeled exchange-format folder: its catalog content and its gold labels."""

    path: Path
    orgs: list[OrgRecord]
    needs: list[NeedRecord]
    qrels: dict[str, dict[str, int]]
    labels: dict[str, NeedLabel]
    raw: dict[str, dict] = field(default_factory=dict)  # labels.jsonl rows, for scoring
    title_only: set[str] = field(default_factory=set)  # needs posted without a description


def read_labeled(dirs: Sequence[Path]) -> list[Labeled]:
    """The folders, with need ids prefixed by the folder's name (dev and real-dev both number
    their needs need-001…, and one folder's labels must not overwrite another's)."""
    out = []
    names = [d.name for d in dirs]
    for i, d in enumerate(dirs):
        prefix = d.name if names.count(d.name) == 1 else f"{i}-{d.name}"
        out.append(load_prefixed(d, prefix))
    return out


def load_prefixed(d: Path, prefix: str) -> Labeled:
    """One folder with every need id written `prefix:id`."""
    orgs, needs = load_exchange_dir(d)
    qrels, raw = load_labels(d)
    needs = [replace(n, id=f"{prefix}:{n.id}") for n in needs]
    qrels = {f"{prefix}:{k}": v for k, v in qrels.items()}
    raw = {f"{prefix}:{k}": v for k, v in raw.items()}
    return Labeled(d, orgs, needs, qrels, need_labels(raw), raw)


def folder_fingerprint(d: Path) -> dict[str, str]:
    """What the model card and `matching evaluate` use to tell whether a folder was trained on
    (by content, so a copy elsewhere is recognized too)."""
    digest = hashlib.sha256((d / "needs.jsonl").read_bytes()).hexdigest()
    return {"name": d.name, "path": str(d), "needs_sha256": digest}


def same_orgs(data: list[Labeled]) -> list[Labeled]:
    """The folders that describe the first folder's organizations (their needs can be scored
    and calibrated against one organization table)."""
    ids = [o.id for o in data[0].orgs]
    return [d for d in data if [o.id for o in d.orgs] == ids]


def out_of_fold(data: list[Labeled]) -> dict | None:
    """With several labeled folders, each is scored out of fold by models trained on the
    lexicon, the other folders and its other folds (`evaluation.transfer_cv`, seed 0): these are
    the only honest figures for a folder the shipped artifact learned from."""
    same = same_orgs(data) if data else []
    if len(same) < 2:
        return None
    from matching.evaluation.transfer_cv import run_transfer_cv

    out = {}
    for d in same:
        others = [o.path for o in same if o is not d]
        res = run_transfer_cv(d.path, others, seeds=(0,))
        out[d.path.name] = {k: v["mean"] for k, v in res["mean"].items()}
    return out
