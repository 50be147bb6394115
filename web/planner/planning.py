"""From map to action (issue 16), the web side: the recommended actions and the red flags for one
request's filter and viewer, with the labels the pages and exports show. The pages, the
report, the Excel file and the JSON API all call these two functions, so they agree.

The actions come from `matching.planning.action_service` (computed for the whole city once per catalog
state and cached, then narrowed to the needs in the viewer's scope and filter); the red flags
from `catalog.analytics.red_flags` (plain SQL, cheap, computed on every request)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.analytics import NeedFilter
from catalog.analytics.red_flags import RedFlag, red_flags
from catalog.models import Need, Organization, Region
from matching import facade
from matching.facade import ActionPlan, action_names, cached_plan, narrow


def _build_matcher(session: Session) -> facade.Matcher:
    return facade.build_matcher(session, facade.Settings.from_config(current_app.config))


def visible_need_ids(session: Session, flt: NeedFilter) -> set[str]:
    """The needs a figure may name: the filter's conditions, the viewer's scope included."""
    return set(session.scalars(select(Need.id).where(*flt.conditions())))


def action_plan(session: Session, flt: NeedFilter) -> ActionPlan:
    """The recommended actions in the viewer's scope and filter, best first, with reasons."""
    factory = current_app.config.get("MATCHER_FACTORY")
    plan = cached_plan(session, _build_matcher, build_key=repr(factory))
    return narrow(plan, visible_need_ids(session, flt), action_names(session))


def display_names(session: Session) -> dict[str, str]:
    """Region code or organization id → name, for the red flags' sentences."""
    names = {code: name for code, name in session.execute(select(Region.code, Region.name))}
    names.update(session.execute(select(Organization.id, Organization.name)).tuples().all())
    return names


def flag_list(session: Session, flt: NeedFilter) -> list[RedFlag]:
    return red_flags(session, flt, names=display_names(session))
