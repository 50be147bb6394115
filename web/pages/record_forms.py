"""Page forms that add to an organization's record — an acceptance result, a credit entry, an
inspection result — share one shape: run the catalog command, commit, refresh the
organization's entry in the matching index once the commit has happened (the matcher reads the
record as a feature), and on a refusal roll back and show why on the page the form came from.
One function, so the three pages cannot drift apart in how they commit or report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from flask import flash, redirect
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from catalog.actors import Actor
from catalog.errors import DomainError
from web.access.authz import actor
from web.jobs import enqueue_after_commit
from web.pages.display import flash_error
from web.platform.database import db_session
from web.tasks import update_org_index


class OrgRecord(Protocol):
    org_id: str


def add_to_org_record(
    command: Callable[[Session, Actor], OrgRecord],
    *,
    done: str,
    back: str,
    then: str | None = None,
    on_refusal: Callable[[DomainError], None] | None = None,
) -> Response:
    """Run `command`; flash `done` and go to `then` (default `back`), or flash the refusal and
    go `back` (or hand it to `on_refusal`, which shows it with the form instead)."""
    session = db_session()
    try:
        made = command(session, actor())
        queued = enqueue_after_commit(session, update_org_index, made.org_id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        if on_refusal is not None:
            on_refusal(exc)
        else:
            flash_error(exc)
        return redirect(back)
    flash(done, "success")
    if queued.deferred:
        flash(_("Matching will run later."), "info")
    return redirect(then or back)
