"""What the need pages show about a need's result notice, its objections and its timeline,
gathered in one place for the office's, the reviewer's and the public page. The rules are the
catalog's (catalog.notices, catalog.permissions, catalog.timeline); this only picks the words
for the reader's language and decides nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from catalog import permissions
from catalog.actors import Actor
from catalog.decisions import active_interests
from catalog.models import Need
from catalog.notices import notice_is_open, objections_for, public_objections, result_notice
from catalog.timeline import need_timeline
from catalog.visibility import visible_suggestions
from web.pages.display import pick
from web.pages.team_proposals import team_cards


@dataclass(frozen=True)
class Step:
    at: Any
    who: str
    text: str
    action: str


def timeline_steps(session: Session, need: Need, public: bool) -> list[Step]:
    """The catalog's timeline in the reader's language (Traditional derived from Simplified)."""
    return [
        Step(e.at, pick(e.who_zh, e.who_en), pick(e.zh, e.en), e.action)
        for e in need_timeline(session, need, public=public)
    ]


def history_context(session: Session, need: Need, viewer: Actor | None) -> dict[str, Any]:
    """Template variables: `result_notice`, `notice_open`, `objections`, `show_contact`,
    `can_answer` and `timeline`. Without a viewer (the public page) only what is public:
    published answers and the public steps."""
    notice = result_notice(session, need.id)
    public = viewer is None
    sees = not public and permissions.allowed(permissions.see_objections, viewer, need)
    objections = objections_for(session, need.id) if sees else public_objections(session, need.id)
    return {
        "result_notice": notice,
        "notice_open": notice_is_open(notice),
        "objections": objections,
        "show_contact": permissions.allowed(permissions.see_objection_contact, viewer, need),
        "can_answer": permissions.allowed(permissions.answer_objection, viewer, need),
        "timeline": timeline_steps(session, need, public),
    }


def staff_need_context(session: Session, need: Need, viewer: Actor) -> dict[str, Any]:
    """What the office's and the reviewer's need pages both show: the need, the suggestions the
    viewer may see, team proposals, the organizations still interested and the history above."""
    return {
        "need": need,
        "suggestions": visible_suggestions(session, need, viewer),
        "teams": team_cards(session, need),
        "interests": active_interests(session, need.id),
        **history_context(session, need, viewer),
    }
