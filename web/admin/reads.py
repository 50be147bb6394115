"""The data access log (catalog.models.reads): who read which non-public record, through which
page, API call or export. Filterable by reader, record, channel and date; newest first, paged.
Opening it is itself recorded, so looking at who looked is on record too."""

from __future__ import annotations

from flask import render_template, request

from catalog.models import ReadEvent, Role
from web.access.authz import roles_required
from web.access.reads import records_read
from web.admin import bp
from web.admin.filtering import log_page, log_query
from web.admin.labels import CHANNEL_LABELS

PAGE = 100


@bp.get("/reads")
@roles_required(Role.ADMIN)
@records_read("read_event")
def reads():
    args = request.args
    q = log_query(ReadEvent, args)
    if args.get("channel") in CHANNEL_LABELS:
        q = q.where(ReadEvent.channel == args["channel"])
    return render_template(
        "admin/reads.html", channels=CHANNEL_LABELS, **log_page(ReadEvent, q, args, PAGE)
    )
