"""The data access log (catalog.models.reads): who read which non-public record, through which
page, API call or export. Filterable by reader, record, channel and date; newest first, paged.
Opening it is itself recorded, so looking at who looked is on record too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template, request
from sqlalchemy import Select

from catalog.models import ReadEvent
from web.access.reads import flush_spool
from web.admin.filtering import admin_log, log_page
from web.pages.labels import CHANNEL_LABELS

PAGE = 100


def _by_channel(query: Select[Any], args: Mapping[str, str]) -> Select[Any]:
    """A page, API or export read; an unknown channel is no filter."""
    if args.get("channel") in CHANNEL_LABELS:
        return query.where(ReadEvent.channel == args["channel"])
    return query


@admin_log("/reads", "read_event")
def reads():
    """Newest first; reads still in this process's spool are moved in first (other processes'
    follow within READ_LOG_FLUSH_SECONDS)."""
    flush_spool(current_app._get_current_object())  # type: ignore[attr-defined]
    page = log_page(ReadEvent, request.args, PAGE, _by_channel)
    return render_template("admin/reads.html", channels=CHANNEL_LABELS, **page)
