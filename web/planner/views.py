"""Planner pages. Every page reads the request's filter (region, category, status, period)
and the viewer's scope through `params.need_filter`, and renders `tables.Table`s, so each page
can be exported as it is shown."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.actors import region_contains
from catalog.analytics import ALL_STATUSES, NeedFilter, gap_table, region_figures, totals
from catalog.models import Region
from web.access.authz import roles_required
from web.pages.labels import GAP_LABELS as REASONS
from web.pages.labels import LEVELS, METRICS
from web.pages.labels import STATUS_LABELS as STATUSES
from web.planner import bp
from web.planner import tables as T
from web.planner.export import CSV_MIME, XLSX_MIME, to_csv, to_xlsx
from web.planner.labels import Names
from web.planner.params import metric, need_filter, query_args
from web.platform.database import db_session

PLANNERS = ("planner", "admin")
GEOJSON = "zhuhai_districts.geojson"


@bp.app_template_filter("planner_without")
def _without(args: dict, key: str) -> dict:
    return {k: v for k, v in args.items() if k != key}


@bp.app_template_filter("planner_merge")
def _merge(args: dict, link: dict) -> dict:
    """A row's link narrows the current filter; a street link replaces the district."""
    out = dict(args)
    if "street" in link:
        out.pop("district", None)
    out.update(link)
    return out


def _context(flt: NeedFilter, names: Names, **extra) -> dict:
    """What the shared layout needs: the filter form's options and current values."""
    session = db_session()
    districts = session.scalars(
        select(Region.code).where(Region.level == "district").order_by(Region.code)
    )
    scope = flt.scope
    visible = [d for d in districts if not scope or region_contains(scope, d)]
    return {
        "flt": flt,
        "args": query_args(flt),
        "names": names,
        "districts": visible,
        "categories": names.category_order,
        "statuses": [(s, STATUSES[s]) for s in ALL_STATUSES],
        "status_value": query_args(flt).get("status", ""),
        **extra,
    }


def _filter() -> tuple[NeedFilter, Names]:
    return need_filter(request.args, current_user.actor), Names(db_session())


def _geo_figures(flt: NeedFilter, names: Names) -> dict:
    """The map's data: per district (keyed by the GeoJSON feature name) and per street."""
    session = db_session()
    districts = region_figures(session, flt, "district")
    streets = gap_table(session, flt, "street", by_category=False)
    geo_names = {c: n for c, n in session.execute(select(Region.code, Region.name))}

    def fig(r, code: str) -> dict:
        return {
            "code": code,
            "label": names.region(code),
            "needs": r.needs if r else 0,
            "matched": r.matched if r else 0,
            "unmet": r.unmet if r else 0,
            "pending": r.pending if r else 0,
            "unmet_budget": r.unmet_budget_yuan if r else 0,
            "unmet_beneficiaries": r.unmet_beneficiaries if r else 0,
            "reasons": dict(r.reasons) if r else {},
        }

    codes = session.scalars(
        select(Region.code).where(Region.level == "district").order_by(Region.code)
    )
    return {
        "districts": [
            {"name": geo_names.get(c, c), **fig(districts.get(c), c)}
            for c in codes
            if not flt.scope or region_contains(flt.scope, c)
        ],
        "streets": [fig(s, s.region) for s in streets],
    }


@bp.get("/")
@roles_required(*PLANNERS)
def index():
    flt, names = _filter()
    chosen = metric(request.args)
    args = query_args(flt)
    data = _geo_figures(flt, names)
    data["metric"] = chosen
    data["metric_label"] = str(METRICS[chosen])
    data["labels"] = {
        "needs": _("Needs"),
        "matched": _("Matched"),
        "unmet": _("Unmet"),
        "pending": _("Pending"),
        "unmet_budget": _("Unmet budget (yuan)"),
        "unmet_beneficiaries": _("Unmet beneficiaries"),
        "reasons": {k: str(v) for k, v in REASONS.items()},
        "show_needs": _("Show the unmet needs"),
        "show_gaps": _("Gap table for this district"),
        "streets_of": _("Streets and towns of this district"),
    }
    data["links"] = {
        "needs": url_for("planner.needs", **{k: v for k, v in args.items() if k != "district"}),
        "gaps": url_for("planner.gaps", **{k: v for k, v in args.items() if k != "district"}),
    }
    regions = T.regions_table(db_session(), flt, names)
    headline = totals(gap_table(db_session(), flt, "district", by_category=False))
    return render_template(
        "planner/index.html",
        **_context(
            flt, names, table=regions, data=data, metric=chosen, metrics=METRICS, page="map"
        ),
        headline=headline,
        geojson_url=url_for("planner.geojson"),
    )


