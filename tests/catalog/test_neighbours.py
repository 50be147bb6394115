"""Neighbouring districts from the gazetteer's boundaries (catalog.neighbours)."""

from __future__ import annotations

from catalog.neighbours import district_neighbours, neighbours_from_geojson


def square(code: str, x: float, y: float, size: float = 1.0) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {
        "type": "Feature",
        "properties": {"adcode": int(code)},
        "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
    }


def test_districts_sharing_a_boundary_point_are_neighbours_others_are_not():
    doc = {
        "type": "FeatureCollection",
        "features": [
            square("440401", 0, 0),
            square("440402", 1, 0),  # shares an edge with 440401
            square("440403", 2.00001, 1.0),  # touches 440402's corner (within tolerance)
            square("440404", 5, 5),  # an island
        ],
    }
    assert neighbours_from_geojson(doc) == {
        "440401": frozenset({"440402"}),
        "440402": frozenset({"440401", "440403"}),
        "440403": frozenset({"440402"}),
        "440404": frozenset(),
    }


def test_zhuhai_districts_from_the_bundled_boundaries():
    """Xiangzhou, Doumen and Jinwan meet each other on the map (shared boundary vertices)."""
    assert district_neighbours() == {
        "440402": frozenset({"440403", "440404"}),
        "440403": frozenset({"440402", "440404"}),
        "440404": frozenset({"440402", "440403"}),
    }
