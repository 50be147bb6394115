"""Recommended actions for planners: what to do about the gaps the matcher flagged.

Three kinds (issue 16): `extend_coverage` (an organization that offers the unserved service and
has capacity left adds some streets to its service area), `incubate` (cultivate a new
organization of a service in a district, where nobody offers it or capacity is far below
demand) and `bundle` (similar needs of several streets bought as one joint purchase).

Every `extend_coverage` and `incubate` claim is checked by the code that makes it: the action is
applied to a copy of the catalog's organization records and the matcher's own gap rule
(`matching.ranking.gap.decide_gap`, with the shipped threshold) is run again on the needs it claims; only needs that
really stop being gaps are kept, and an action left with none is dropped. The search itself is
in `matching.planning.coverage_search`, bundles in `matching.planning.bundles`, the texts in
`matching.planning.action_reasons`, the catalog side (loading, caching, scope) in
`matching.planning.action_service`."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from matching.channels.features import OrgTable
from matching.ranking.gap import decide_gap
from matching.ranking.pipeline import Matcher
from matching.records import NeedRecord, OrgRecord

EXTEND, INCUBATE, BUNDLE = "extend_coverage", "incubate", "bundle"
KINDS = (EXTEND, INCUBATE, BUNDLE)


@dataclass
class Action:
    """One recommended action; which fields are filled depends on `kind` (see `as_api`)."""

    kind: str
    category: str | None
    closes: list[str] = field(default_factory=list)  # need ids (extend_coverage, incubate)
    organization_id: str | None = None  # extend_coverage
    add_streets: list[str] = field(default_factory=list)  # extend_coverage
    district: str | None = None  # incubate
    streets: list[str] = field(default_factory=list)  # incubate, bundle
    needs: list[str] = field(default_factory=list)  # bundle
    budget_yuan: int = 0  # bundle: the needs' budgets added up
    shared_terms: list[str] = field(default_factory=list)  # bundle: words the needs share
    tier: int = 0  # extend_coverage: 0 its own district(s) only, 1 a neighbouring one too
    cause: str | None = None  # incubate: no_service | low_capacity
    free_capacity: int = 0  # incubate: free capacity in reach when the action was made
    reason: dict | None = None  # {"kind", "zh", "zh_hant", "en"}, filled by action_reasons

    def need_ids(self) -> list[str]:
        return self.needs if self.kind == BUNDLE else self.closes

    def as_api(self) -> dict:
        """The item of `GET /api/v1/planner/actions`; the keys are a public interface."""
        if self.kind == EXTEND:
            keys = ("kind", "organization_id", "add_streets", "category", "closes", "reason")
        elif self.kind == INCUBATE:
            keys = ("kind", "category", "district", "streets", "closes", "reason")
        else:
            keys = ("kind", "category", "needs", "streets", "budget_yuan", "reason")
        return {k: getattr(self, k) for k in keys}


@dataclass
class ActionPlan:
    """The actions, best first, and what the check found: how many gap needs the search started
    from, how many closures the search claimed and how many rerunning the gap rule confirmed."""

    actions: list[Action]
    gap_ids: list[str] = field(default_factory=list)  # needs the gap rule flags, sorted
    claimed_ids: list[str] = field(default_factory=list)  # closures the search claimed
    verified_ids: list[str] = field(default_factory=list)  # of those, confirmed by the rule
    streets_of: dict[str, str] = field(default_factory=dict)  # need id → street, every need named
    budgets_of: dict[str, int] = field(default_factory=dict)  # need id → budget (bundles)
    degraded: bool = False  # the shipped classifier could not be loaded (action_service)
    # Set by the reader of a stored plan (matching.planning.stored_plan), never stored:
    computed_at: dt.datetime | None = None  # when a worker computed it; None: none yet
    pending: bool = False  # a newer plan is being computed (or the first one is)

    @property
    def gap_needs(self) -> int:
        return len(self.gap_ids)

    @property
    def claimed(self) -> int:
        return len(self.claimed_ids)

    @property
    def verified(self) -> int:
        return len(self.verified_ids)

    def of_kind(self, kind: str) -> list[Action]:
        return [a for a in self.actions if a.kind == kind]


@dataclass
class GapNeed:
    """A need the gap rule flags, with the category probabilities the matcher gave it and the
    unserved category its gap reason is about."""

    record: NeedRecord
    probs: np.ndarray
    category: str
    reason: str

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def street(self) -> str:
        return self.record.street


class GapRule:
    """The matcher's gap rule over any list of organization records.

    A shallow copy of the matcher with another organization table runs `matching.ranking.gap.decide_gap` itself,
    threshold and all, so what the planner is promised is what the next matching run decides.
    The rule for a need looks only at organizations that cover its street, so callers may pass
    just those (the search does, for speed); the final checks pass every record."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def flags(self, orgs: Sequence[OrgRecord], needs: Sequence[GapNeed]) -> list[bool]:
        """Whether each need is still a gap with these organizations."""
        if not needs:
            return []
        trial = copy.copy(self.matcher)
        trial.table = OrgTable(orgs, self.matcher.cat_names)
        threshold = trial.config.gap_threshold
        return [decide_gap(trial.table, n.street, n.probs, threshold).gap for n in needs]


