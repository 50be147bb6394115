"""One decorator for an API operation's usual stack: the route, the token check, the record of
non-public reads, the retry on a lost database connection and the OpenAPI description. The
order is the one every view used by hand (route outermost, `doc` innermost), so the checks run
as before: authentication first, then the declared query parameters."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from catalog.models import Role
from web.access.reads import records_read
from web.api import bp
from web.api.retry import with_db_retry
from web.api.spec import doc
from web.api.tokens import token_required

F = TypeVar("F", bound=Callable[..., Any])


def operation(
    method: str,
    rule: str,
    summary: str,
    *,
    roles: tuple[str | Role, ...] = (),
    reads: str | None = None,
    id_arg: str | None = None,
    retry: bool = True,
    **described: Any,
) -> Callable[[F], F]:
    """Register `view` at `rule` for `method`, for a token holder of one of `roles` (any role
    when empty); `reads` names the record type whose successful reads go on record."""

    def decorate(view: F) -> F:
        wrapped = doc(summary, **described)(view)
        if retry:
            wrapped = with_db_retry(wrapped)
        if reads is not None:
            wrapped = records_read(reads, id_arg=id_arg)(wrapped)
        wrapped = token_required(*roles)(wrapped)
        bp.route(rule, methods=[method])(wrapped)
        return wrapped

    return decorate


def read_one(rule: str, summary: str, *, reads: str, **described: Any) -> Callable[[F], F]:
    """A GET of one record (or something of it) found by the rule's last variable (`<need_id>`,
    `<int:draw_id>`); the read is put on record under that id."""
    id_arg = re.findall(r"<(?:[^:>]*:)?([^>]+)>", rule)[-1]
    return operation("GET", rule, summary, reads=reads, id_arg=id_arg, **described)


def need_read(rule: str, summary: str, **described: Any) -> Callable[[F], F]:
    """A GET of something of one need (its interests, objections, timeline) for the staff who
    work on it: offices, reviewers and admins, on record as a read of that need."""
    staff = (Role.OFFICE, Role.REVIEWER, Role.ADMIN)
    return read_one(rule, summary, reads="need", roles=staff, tag="needs", **described)
