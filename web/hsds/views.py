"""The HSDS endpoints: the API meta, then a list and a detail for organizations, services,
service_at_locations, taxonomies and taxonomy_terms. Every list pages (web.hsds.params) and
every detail is found by its HSDS id (a UUID); an unknown id is a JSON 404.

The ten list/detail endpoints are one pair of views over a table of resources (`RESOURCES`):
what differs between them is only how a resource is filtered, shaped and looked up, so the
paging, the 404 and the public mark live once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, g, jsonify, url_for
from werkzeug.wrappers import Response

from catalog.exchange import hsds, hsds_query
from web.access.authz import public
from web.hsds import bp
from web.hsds.openapi import document
from web.hsds.params import paging, query
from web.platform.database import db_session

T = TypeVar("T")


def _directory() -> hsds.Directory:
    """The published directory, read once per request (a list's shape and a detail's lookup
    both use it) and only by the resources that need the database."""
    if "hsds_directory" not in g:
        g.hsds_directory = hsds.Directory.load(db_session())
    return g.hsds_directory


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


@dataclass(frozen=True)
class Resource:
    """One HSDS resource: its list (filtered by the request's query, each item shaped) and its
    detail (looked up among `candidates` by `key`, the HSDS id, then shown in full)."""

    plural: str
    singular: str
    items: Callable[[hsds_query.Query], Sequence[Any]]
    shape: Callable[[Any], Any]
    candidates: Callable[[], Sequence[Any]]
    key: Callable[[Any], str]
    detail: Callable[[Any], Any]


def _sal_pairs() -> Sequence[Any]:
    return hsds_query.service_at_locations(_directory(), hsds_query.Query())


def _terms() -> list[dict]:
    return hsds.taxonomy_terms(_directory().categories)


RESOURCES = (
    Resource(
        "organizations",
        "organization",
        lambda q: hsds_query.organizations(_directory(), q),
        hsds.organization,
        lambda: _directory().organizations,
        lambda o: hsds.hsds_id("organization", o.id),
        lambda o: hsds.organization_detail(_directory(), o),
    ),
    Resource(
        "services",
        "service",
        lambda q: hsds_query.services(_directory(), q),
        hsds.service_item,
        lambda: _directory().services(),
        lambda ref: ref.id,
        lambda ref: hsds.service_detail(_directory(), ref),
    ),
    Resource(
        "service_at_locations",
        "service_at_location",
        lambda q: hsds_query.service_at_locations(_directory(), q),
        lambda pair: hsds.service_at_location_item(_directory(), *pair),
        _sal_pairs,
        lambda pair: hsds.service_at_location(_directory(), *pair)["id"],
        lambda pair: hsds.service_at_location_detail(_directory(), *pair),
    ),
    Resource(
        "taxonomies",
        "taxonomy",
        lambda q: hsds_query.records([hsds.taxonomy()], q),
        dict,
        lambda: [hsds.taxonomy()],
        lambda t: t["id"],
        lambda t: t,
    ),
    Resource(
        "taxonomy_terms",
        "taxonomy_term",
        lambda q: hsds_query.records(_terms(), q),
        dict,
        _terms,
        lambda t: t["id"],
        lambda t: t,
    ),
)


def _register(r: Resource) -> None:
    """`GET /<plural>` (a page of the filtered list) and `GET /<plural>/<item_id>` (one item,
    404 when no item has that id), public, with the endpoint names `hsds.<plural>` and
    `hsds.<singular>`."""

    def listing() -> Response:
        q = query()
        return _page(r.items(q), r.shape)

    def detail(item_id: str) -> Response:
        return jsonify(r.detail(_found(hsds_query.find(r.candidates(), r.key, item_id))))

    listing.__name__, detail.__name__ = r.plural, r.singular
    bp.add_url_rule(f"/{r.plural}", r.plural, public(listing), methods=["GET"])
    bp.add_url_rule(f"/{r.plural}/<item_id>", r.singular, public(detail), methods=["GET"])


for _resource in RESOURCES:
    _register(_resource)
