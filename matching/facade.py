"""Everything a request or a background task asks of matching, in one module.

`web` imports matching through here (and `matching.operations` for the CLI and the index and
training jobs), so the web side never learns how the pipeline is laid out, and the matcher is
built in one place from one set of settings instead of five call sites repeating five
arguments. Flask stays outside: settings come in as a plain mapping (`Settings.from_config`).

- `build_matcher` / `shared_matcher`: the matcher over the live catalog (fresh, or cached per
  database, catalog version and model artifact for request paths);
- `match_need`, `match_all`: match one need / every matchable need and write the results back;
- `opportunities`: the listed needs recommended for an organization (the one implementation
  behind its dashboard and the API), from the suggestions matching already wrote;
- `suggest_category`: the classifier's category for a need the office just posted;
- `emerging_needs`: needs no category covers, for planners;
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

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import region_contains
from catalog.models import Need, NeedStatus, Organization, Suggestion, SuggestionStatus
from matching import service
from matching.adapter import catalog_version, need_record
from matching.channels.classifier import PROHIBITED, CategoryClassifier
from matching.planning.action_service import action_names, cached_plan, narrow
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
    "NeedOpportunity",
    "OpportunityList",
    "Settings",
    "action_names",
    "build_matcher",
    "cached_plan",
    "emerging_needs",
    "index_file",
    "index_version",
    "match_all",
    "match_need",
    "narrow",
    "opportunities",
    "shared_matcher",
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
    models = Path(settings.models_dir or service.MODELS_DIR) / service.CLASSIFIER_PATH
    try:
        artifact = models.stat().st_mtime_ns
    except OSError:
        artifact = None
    bind = session.get_bind()
    key = (str(getattr(bind, "url", id(bind))), catalog_version(session), artifact, settings)
    with _shared_lock:
        matcher = _shared.get(key)
        if matcher is None:
            matcher = build_matcher(session, settings)
            if len(_shared) >= 4:  # a process serves one catalog; tests make many
                _shared.clear()
            _shared[key] = matcher
        return matcher


def match_all(session: Session, settings: Settings) -> list[MatchResult]:
    """Match every approved or listed need (suggestions, gap flags, team proposals)."""
    return service.run_all(session, matcher=build_matcher(session, settings))


@dataclass
class NeedOpportunity:
    """A listed need recommended to an organization; `score` None when it was picked by the
    organization's profile because the matcher could not run."""

    need: Need
    score: float | None
    rank: int
    reasons: list[dict]


@dataclass
class OpportunityList:
    items: list[NeedOpportunity]
    source: str  # "matcher" | "profile" (the fallback ranked some of them)


# A need is recommended to an organization that matching suggested for it; one the office
# rejected is not told the need is for it.
SHOWN = (SuggestionStatus.SUGGESTED, SuggestionStatus.CONFIRMED)


def opportunities(
    session: Session, org_id: str, settings: Settings, top_k: int = 20
) -> OpportunityList:
    """Listed needs recommended for an organization, best first, with reasons: the one
    implementation behind the organization's dashboard and `GET /api/v1/opportunities`.

    For a need matching has finished with (`match_status` done), the answer is already written:
    the organization's suggestion for it (score and reasons as the office sees them), unless
    the office rejected it; no suggestion means the matcher ranked others first. Only listed
    needs without results yet are ranked live (the matcher's reverse direction, same features
    and ranker, so scores compare); if the matcher cannot run, those fall back to the
    organization's profile (its categories and service area), newest first."""
    org = session.get(Organization, org_id)
    if org is None:
        raise LookupError(f"no organization {org_id}")
    listed = list(
        session.scalars(
            select(Need)
            .where(Need.status == NeedStatus.LISTED)
            .order_by(Need.listed_at.desc(), Need.id)
        )
    )
    done = {n.id: n for n in listed if n.match_status == "done"}
    items = _precomputed(session, org_id, done)
    waiting = [n for n in listed if n.id not in done]
    source = "matcher"
    if waiting:
        try:
            items += _ranked_live(session, org, waiting, settings, top_k)
        except Exception:  # noqa: BLE001 - no model in a fresh install: the profile still works
            log.exception("opportunity ranking failed for %s; using the profile", org_id)
            session.rollback()  # a read; a failed query must not poison the fallback's
            items += _by_profile(org, waiting)
            source = "profile"
    items.sort(key=lambda o: (o.score is None, -(o.score or 0.0)))  # stable: newest first
    items = items[:top_k]
    for rank, item in enumerate(items, start=1):
        item.rank = rank
    return OpportunityList(items, source)


def _precomputed(session: Session, org_id: str, done: dict[str, Need]) -> list[NeedOpportunity]:
    rows = session.scalars(
        select(Suggestion).where(
            Suggestion.org_id == org_id,
            Suggestion.need_id.in_(list(done)),
            Suggestion.status.in_(SHOWN),
        )
    )
    by_need = {s.need_id: s for s in rows}
    return [
        NeedOpportunity(need, by_need[nid].score, 0, list(by_need[nid].reasons or []))
        for nid, need in done.items()
        if nid in by_need
    ]


def _ranked_live(
    session: Session, org: Organization, needs: list[Need], settings: Settings, top_k: int
) -> list[NeedOpportunity]:
    from catalog.analytics.supply import active_projects
    from matching.adapter import org_record

    matcher = shared_matcher(session, settings)
    record = org_record(org, active_projects(session).get(org.id, 0))
    by_id = {n.id: n for n in needs}
    ranked = matcher.recommend_for_org(record, [need_record(n) for n in needs], top_k)
    return [NeedOpportunity(by_id[o.need_id], o.score, 0, o.reasons) for o in ranked]


def _by_profile(org: Organization, needs: list[Need]) -> list[NeedOpportunity]:
    """Needs of the organization's categories in its service area (the matcher's own two
    conditions of relevance), with the two reasons that say so."""
    cats, areas = set(org.category_names), org.area_codes
    return [
        NeedOpportunity(
            need,
            None,
            0,
            [
                {
                    "kind": "category",
                    "zh": f"服务类别：{need.category_name}",
                    "en": f"category: {need.category_name}",
                },
                {"kind": "area", "zh": "在服务范围内", "en": "within the service area"},
            ],
        )
        for need in needs
        if need.category_name in cats and any(region_contains(a, need.street_code) for a in areas)
    ]


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
