"""The team proposals (组团建议) of a gap need as the office and reviewer pages show them:
each member with its current name and, if it is already among the suggestions, that status."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Need, Organization, Suggestion
from catalog.teams import proposals


def team_cards(session: Session, need: Need) -> list[dict]:
    """One dict per proposal: shape, reasons, members (org_id, name, role, reasons, and the
    status and id of its suggestion if it has one) and `open` (some member could still be invited). Members whose organization was deleted
    since matching are left out."""
    teams = proposals(need)
    if not teams:
        return []
    ids = {m.get("org_id") for t in teams for m in t.get("members", [])}
    names = dict(
        session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids)))
        .tuples()
        .all()
    )
    suggested = {
        org_id: (sid, status)
        for org_id, sid, status in session.execute(
            select(Suggestion.org_id, Suggestion.id, Suggestion.status).where(
                Suggestion.need_id == need.id, Suggestion.org_id.in_(ids)
            )
        ).tuples()
    }
    cards = []
    for t in teams:
        members = [
            {
                "org_id": m["org_id"],
                "name": names[m["org_id"]],
                "role": m.get("role", "member"),
                "reasons": m.get("reasons") or [],
                "status": suggested.get(m["org_id"], (None, None))[1],
                "suggestion_id": suggested.get(m["org_id"], (None, None))[0],
            }
            for m in t.get("members", [])
            if m.get("org_id") in names
        ]
        cards.append(
            {
                "shape": t.get("shape"),
                "reasons": t.get("reasons") or [],
                "members": members,
                "open": any(m["status"] is None for m in members),
            }
        )
    return cards