@bp.get("/geo/districts.geojson")
@roles_required(*PLANNERS)
def geojson():
    """Zhuhai's district boundaries, bundled with the catalog: no tile server, no CDN."""
    text = resources.files("catalog.data").joinpath(GEOJSON).read_text("utf-8")
    resp = Response(text, mimetype="application/geo+json")
    resp.cache_control.private = True
    resp.cache_control.max_age = 3600
    return resp


@bp.get("/gaps")
@roles_required(*PLANNERS)
def gaps():
    flt, names = _filter()
    level = request.args.get("level", "street")
    level = level if level in ("street", "district") else "street"
    table = T.gaps_table(db_session(), flt, names, level)
    return render_template(
        "planner/table.html",
        **_context(flt, names, table=table, level=level, levels=LEVELS, page="gaps"),
    )


def _table_page(page: str, build: Callable[[Session, NeedFilter, Names], T.Table]) -> str:
    """A planner page that shows one table for the request's filter (needs, supply,
    fairness): the same filter bar, tabs and export links around whatever `build` makes."""
    flt, names = _filter()
    table = build(db_session(), flt, names)
    return render_template("planner/table.html", **_context(flt, names, table=table, page=page))


@bp.get("/needs")
@roles_required(*PLANNERS)
def needs():
    return _table_page("needs", T.needs_table)


@bp.get("/supply")
@roles_required(*PLANNERS)
def supply():
    return _table_page("supply", T.supply_table)


@bp.get("/fairness")
@roles_required(*PLANNERS)
def fairness():
    return _table_page("fairness", lambda session, flt, names: T.fairness_table(session, flt))


def _emerging_report(flt: NeedFilter):
    from matching.facade import emerging_needs

    return emerging_needs(db_session(), flt)


@bp.get("/emerging")
@roles_required(*PLANNERS)
def emerging():
    flt, names = _filter()
    report = _emerging_report(flt)
    table = T.emerging_table(report, names)
    return render_template(
        "planner/emerging.html",
        **_context(flt, names, table=table, report=report, page="emerging"),
    )


def _build(name: str, flt: NeedFilter, names: Names) -> T.Table:
    session = db_session()
    if name == "regions":
        return T.regions_table(session, flt, names)
    if name == "gaps":
        level = request.args.get("level", "street")
        return T.gaps_table(
            session, flt, names, level if level in ("street", "district") else "street"
        )
    if name == "needs":
        return T.needs_table(session, flt, names)
    if name == "supply":
        return T.supply_table(session, flt, names)
    if name == "fairness":
        return T.fairness_table(session, flt)
    if name == "emerging":
        return T.emerging_table(_emerging_report(flt), names)
    abort(404)


@bp.get("/export/<name>.<fmt>")
@roles_required(*PLANNERS)
def export(name: str, fmt: str):
    """`<table>.csv`, `<table>.xlsx`, or `all.xlsx` (every table, one sheet each)."""
    if fmt not in ("csv", "xlsx") or (name not in T.TABLES and name != "all"):
        abort(404)
    flt, names = _filter()
    if name == "all":
        if fmt != "xlsx":
            abort(404)
        body, mime = to_xlsx([_build(n, flt, names) for n in T.TABLES]), XLSX_MIME
    elif fmt == "csv":
        body, mime = to_csv(_build(name, flt, names)), CSV_MIME
    else:
        body, mime = to_xlsx([_build(name, flt, names)]), XLSX_MIME
    resp = Response(body, content_type=mime)  # mimetype= would add a second charset
    resp.headers["Content-Disposition"] = f'attachment; filename="planner-{name}.{fmt}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    current_app.logger.info("planner export %s.%s by %s", name, fmt, current_user.username)
    return resp


@bp.get("/print")
@roles_required(*PLANNERS)
def printable():
    """One page for a meeting: headline figures and the tables, no charts or controls."""
    flt, names = _filter()
    session = db_session()
    headline = totals(gap_table(session, flt, "district", by_category=False))
    tables = [
        T.regions_table(session, flt, names),
        T.gaps_table(session, flt, names, "district"),
        T.needs_table(session, flt, names),
        T.fairness_table(session, flt),
    ]
    return render_template(
        "planner/print.html",
        **_context(flt, names, tables=tables, headline=headline, page="print"),
    )
