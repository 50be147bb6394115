"""The route of a need's own work page, the office's and the reviewer's alike: at
/needs/<need_id> of the blueprint, for the given roles, on record as a read of that need, and
handed the need already loaded within the viewer's scope (404 otherwise, web.access.authz)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint

from catalog.models import Need, Role
from web.access.authz import need_in_scope, roles_required
from web.access.reads import records_read


def need_page(bp: Blueprint, *roles: Role) -> Callable[[Callable[[Need], Any]], Callable[..., Any]]:
    """Register `view(need)` as the blueprint's page of one need."""

    def decorate(view: Callable[[Need], Any]) -> Callable[..., Any]:
        @wraps(view)
        def page(need_id: str) -> Any:
            return view(need_in_scope(need_id))

        recorded = records_read("need", id_arg="need_id")(page)
        return bp.get("/needs/<need_id>")(roles_required(*roles)(recorded))

    return decorate
