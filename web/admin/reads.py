"""The data access log (catalog.models.reads): who read which non-public record, through which
page, API call or export. Filterable by reader, record, channel and date; newest first, paged.
Opening it is itself recorded, so looking at who looked is on record too."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from catalog.models import ReadChannel, ReadEvent, Role
from web.access.authz import roles_required
from web.access.reads import note_rows, records_read
from web.admin import bp
from web.admin.filtering import distinct_values, log_query
from web.pages.paging import page_number, page_of
from web.platform.database import db_session

PAGE = 100

CHANNEL_LABELS = {
    ReadChannel.PAGE.value: _l("Page"),
    ReadChannel.API.value: _l("API"),
    ReadChannel.EXPORT.value: _l("Export"),
}
# Record types as the read log names them (web.access.reads); an unknown one is shown as its code.
ENTITY_LABELS = {
    "need": _l("Need record"),
    "organization": _l("Social organization"),
    "account": _l("Account"),
    "analytics": _l("Planning statistics"),
    "audit_event": _l("Audit log"),
    "read_event": _l("Data access log"),
    "inspection_draw": _l("Sampled inspections"),
}


@bp.get("/reads")
@roles_required(Role.ADMIN)
@records_read("read_event")
def reads():
    args = request.args
    q = log_query(ReadEvent, args)
    if args.get("channel") in CHANNEL_LABELS:
        q = q.where(ReadEvent.channel == args["channel"])
    page = page_number(args)
    session = db_session()
    events, total, pages = page_of(
        session, q, (ReadEvent.at.desc(), ReadEvent.id.desc()), page, PAGE
    )
    note_rows(len(events))
    entity_types = distinct_values(session, ReadEvent.entity_type)
    return render_template(
        "admin/reads.html",
        events=events,
        total=total,
        page=page,
        pages=pages,
        entity_types=entity_types,
        channels=CHANNEL_LABELS,
        entities=ENTITY_LABELS,
        args=args,
    )
