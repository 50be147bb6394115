"""Downloads of the notice board: CSV (spreadsheet-safe) and an OCDS 1.1.5 release package.
Both take the board's filters and carry exactly what the board shows: listed needs and their
confirmed organizations, never account names or contact data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.exchange import safe_cell
from catalog.models import AuditEvent, NeedStatus, PerformanceRecord, Suggestion
from web.access.authz import public
from web.pages.display import STATUS_LABELS, category_label, label, named
from web.platform.database import db_session
from web.public import bp
from web.public.notice import NoticeEntry, NoticeFilter, notice_entries
from web.public.ocds import release_package
from web.public.records import GRADE_LABELS


def _results(entry: NoticeEntry) -> list[tuple[Suggestion, PerformanceRecord]]:
    return [(s, entry.outcomes[s.org_id]) for s in entry.confirmed if s.org_id in entry.outcomes]


def _acceptance_text(org_name: str, result: PerformanceRecord) -> str:
    """One published result (Art. 27) as a cell fragment: grade and satisfaction, no note."""
    return _(
        "%(org)s: %(grade)s, satisfaction %(score)s",
        org=org_name,
        grade=label(GRADE_LABELS, result.evaluation),
        score=f"{result.satisfaction:g}",
    )


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d")


@bp.get("/notice.csv")
@public
def notice_csv():
    entries = notice_entries(db_session(), NoticeFilter.from_args(request.args))
    out = io.StringIO()
    out.write("\ufeff")  # BOM so spreadsheet programs read the Chinese text as UTF-8
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Need ID"),
            _("Title"),
            _("Status"),
            _("District"),
            _("Street / town"),
            _("Service category"),
            _("Posted by"),
            _("Beneficiaries"),
            _("Number of beneficiaries"),
            _("Budget (yuan)"),
            _("Duration (months)"),
            _("Listed on"),
            _("Confirmed organizations"),
            _("Unified social credit codes"),
            _("Acceptance results"),
        ]
    )
    for e in entries:
        n = e.need
        district = n.street.parent if n.street is not None else None
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    n.id,
                    n.title,
                    label(STATUS_LABELS, n.status),
                    named(district),
                    named(n.street),
                    category_label(n),
                    n.posted_by,
                    n.beneficiaries,
                    n.beneficiary_count,
                    n.budget_yuan,
                    n.months,
                    n.listed_at.date().isoformat() if n.listed_at else "",
                    "；".join(s.organization.name for s in e.confirmed),
                    "；".join(s.organization.credit_code for s in e.confirmed),
                    "；".join(_acceptance_text(s.organization.name, r) for s, r in _results(e)),
                )
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=notice-{_stamp()}.csv"},
    )


def _withdrawn(session: Session, entries: list[NoticeEntry]) -> frozenset[str]:
    """Closed needs that were withdrawn from the notice rather than closed after matching:
    the status is the same (`closed`), the audit log tells them apart."""
    closed = [e.need.id for e in entries if e.need.status == NeedStatus.CLOSED]
    if not closed:
        return frozenset()
    rows = session.scalars(
        select(AuditEvent.entity_id).where(
            AuditEvent.entity_type == "need",
            AuditEvent.action == "need.withdraw",
            AuditEvent.entity_id.in_(closed),
        )
    )
    return frozenset(rows)


@bp.get("/notice.ocds.json")
@public
def notice_ocds():
    flt = NoticeFilter.from_args(request.args)
    session = db_session()
    entries = notice_entries(session, flt)
    uri = url_for("public.notice_ocds", _external=True, **flt.as_args())
    base_url = url_for("public.index", _external=True)
    if not entries:
        # OCDS 1.1.5 requires at least one release in a package: say so instead of serving an
        # invalid one.
        return jsonify(
            error={
                "code": "not_found",
                "message": "no listed need matches these filters",
                "message_zh": "没有符合条件的公示需求",
            }
        ), 404
    package = release_package(entries, uri, base_url, _withdrawn(session, entries))
    return Response(
        json.dumps(package, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=notice-{_stamp()}.ocds.json"},
    )
