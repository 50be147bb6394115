"""The search behind `extend_coverage` and `incubate` actions (see `matching.planning.actions`).

extend_coverage, greedily: for every organization that offers a gap need's unserved service and
has capacity left, propose the streets it could add, nearest first (streets of the districts it
already serves, then of neighbouring districts), taking a street only when all the needs it
would close there still fit in the capacity left. The proposal that closes the most remaining
gap needs wins (ties: nearer, fewer streets, organization id); it is checked, applied to the
working copy of the records, and the proposals it affected are made again. Each organization is
proposed once, so capacity is respected across actions, and the order in which actions are
chosen is their rank: any prefix of the list (the top three, say) closes what it claims.

Why proposals stay valid: the gap rule for a need depends only on the organizations covering
its street, so an action on some streets changes nothing for needs elsewhere.

incubate, afterwards: the gap needs still open, by unserved category and district, where nobody
offers the category or the free capacity within reach is at most half of what is still unmet."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from matching.planning.actions import (
    EXTEND,
    INCUBATE,
    Action,
    GapNeed,
    GapRule,
    apply,
    copy_orgs,
    verify,
)
from matching.records import CITY_CODE, OrgRecord, coverage_level

Neighbours = Mapping[str, frozenset[str]]


@dataclass
class Proposal:
    org_id: str
    streets: list[str]
    closes: list[str]
    tier: int

    def rank_key(self) -> tuple:
        return (-len(self.closes), self.tier, len(self.streets), self.org_id)


def home_districts(org: OrgRecord) -> set[str]:
    """The districts an organization already serves (a street's or the district itself)."""
    return {a[:6] for a in org.areas if len(a) >= 6 and not _is_city(a)}


def _is_city(area: str) -> bool:
    return area == CITY_CODE or (len(area) == 6 and area.endswith("00"))


def reaches(org: OrgRecord, district: str, neighbours: Neighbours) -> bool:
    """Serves the district, a neighbour of it, or the whole city."""
    if any(_is_city(a) for a in org.areas):
        return True
    near = {district} | set(neighbours.get(district, ()))
    return bool(home_districts(org) & near)


def _candidate_streets(
    org: OrgRecord, remaining: Mapping[str, GapNeed], neighbours: Neighbours
) -> dict[str, int]:
    """Street → tier (0 same district, 1 neighbouring district) of the remaining gap needs
    whose unserved service the organization offers, on streets it does not cover yet."""
    home = home_districts(org)
    near = set().union(*(neighbours.get(d, frozenset()) for d in home)) if home else set()
    out: dict[str, int] = {}
    for need in remaining.values():
        if need.category not in org.categories or coverage_level(org.areas, need.street):
            continue
        district = need.street[:6]
        if district in home:
            out[need.street] = 0
        elif district in near:
            out.setdefault(need.street, 1)
    return out


def propose(
    rule: GapRule,
    working: Sequence[OrgRecord],
    org: OrgRecord,
    remaining: Mapping[str, GapNeed],
    capacity: int,
    neighbours: Neighbours,
) -> Proposal | None:
    """The best street set for one organization, or None when it can close nothing."""
    if capacity <= 0:
        return None
    tiers = _candidate_streets(org, remaining, neighbours)
    if not tiers:
        return None
    trial = replace(org, areas=[*org.areas, *sorted(tiers)])
    # Only organizations covering a candidate street matter to the rule for its needs.
    local = [
        o for o in working if o.id != org.id and any(coverage_level(o.areas, s) for s in tiers)
    ]
    needs = [n for n in remaining.values() if n.street in tiers]
    closable: dict[str, list[str]] = defaultdict(list)
    for need, gap in zip(needs, rule.flags([*local, trial], needs), strict=True):
        if not gap:
            closable[need.street].append(need.id)
    streets: list[str] = []
    closes: list[str] = []
    for street in sorted(closable, key=lambda s: (tiers[s], -len(closable[s]), s)):
        if len(closes) + len(closable[street]) <= capacity:
            streets.append(street)
            closes.extend(closable[street])
    if not streets:
        return None
    return Proposal(org.id, sorted(streets), sorted(closes), max(tiers[s] for s in streets))


def extend_coverage(
    rule: GapRule, orgs: Sequence[OrgRecord], needs: Sequence[GapNeed], neighbours: Neighbours
) -> tuple[list[Action], list[OrgRecord], dict[str, int]]:
    """The chosen actions in rank order, the records with all of them applied, and each
    organization's capacity left for further claims."""
    working = copy_orgs(orgs)
    by_id = {o.id: o for o in working}
    remaining = {n.id: n for n in needs}
    capacity = {o.id: o.capacity_left for o in working}
    gap_cats = {n.category for n in needs}
    pool = [o.id for o in working if capacity[o.id] > 0 and gap_cats & set(o.categories)]
    proposals = {
        oid: propose(rule, working, by_id[oid], remaining, capacity[oid], neighbours)
        for oid in pool
    }
    actions: list[Action] = []
    while True:
        live = [p for p in proposals.values() if p is not None]
        if not live:
            break
        best = min(live, key=Proposal.rank_key)
        del proposals[best.org_id]
        action = Action(EXTEND, None, best.closes, best.org_id, best.streets, tier=best.tier)
        action.closes = verify(rule, working, action, remaining)
        if not action.closes:
            continue
        action.category = _main_category(action.closes, remaining)
        action.free_capacity = capacity[best.org_id]
        working = apply(working, action)
        by_id = {o.id: o for o in working}
        capacity[best.org_id] -= len(action.closes)
        for need_id in action.closes:
            del remaining[need_id]
        actions.append(action)
        touched = set(action.add_streets)
        for oid, p in list(proposals.items()):
            if p is None or touched & set(p.streets):
                proposals[oid] = propose(
                    rule, working, by_id[oid], remaining, capacity[oid], neighbours
                )
    return actions, working, capacity


def _main_category(closes: Sequence[str], needs: Mapping[str, GapNeed]) -> str:
    """The unserved service most of the closed needs are about (first seen on a tie)."""
    counts: dict[str, int] = {}
    for need_id in closes:
        cat = needs[need_id].category
        counts[cat] = counts.get(cat, 0) + 1
    return max(counts, key=lambda c: counts[c])


def incubate(
    rule: GapRule,
    working: Sequence[OrgRecord],
    needs: Sequence[GapNeed],
    capacity: Mapping[str, int],
    neighbours: Neighbours,
) -> tuple[list[Action], list[OrgRecord]]:
    """Incubation actions for the needs still gaps on `working` (the extended records)."""
    open_needs = [n for n, gap in zip(needs, rule.flags(working, needs), strict=True) if gap]
    groups: dict[tuple[str, str], list[GapNeed]] = defaultdict(list)
    for need in open_needs:
        groups[(need.category, need.street[:6])].append(need)
    by_id = {n.id: n for n in open_needs}
    actions, result = [], list(working)
    for (category, district), members in sorted(groups.items(), key=_group_order):
        # Supply is judged on the catalog as extended, not on organizations proposed here.
        offering = [o for o in working if category in o.categories]
        free = sum(
            max(0, capacity.get(o.id, o.capacity_left))
            for o in offering
            if reaches(o, district, neighbours)
        )
        if offering and free * 2 > len(members):
            continue  # capacity is not far below demand: not a case for a new organization
        action = Action(INCUBATE, category, sorted(n.id for n in members), district=district)
        action.cause = "low_capacity" if offering else "no_service"
        action.free_capacity = free
        action.closes = verify(rule, result, action, by_id)
        if not action.closes:
            continue
        action.streets = sorted({by_id[i].street for i in action.closes})
        result = apply(result, action)
        actions.append(action)
    return actions, result


def _group_order(item: tuple[tuple[str, str], list[GapNeed]]) -> tuple:
    """Most needs first, then category and district (deterministic)."""
    return (-len(item[1]), item[0])
