"""Everything a request or a background task asks of matching, in one module.

`web` imports matching through here (and `matching.operations` for the CLI and the index and
training jobs), so the web side never learns how the pipeline is laid out, and the matcher is
built in one place from one set of settings instead of five call sites repeating five
arguments. Flask stays outside: settings come in as a plain mapping (`Settings.from_config`).

- `build_matcher` / `shared_matcher`: the matcher over the live catalog (fresh, or cached per
  database, catalog version and model artifact for request paths);
- `match_need`, `match_all`: match one need / every matchable need and write the results back;
- `suggest_category`: the classifier's category for a need the office just posted;
- `emerging_needs`: needs no category covers, for planners;
- `stored_plan`: the planners' action plan, computed by a worker (`refresh`) and read by the web
  side (`latest`, `current_source`) without a matcher;
- `index_file`, `index_version`: the persisted vector index, for the health check.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from catalog.models import Need
from matching import service
from matching.adapter import catalog_version, need_record
from matching.channels.classifier import PROHIBITED, CategoryClassifier
from matching.planning import stored_plan
from matching.planning.action_service import action_names, narrow
from matching.planning.actions import BUNDLE, EXTEND, ActionPlan
from matching.planning.emerging import EmergingReport, emerging_needs
from matching.ranking.pipeline import Matcher
from matching.ranking.results import MatchResult
from matching.text.normalize import normalize
from matching.text.segment import segment
from matching.vectors.index import FILE_NAME, VectorIndex
from matching.wording.thin_text import draft_prompt as draft_prompt  # the thin-text prompt

__all__ = [
    "BUNDLE",
    "EXTEND",
    "ActionPlan",
    "EmergingReport",
    "MatchResult",
    "Matcher",
    "Settings",
    "action_names",
    "build_matcher",
    "emerging_needs",
    "index_file",
    "index_version",
    "match_all",
    "match_need",
    "narrow",
    "shared_matcher",
    "stored_plan",
    "suggest_category",
    "words",
]

log = logging.getLogger(__name__)

match_need = service.match_need


@dataclass(frozen=True)
class Settings:
    """The deployment's matching settings (each comment names its web config key)."""

    factory: Callable[[Session], Matcher] | None = None  # MATCHER_FACTORY: tests swap the matcher
    index_dir: str | None = None  # MATCHING_INDEX_DIR: FAISS index and embedding cache
    model: str | None = None  # MATCHING_MODEL: the dense encoder (path or name)
    models_dir: str | None = None  # MATCHING_MODELS_DIR: trained artifacts (default models/)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        def text(key: str) -> str | None:
            value = config.get(key)
            return str(value) if value else None

        return cls(
            factory=config.get("MATCHER_FACTORY"),
            index_dir=text("MATCHING_INDEX_DIR"),
            model=text("MATCHING_MODEL"),
            models_dir=text("MATCHING_MODELS_DIR"),
        )


def build_matcher(session: Session, settings: Settings) -> Matcher:
    """A matcher over the catalog as it is now: models loaded, every profile indexed."""
    return service.build_matcher(
        session,
        factory=settings.factory,
        index_dir=settings.index_dir,
        model_setting=settings.model,
        models_dir=settings.models_dir,
    )


_shared: dict[tuple, Matcher] = {}
_shared_lock = threading.Lock()


def shared_matcher(session: Session, settings: Settings) -> Matcher:
    """The matcher for request paths, built once per database, catalog version (any profile
    edit changes it), classifier artifact and settings: loading models and indexing every
    profile on each request would dominate the response time. Search only; never mutate it."""
    key = (*matcher_key(session, settings), catalog_version(session))
    with _shared_lock:
        matcher = _shared.get(key)
        if matcher is None:
            matcher = build_matcher(session, settings)
            if len(_shared) >= 4:  # a process serves one catalog; tests make many
                _shared.clear()
            _shared[key] = matcher
        return matcher


def matcher_key(session: Session, settings: Settings) -> tuple:
    """Database, classifier artifact (a retrained model) and settings a matcher depends on."""
    models = Path(settings.models_dir or service.MODELS_DIR) / service.CLASSIFIER_PATH
    try:
        artifact = models.stat().st_mtime_ns
    except OSError:
        artifact = None
    bind = session.get_bind()
    return (str(getattr(bind, "url", id(bind))), artifact, settings)


def match_all(session: Session, settings: Settings) -> list[MatchResult]:
    """Match every approved or listed need (suggestions, gap flags, team proposals)."""
    return service.run_all(session, matcher=build_matcher(session, settings))


@lru_cache(maxsize=2)
def _classifier(models_dir: str | None) -> CategoryClassifier | None:
    try:
        return service.load_models(models_dir)[0]
    except Exception:  # noqa: BLE001 - no model shipped: degrade to no suggestion
        log.warning("category classifier unavailable", exc_info=True)
        return None


def suggest_category(need: Need, settings: Settings | None = None) -> tuple[str, float] | None:
    """(category, probability) of the classifier's best real category for the need's text;
    None when no classifier artifact loads (a fresh install: the page shows no suggestion)."""
    clf = _classifier((settings or Settings()).models_dir)
    if clf is None:
        return None
    try:
        probs = clf.predict_proba([need_record(need).text()])[0]
    except Exception:  # noqa: BLE001 - a suggestion is a convenience, never a failure
        log.warning("category suggestion failed", exc_info=True)
        return None
    ranked = sorted(zip(clf.classes, probs, strict=True), key=lambda x: -x[1])
    return next(((name, float(p)) for name, p in ranked if name != PROHIBITED), None)


def index_file(index_dir: str | Path) -> Path:
    """Where the organization index lives (replaced atomically by every rebuild)."""
    return Path(index_dir) / FILE_NAME


def index_version(index_dir: str | Path) -> str | None:
    """ "model@catalog version" of the index on disk, None without one; raises when the file
    cannot be read (a corrupt index is unhealthy)."""
    idx = VectorIndex.load(index_dir)
    return None if idx is None else f"{idx.model_id}@{idx.catalog_version}"


def words(text: str) -> list[str]:
    """The words of a query as the matcher reads text: normalized (Traditional → Simplified,
    full-width → half-width), then cut by jieba; for word search on lists."""
    return list(segment(normalize(text)))
