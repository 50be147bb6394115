"""The HSDS endpoints: the API meta, then a list and a detail for organizations, services,
service_at_locations, taxonomies and taxonomy_terms. Every list pages (web.hsds.params) and
every detail is found by its HSDS id (a UUID); an unknown id is a JSON 404."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import abort, jsonify, url_for
from werkzeug.wrappers import Response

from catalog.exchange import hsds, hsds_query
from web.access.authz import public
from web.hsds import bp
from web.hsds.openapi import document
from web.hsds.params import paging, query
from web.platform.database import db_session

T = TypeVar("T")


def _directory() -> hsds.Directory:
    return hsds.Directory.load(db_session())


def _page(items: Sequence[T], shape: Callable[[T], Any]) -> Response:
    p = paging()
    return jsonify(hsds_query.page(items, p.number, p.size, shape))


def _found(item: T | None) -> T:
    if item is None:
        abort(404)
    return item


@bp.get("/")
@public
def meta() -> Response:
    """What this API is: its HSDS version and where its OpenAPI document is."""
    return jsonify(
        version=hsds.HSDS_VERSION,
        openapi_url=url_for("hsds.openapi_document", _external=True),
    )


@bp.get("/openapi.json")
@public
def openapi_document() -> Response:
    return jsonify(document())


@bp.get("/organizations")
@public
def organizations() -> Response:
    q, d = query(), _directory()
    return _page(hsds_query.organizations(d, q), hsds.organization)


@bp.get("/organizations/<item_id>")
@public
def organization(item_id: str) -> Response:
    d = _directory()
    org = hsds_query.find(d.organizations, lambda o: hsds.hsds_id("organization", o.id), item_id)
    return jsonify(hsds.organization_detail(d, _found(org)))


@bp.get("/services")
@public
def services() -> Response:
    q, d = query(), _directory()
    return _page(hsds_query.services(d, q), hsds.service_item)


@bp.get("/services/<item_id>")
@public
def service(item_id: str) -> Response:
    d = _directory()
    ref = hsds_query.find(d.services(), lambda s: s.id, item_id)
    return jsonify(hsds.service_detail(d, _found(ref)))


@bp.get("/service_at_locations")
@public
def service_at_locations() -> Response:
    q, d = query(), _directory()
    return _page(
        hsds_query.service_at_locations(d, q),
        lambda pair: hsds.service_at_location_item(d, *pair),
    )


@bp.get("/service_at_locations/<item_id>")
@public
def service_at_location(item_id: str) -> Response:
    d = _directory()
    pairs = hsds_query.service_at_locations(d, hsds_query.Query())
    pair = hsds_query.find(pairs, lambda p: hsds.service_at_location(d, *p)["id"], item_id)
    return jsonify(hsds.service_at_location_detail(d, *_found(pair)))


@bp.get("/taxonomies")
@public
def taxonomies() -> Response:
    q = query()
    return _page(hsds_query.records([hsds.taxonomy()], q), dict)


@bp.get("/taxonomies/<item_id>")
@public
def taxonomy(item_id: str) -> Response:
    return jsonify(_found(hsds_query.find([hsds.taxonomy()], lambda t: t["id"], item_id)))


@bp.get("/taxonomy_terms")
@public
def taxonomy_terms() -> Response:
    q, d = query(), _directory()
    return _page(hsds_query.records(hsds.taxonomy_terms(d.categories), q), dict)


@bp.get("/taxonomy_terms/<item_id>")
@public
def taxonomy_term(item_id: str) -> Response:
    terms = hsds.taxonomy_terms(_directory().categories)
    return jsonify(_found(hsds_query.find(terms, lambda t: t["id"], item_id)))
