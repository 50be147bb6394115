"""The public notice (公示) as JSON: listed needs and the organizations a person confirmed for
them. No token needed; nothing personal (who posted, why a suggestion was rejected, which
organizations were suggested but not confirmed) ever appears here."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from catalog.models import Need, PerformanceRecord
from catalog.models.needs import PUBLIC_STATUSES
from catalog.visibility import load_need, public_needs_query
from web.api import bp
from web.api.listing import PAGE_QUERY, paged_list
from web.api.needs import filters
from web.api.query import clean_id, query_text
from web.api.retry import with_db_retry
from web.api.schemas import DISTRICT_CODE, STREET_CODE
from web.api.serialize import public_need
from web.api.spec import doc, q
from web.api.tokens import public_endpoint
from web.pages.word_search import words_clause
from web.platform.database import db_session
from web.public.notice import NoticeEntry, attach_confirmed

PUBLIC_QUERY = [
    q("district", "district code, e.g. 440402", pattern=DISTRICT_CODE),
    q("street", "street/town code", pattern=STREET_CODE),
    q("category", "service subcategory"),
    q("status", "listed | matched | closed", enum=[str(s) for s in PUBLIC_STATUSES]),
    q(
        "q",
        "words (Simplified or Traditional) in the title, description or a category name",
        maxLength=100,
    ),
    *PAGE_QUERY,
]


def _acceptance(result: PerformanceRecord | None) -> dict[str, Any] | None:
    """A published acceptance result: grade, satisfaction and date, never the office's note."""
    if result is None:
        return None
    return {
        "evaluation": result.evaluation,
        "satisfaction": result.satisfaction,
        "accepted_on": result.period_end.isoformat(),
    }


def notice(entry: NoticeEntry) -> dict[str, Any]:
    """One need as the public notice shows it (the same entry the notice page renders)."""
    return {
        **public_need(entry.need),
        "confirmed_organizations": [
            {
                "id": s.org_id,
                "name": s.organization.name,
                "acceptance": _acceptance(entry.outcomes.get(s.org_id)),
            }
            for s in entry.confirmed
        ],
    }


@bp.get("/public/needs")
@public_endpoint
@with_db_retry
@doc(
    "Public notice: listed needs with their confirmed organizations",
    tag="public",
    query=PUBLIC_QUERY,
    response="NoticeNeedPage",
)
def public_needs():
    """Listed needs and confirmed organizations, filterable by district, street and category."""
    session = db_session()
    query = filters(public_needs_query())
    words = query_text("q", 100)
    clause = words_clause(session, words or "")
    if clause is not None:
        query = query.where(clause)
    return paged_list(
        session, query.order_by(Need.id), notice, lambda rows: attach_confirmed(session, rows)
    )


@bp.get("/public/needs/<need_id>")
@public_endpoint
@with_db_retry
@doc("Public notice of one listed need", tag="public", response="NoticeNeed")
def public_need_detail(need_id: str):
    """One listed need with its confirmed organizations and, once the need is closed, each
    one's published acceptance result."""
    session = db_session()
    need = load_need(session, clean_id(need_id), None)  # the public sees listed needs only
    return jsonify(notice(attach_confirmed(session, [need])[0]))
