"""Recording who read non-public data (the read log, catalog.models.reads).

A view that shows non-public data says so next to its access rule::

    @bp.get("/needs/<need_id>")
    @roles_required(Role.OFFICE, Role.ADMIN)
    @records_read("need", id_arg="need_id")
    def need(need_id): ...

and one after-request hook (`init_app`) writes the record. Views of packages owned by others
are declared here by endpoint (`READS_BY_ENDPOINT`); views that show nothing non-public are
listed with a reason in `NOT_RECORDED`. tests/web/test_reads.py walks the URL map and fails on
any signed-in GET route that is in neither, so a new page cannot silently escape the log.

What is recorded: only GET requests that answered 2xx, by a signed-in account (pages) or an API
token — a refused, failed or redirected request showed nothing. Public routes are never marked
(the notice board and its downloads are public by law, and anonymous readers have no name).

Transactions: the record is written in its own short transaction, never in the request's. A GET
does not commit (web.platform.database rolls back at teardown), so committing the request's session to
save the record could persist whatever a view left in it; instead the hook first ends the
request's transaction — a rollback, which is what teardown would do anyway, and which releases
SQLite's read lock — then, on the same session and connection (no second pool checkout, no
unit of work: one Core INSERT, issue 14's profile found the separate session per request
costly), writes the record in a transaction of its own that commits or rolls back whole.

With a spool (`READ_LOG_SPOOL_DIR`; on by default on PostgreSQL outside tests, see
`spool_directory` and web.access.read_spool), the record is instead one append to this process's crash-safe spool
file, moved into the table in batches by a flusher: no database round trip on the read path,
and nothing lost if the process dies.

A failure to record fails the read (503, logged): for a government audit trail "every disclosure
of non-public data is on record" must hold without exception, so the platform would rather not
answer than answer off the record. The response has been built but not yet sent when the hook
runs, so nothing of it reaches the client.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, render_template, request
from flask_login import current_user
from sqlalchemy import insert
from werkzeug.exceptions import ServiceUnavailable

from catalog.actors import Actor
from catalog.models import ReadChannel, ReadEvent
from web.platform.database import db_session

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

READ_SPEC_ATTR = "read_spec"
MAX_QUERY = 500


@dataclass(frozen=True)
class ReadSpec:
    """What a view discloses: a record of `entity_type` named by the route argument `id_arg`,
    or (without one) a list; `export` when it hands over a file."""

    entity_type: str
    id_arg: str | None = None
    export: bool = False


def records_read(
    entity_type: str, id_arg: str | None = None, *, export: bool = False
) -> Callable[[F], F]:
    """Declare that a view shows non-public data, so its successful GETs are recorded.

    Put it below the access decorator (`roles_required` / `token_required`): their
    `functools.wraps` copies the mark onto the registered view."""
    spec = ReadSpec(entity_type, id_arg, export)

    def decorate(view: F) -> F:
        setattr(view, READ_SPEC_ATTR, spec)
        return view

    return decorate


# Views of other packages (the planner's), declared here by endpoint so their modules need not
# change; a `records_read` mark on the view itself takes precedence.
READS_BY_ENDPOINT: dict[str, ReadSpec] = {
    "planner.export": ReadSpec("analytics", export=True),
    "planner.needs": ReadSpec("need"),
    "planner.emerging": ReadSpec("need"),
    "planner.printable": ReadSpec("analytics"),
    "planner_api.gaps": ReadSpec("analytics"),
    "planner_api.gap_needs": ReadSpec("need"),
}

# Signed-in GET routes that disclose nothing non-public (or only the caller's own data), with
# why. Anything neither recorded nor listed here fails tests/web/test_reads.py.
NOT_RECORDED: dict[str, str] = {
    "public.home": "redirects to the role's start page; shows nothing",
    "office.new_need": "an empty form",
    "admin.new_account": "an empty form",
    "org.index": "the organization's own dashboard: listed (public) needs and its own interests",
    "org.profile": "the organization's own profile",
    "account.index": "the signed-in person's own account",
    "inbox.index": "the signed-in person's own notifications",
    "api.notifications": "the caller's own notifications",
    "api.opportunities": "the organization's own recommendations among listed (public) needs",
    "planner.index": "aggregate figures per district and street; no individual record",
    "planner.gaps": "aggregate figures per region and category; no individual record",
    "planner.supply": "aggregate figures per street and category; no individual record",
    "planner.fairness": "aggregate figures per organization profile band; no individual record",
    "planner.geojson": "district boundaries bundled with the code",
}


def spec_for(endpoint: str | None, view: Callable[..., Any] | None) -> ReadSpec | None:
    """The read declaration of a view (its own mark first, then this module's table)."""
    spec = getattr(view, READ_SPEC_ATTR, None) if view is not None else None
    if spec is None and endpoint is not None:
        spec = READS_BY_ENDPOINT.get(endpoint)
    return spec


def note_rows(count: int) -> None:
    """Tell the read log how many rows a list or export disclosed (optional; cheap counts only)."""
    g.read_rows = count


def _reader() -> Actor | None:
    """The API token's actor (token_required sets g.actor), else the signed-in account."""
    actor = g.get("actor")
    if isinstance(actor, Actor):
        return actor
    if current_user.is_authenticated:
        return current_user.actor
    return None


def _channel(spec: ReadSpec, view: Callable[..., Any] | None) -> ReadChannel:
    if spec.export:
        return ReadChannel.EXPORT
    if getattr(view, "auth_kind", None) == "token":
        return ReadChannel.API
    return ReadChannel.PAGE


def _clip(value: object, size: int) -> str | None:
    return None if value is None or value == "" else str(value)[:size]


def _event(spec: ReadSpec, view: Callable[..., Any] | None, who: Actor) -> dict[str, Any]:
    """The read_event row's values."""
    entity_id = (request.view_args or {}).get(spec.id_arg) if spec.id_arg else None
    query = request.query_string.decode("utf-8", "replace") or None
    return dict(
        at=dt.datetime.now(dt.UTC),
        actor=who.username[:64],
        actor_role=str(who.role)[:16],
        entity_type=spec.entity_type,
        entity_id=_clip(entity_id, 64),
        channel=_channel(spec, view).value,
        endpoint=(request.endpoint or "")[:80],
        method=request.method,
        query=query[:MAX_QUERY] if query else None,
        rows=g.get("read_rows"),
        client_addr=_clip(request.remote_addr, 45),
        request_id=_clip(g.get("request_id"), 32),
    )


def write(event: dict[str, Any]) -> None:
    """End the request's own (uncommitted, read-only) transaction, then commit the record alone
    on the same session: a rollback, one INSERT, a commit."""
    session = db_session()
    session.rollback()
    try:
        session.execute(insert(ReadEvent).values(**event))
        session.commit()
    except Exception:
        session.rollback()
        raise


def store(event: dict[str, Any]) -> None:
    """Put the read on record: through the spool when one is configured, else `write`."""
    spool = current_app.extensions.get("read_spool")
    if spool is not None:
        spool.append(event)
    else:
        write(event)


def flush_spool(app: Flask) -> None:
    """Move what this process (and any dead one) spooled into the table now, for readers of
    the log that must see the latest reads (the admin page); no-op without a spool."""
    spool = app.extensions.get("read_spool")
    if spool is not None:
        db_session().rollback()  # a GET's read transaction; SQLite would block the move on it
        spool.flush()


def _refusal() -> Response:
    """503 instead of data that could not be put on record."""
    if request.path.startswith("/api/"):
        from web.api.errors import error_response

        return error_response(
            503,
            "read_not_recorded",
            "the read could not be recorded in the access log; retry later",
            "无法记录本次查阅，请稍后再试",
            headers={"Retry-After": "5"},
        )
    try:
        body = render_template("error.html", error=ServiceUnavailable())
        response = current_app.make_response((body, 503))
    except Exception:  # noqa: BLE001 - the refusal itself must not fail
        response = current_app.make_response(
            ("503 服务暂时不可用，请稍后再试 / Service temporarily unavailable", 503)
        )
        response.mimetype = "text/plain"
    response.headers["Retry-After"] = "5"
    return response


def record_read(response: Response) -> Response:
    """After-request hook: put a successful GET of a marked view on record (see module doc)."""
    if request.method != "GET" or not 200 <= response.status_code < 300:
        return response
    view = current_app.view_functions.get(request.endpoint or "")
    spec = spec_for(request.endpoint, view)
    if spec is None:
        return response
    who = _reader()
    if who is None:  # cannot happen behind roles_required / token_required; nothing to name
        log.warning("read of %s without a signed-in reader was not recorded", request.endpoint)
        return response
    try:
        store(_event(spec, view, who))
    except Exception:  # noqa: BLE001 - any failure: refuse the read, never answer unrecorded
        log.exception(
            "could not record a read of %s by %s; the response was withheld",
            request.endpoint,
            who.username,
        )
        return _refusal()
    return response


def spool_directory(app: Flask) -> str | None:
    """READ_LOG_SPOOL_DIR; unset, a folder of the instance named after the database (a spool
    left by one database's processes must never be moved into another's), none under TESTING
    and none by default on SQLite: SQLite serializes writers with file locks, so a flusher
    thread committing beside request threads that hold read locks deadlocks them ("database is
    locked"), and the commit per read the spool saves is a PostgreSQL-scale cost anyway."""
    directory = app.config.get("READ_LOG_SPOOL_DIR")
    sqlite = str(app.config["DATABASE_URL"]).startswith("sqlite")
    if directory is None and not app.testing and not sqlite:
        url = str(app.config["DATABASE_URL"]).encode("utf-8")
        directory = os.path.join(
            app.instance_path, "read-spool", hashlib.sha256(url).hexdigest()[:16]
        )
    return directory or None


def init_app(app: Flask) -> None:
    """Register the hook. After-request hooks run newest first, so register this after the
    security headers (web.platform.security) for them to apply to a refusal too.

    With a spool directory, files left by processes that died are moved now (recovery)."""
    directory = spool_directory(app)
    if directory:
        from web.access.read_spool import ReadSpool

        spool = ReadSpool(
            directory,
            app.extensions["db"].engine,
            interval=float(app.config.get("READ_LOG_FLUSH_SECONDS") or 1.0),
            fsync=bool(app.config.get("READ_LOG_FSYNC")),
        )
        app.extensions["read_spool"] = spool
        try:
            spool.flush()
        except Exception:  # noqa: BLE001 - the database may be starting; the flusher retries
            log.exception("read spool: recovery at start failed; the flusher will retry")
    app.after_request(record_read)
