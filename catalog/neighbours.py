"""Which districts border each other, read from the gazetteer's district boundaries.

Planners' recommended actions extend an organization's service area "nearest first": streets of
a district it already serves, then streets of a neighbouring district. Street boundaries are not
available (catalog/data/ZHUHAI_SOURCES.md), so nearness is judged at district level, from the
bundled GeoJSON rather than a hand-kept list, so that a gazetteer update carries its own answer.

Two districts are neighbours when their polygons share a boundary point (to within `TOLERANCE`
degrees, about 10 m): administrative boundaries drawn from one source share their vertices
where they meet. Pure Python over the GeoJSON, no geometry library."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

GEOJSON = "zhuhai_districts.geojson"
TOLERANCE = 1e-4  # degrees; vertices closer than this are the same boundary point


def _rings(geometry: dict[str, Any]) -> Iterator[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = coords if kind == "MultiPolygon" else [coords] if kind == "Polygon" else []
    for polygon in polygons:
        yield from polygon


def _cells(points: Iterable[list[float]]) -> set[tuple[int, int]]:
    """Boundary points snapped to a grid of `TOLERANCE`, with the 8 cells around each, so two
    points closer than the tolerance always land in a shared cell."""
    out: set[tuple[int, int]] = set()
    for x, y, *_ in points:
        cx, cy = round(x / TOLERANCE), round(y / TOLERANCE)
        out.update((cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    return out


def neighbours_from_geojson(document: dict[str, Any]) -> dict[str, frozenset[str]]:
    """District code → the codes of the districts it borders (never itself)."""
    cells: dict[str, set[tuple[int, int]]] = {}
    exact: dict[str, set[tuple[int, int]]] = {}
    for feature in document.get("features", []):
        code = str((feature.get("properties") or {}).get("adcode", ""))
        if not code:
            continue
        points = [p for ring in _rings(feature.get("geometry") or {}) for p in ring]
        cells.setdefault(code, set()).update(_cells(points))
        exact.setdefault(code, set()).update(
            (round(x / TOLERANCE), round(y / TOLERANCE)) for x, y, *_ in points
        )
    out: dict[str, set[str]] = {code: set() for code in cells}
    for a in cells:
        for b in cells:
            if a < b and exact[a] & cells[b]:
                out[a].add(b)
                out[b].add(a)
    return {code: frozenset(others) for code, others in out.items()}


@lru_cache(maxsize=1)
def district_neighbours() -> dict[str, frozenset[str]]:
    """The bundled gazetteer's answer (read once per process)."""
    text = resources.files("catalog.data").joinpath(GEOJSON).read_text("utf-8")
    return neighbours_from_geojson(json.loads(text))
