"""Read-only API of the records the reviewer and office pages keep: an organization's credit
archive and acceptance results, a need's acceptance results, and sampled inspections. The role
rules are the pages' (web/reviewer, web/org, web/office): reviewers and admins read any
organization's archive and history, an organization its own; a need's results are read by
the office of its street, reviewers of its area and admins; inspections by reviewers of the
draw's area and admins. Everything here is non-public, so every read is on record."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import g, jsonify
from sqlalchemy import select

from catalog.credit import CREDIT_KINDS, credit_archive
from catalog.inspections import load_draw, visible_draws
from catalog.models import (
    CreditEvent,
    InspectionDraw,
    InspectionItem,
    Need,
    Organization,
    PerformanceRecord,
    Role,
)
from catalog.outcomes import performance_history
from web.api.errors import ApiError
from web.api.listing import item_list
from web.api.query import clean_id, int_id
from web.api.routes import operation
from web.api.serialize import iso
from web.platform.database import db_session


def _record(
    rule: str,
    summary: str,
    response: str,
    *,
    roles: tuple[Role, ...],
    reads: str,
    id_arg: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A GET of one kind of record: put on record, retried, described under `records`."""
    return operation(
        "GET",
        rule,
        summary,
        roles=roles,
        reads=reads,
        id_arg=id_arg,
        tag="records",
        response=response,
    )


# An organization's archive and history: reviewers, admins and the organization itself.
_org_record = partial(
    _record,
    roles=(Role.REVIEWER, Role.ADMIN, Role.ORGANIZATION),
    reads="organization",
    id_arg="org_id",
)
_draw_record = partial(_record, roles=(Role.REVIEWER, Role.ADMIN), reads="inspection_draw")


def credit_json(e: CreditEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "organization_id": e.org_id,
        "date": e.date.isoformat(),
        "kind": e.kind,
        "kind_zh": CREDIT_KINDS.get(e.kind, (e.kind, e.kind))[0],
        "source": e.source,
        "note": e.note,
    }


def outcome_json(r: PerformanceRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "organization_id": r.org_id,
        "organization_name": r.organization.name,
        "need_id": r.need_id,
        "project": r.project,
        "accepted_on": r.period_end.isoformat(),
        "satisfaction": r.satisfaction,
        "evaluation": r.evaluation,
        "note": r.note,
    }


def draw_json(d: InspectionDraw) -> dict[str, Any]:
    return {
        "id": d.id,
        "drawn_at": iso(d.drawn_at),
        "drawn_by": d.drawn_by,
        "scope": d.scope,
        "rate": d.rate,
        "seed": str(d.seed),
        "population_size": len(d.population),
        "drawn": len(d.items),
        "recorded": sum(1 for i in d.items if i.result is not None),
    }


def item_json(i: InspectionItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "need_id": i.need_id,
        "organization_id": i.org_id,
        "organization_name": i.organization.name,
        "result": i.result,
        "note": i.note,
        "inspected_by": i.inspected_by,
        "inspected_on": i.inspected_on.isoformat() if i.inspected_on else None,
        "credit_event_id": i.credit_event_id,
    }


def _own_or_reviewer(org_id: str) -> Organization:
    """The organization, if the caller may read its records (reviewers and admins: any; an
    organization: itself)."""
    if g.actor.role == Role.ORGANIZATION and not g.actor.is_org(org_id):
        raise ApiError(
            403, "not_allowed", "只能查看本组织的记录", "an organization reads its own records only"
        )
    key = clean_id(org_id)
    org = db_session().get(Organization, key) if key else None
    if org is None:
        raise ApiError(404, "not_found", "社会组织不存在", f"no organization {org_id!r}")
    return org


@_org_record(
    "/organizations/<org_id>/credit", "An organization's credit archive", "CreditEntryList"
)
def organization_credit(org_id: str):
    """The credit archive, newest first (reviewers, admins, the organization itself)."""
    return item_list(credit_archive(db_session(), _own_or_reviewer(org_id).id), credit_json)


@_org_record(
    "/organizations/<org_id>/outcomes", "An organization's acceptance results", "OutcomeList"
)
def organization_outcomes(org_id: str):
    """Acceptance results and imported performance history, newest first."""
    return item_list(performance_history(db_session(), _own_or_reviewer(org_id).id), outcome_json)


@_record(
    "/needs/<need_id>/outcomes",
    "Acceptance results recorded for a need",
    "OutcomeList",
    roles=(Role.OFFICE, Role.REVIEWER, Role.ADMIN),
    reads="need",
    id_arg="need_id",
)
def need_outcomes(need_id: str):
    """The results the posting office recorded, one per confirmed organization (the office of
    the need's street, reviewers of its area, admins)."""
    session = db_session()
    key = clean_id(need_id)
    need = session.get(Need, key) if key else None
    if need is None or not g.actor.covers_street(need.street_code):
        raise ApiError(404, "not_found", "需求不存在", f"no need {need_id!r} in your scope")
    rows = session.scalars(
        select(PerformanceRecord)
        .where(PerformanceRecord.need_id == need.id)
        .order_by(PerformanceRecord.period_end.desc(), PerformanceRecord.id.desc())
    ).all()
    return item_list(rows, outcome_json)


@_draw_record("/inspections", "Sampled inspection draws of the caller's area", "InspectionDrawList")
def inspection_draws():
    """Draws of the reviewer's area (a city reviewer also sees the districts'), newest first."""
    return item_list(visible_draws(db_session(), g.actor), draw_json)


@_draw_record(
    "/inspections/<int:draw_id>",
    "One inspection draw with its projects",
    "InspectionDrawDetail",
    id_arg="draw_id",
)
def inspection_draw(draw_id: int):
    """A draw with its whole population (to recompute the sample) and each drawn project."""
    key = int_id(draw_id)
    if key is None:
        raise ApiError(404, "not_found", "抽查批次不存在", f"no inspection draw {draw_id}")
    d = load_draw(db_session(), g.actor, key)
    return jsonify(
        **draw_json(d),
        population=[{"need_id": n, "organization_id": o} for n, o in d.population],
        items=[item_json(i) for i in d.items],
    )