def find_gap_needs(matcher: Matcher, orgs: Sequence[OrgRecord], records: Sequence[NeedRecord]):
    """The records the gap rule flags with these organizations, each with its probabilities and
    unserved category (needs the matcher would screen as prohibited are never gaps: the caller
    passes only needs the last matching run flagged)."""
    if not records:
        return []
    probs, _, _ = matcher.category_probs(records)
    trial = copy.copy(matcher)
    trial.table = OrgTable(orgs, matcher.cat_names)
    out = []
    for i, record in enumerate(records):
        decision = decide_gap(trial.table, record.street, probs[i], trial.config.gap_threshold)
        gap, reason, j = decision.gap, decision.reason, decision.category
        if gap:
            j = int(np.argmax(probs[i])) if j is None else j
            out.append(GapNeed(record, probs[i], str(matcher.cat_names[j]), reason or "no_service"))
    return out


def copy_orgs(orgs: Iterable[OrgRecord]) -> list[OrgRecord]:
    """Records the search may change without touching the caller's (areas are lists)."""
    return [replace(o, areas=list(o.areas), categories=list(o.categories)) for o in orgs]


def apply(orgs: Sequence[OrgRecord], action: Action) -> list[OrgRecord]:
    """A copy of `orgs` with the action carried out: the organization serves the added streets,
    or a new organization of the category serves the district (with room for every need)."""
    out = copy_orgs(orgs)
    if action.kind == EXTEND:
        for o in out:
            if o.id == action.organization_id:
                o.areas.extend(s for s in action.add_streets if s not in o.areas)
    elif action.kind == INCUBATE and action.category and action.district:
        out.append(incubated_org(action.category, action.district, len(action.closes)))
    return out


def incubated_org(category: str, district: str, capacity: int) -> OrgRecord:
    """The organization an `incubate` action proposes to cultivate, as the gap rule sees it."""
    return OrgRecord(
        id=f"incubate:{category}:{district}",
        name="",
        description="",
        categories=[category],
        areas=[district],
        capacity=max(1, capacity),
    )


def verify(
    rule: GapRule, orgs: Sequence[OrgRecord], action: Action, needs: dict[str, GapNeed]
) -> list[str]:
    """The needs of `action.closes` that are no longer gaps once the action is applied to a
    copy of `orgs` (every record: the full rule, not the search's shortcut)."""
    claimed = [needs[i] for i in action.closes if i in needs]
    flags = rule.flags(apply(orgs, action), claimed)
    return [n.id for n, gap in zip(claimed, flags, strict=True) if not gap]
