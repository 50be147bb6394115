"""Inviting a proposed team (组团) for a gap need.

The matcher stores up to three team proposals on a gap need (`Need.team_proposals`, written by
`matching.planning.teams`). Inviting one does not list anybody: each member becomes an ordinary
suggestion in status 'suggested', which the office then confirms or rejects one by one with the
usual rules (`catalog.decisions.decide`). So "nothing is listed until a person confirmed it"
holds for teams exactly as for single organizations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.audit import record
from catalog.chinese import reason
from catalog.errors import NotFound
from catalog.models import Need, Organization, Suggestion, SuggestionStatus
from catalog.opportunities import sync_needs

TEAM_REASON_KIND = "team_invite"  # marks a suggestion that came from an invited team
TEAM_MODEL_VERSION = "team"
ROLE_NAMES = {
    "lead": ("牵头机构", "lead"),
    "partner": ("在地伙伴", "local partner"),
    "member": ("成员", "member"),
}


@dataclass(frozen=True)
class Invitation:
    need_id: str
    team_number: int  # 1-based, as shown to people
    invited: list[str]  # organizations that became suggestions now
    already: list[str]  # members that were suggested (or decided) before; left as they are


def is_team_invite(suggestion: Suggestion) -> bool:
    """Whether a suggestion exists because a person invited a team (re-matching keeps it)."""
    return any(r.get("kind") == TEAM_REASON_KIND for r in suggestion.reasons or [])


def proposals(need: Need) -> list[dict]:
    """The need's stored team proposals ([] when none or not a gap)."""
    return list(need.team_proposals or []) if need.gap else []


def invite_team(session: Session, actor: Actor, need_id: str, team_index: int) -> Invitation:
    """Turn the members of proposal `team_index` (0-based) into suggestions. Idempotent: a
    member already suggested, confirmed or rejected is left as it is; inviting the same team
    twice changes nothing the second time (and writes no second audit event)."""
    need = _decidable_need(session, actor, need_id)
    teams = proposals(need)
    if not 0 <= team_index < len(teams):
        raise NotFound("没有这个组团建议", f"no team proposal {team_index + 1} for this need")
    members = [m for m in teams[team_index].get("members", []) if m.get("org_id")]
    ids = [m["org_id"] for m in members]
    existing = set(
        session.scalars(
            select(Suggestion.org_id).where(
                Suggestion.need_id == need.id, Suggestion.org_id.in_(ids)
            )
        )
    )
    new_members = [m for m in members if m["org_id"] not in existing]
    invited = _suggest_members(session, need, team_index + 1, new_members, ids)
    already = [o for o in ids if o in existing]
    if invited:
        session.flush()
        record(
            session,
            actor,
            "need.invite_team",
            "need",
            need.id,
            team=team_index + 1,
            shape=teams[team_index].get("shape"),
            invited=invited,
            already=already or None,
        )
        sync_needs(session, [need.id])  # invited members see a listed need like suggested ones
    return Invitation(need.id, team_index + 1, invited, already)


def _decidable_need(session: Session, actor: Actor, need_id: str) -> Need:
    """The need, its row locked as matching locks it (an invitation and a re-match never
    interleave), once the actor may decide its suggestions."""
    session.execute(select(Need.id).where(Need.id == need_id).with_for_update())
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound("需求不存在", f"need {need_id} does not exist")
    permissions.require(permissions.decide_suggestions, actor, need)
    return need


def _suggest_members(
    session: Session, need: Need, number: int, members: list[dict], team_ids: list[str]
) -> list[str]:
    """Add a suggestion for each member not suggested before, ranked after the need's existing
    suggestions; members whose organization no longer exists are skipped. Returns their ids."""
    orgs = {
        o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(team_ids)))
    }
    rank = session.scalar(select(func.max(Suggestion.rank)).where(Suggestion.need_id == need.id))
    rank = rank or 0
    invited: list[str] = []
    for m in members:
        org_id = m["org_id"]
        if org_id not in orgs:
            continue
        rank += 1
        others = [orgs[o].name for o in team_ids if o != org_id and o in orgs]
        reason = _team_reason(number, m.get("role", "member"), others)
        session.add(
            Suggestion(
                need_id=need.id,
                org_id=org_id,
                score=0.0,  # not a ranking score: the team, not the organization, fits
                rank=rank,
                reasons=[reason, *(m.get("reasons") or [])],
                # No features: a decision on a team member says little about the pair alone,
                # so retraining (which needs features) leaves it out.
                features={},
                model_version=TEAM_MODEL_VERSION,
                status=SuggestionStatus.SUGGESTED,
            )
        )
        invited.append(org_id)
    return invited


def _team_reason(number: int, role: str, others: list[str]) -> dict:
    zh_role, en_role = ROLE_NAMES.get(role, ROLE_NAMES["member"])
    zh = f"组团建议第 {number} 组的{zh_role}，与{'、'.join(others) or '其他成员'}共同承接"
    en = f"{en_role} of proposed team {number}, together with {', '.join(others) or 'others'}"
    return reason(TEAM_REASON_KIND, zh, en)
