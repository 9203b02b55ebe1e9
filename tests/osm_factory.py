"""Small OpenStreetMap files drawn in metres, and GPS runs along them, for the map tests."""

from __future__ import annotations

import bz2
import itertools
import math
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

from loadwatch.maps.bbox import M_PER_DEG_LAT

LAT0, LON0 = 47.0, 8.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))

Point = tuple[float, float]


def to_degrees(x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres east/north of (47 N, 8 E) to latitude and longitude."""
    return LAT0 + np.asarray(y_m) / M_PER_DEG_LAT, LON0 + np.asarray(x_m) / M_PER_DEG_LON


class OsmMap:
    """A small OSM XML file drawn in metres around (47 N, 8 E)."""

    def __init__(self) -> None:
        self.nodes: list[tuple[int, float, float]] = []
        self.ways: list[tuple[int, list[int], dict[str, str]]] = []

    def way(self, points: list[Point], *, spacing_m: float = 0.0, **tags: str) -> int:
        """Add a way through ``points`` (metres), with nodes every ``spacing_m`` if given."""
        xs, ys = (
            _densify(points, spacing_m) if spacing_m else map(np.array, zip(*points, strict=True))
        )
        lat, lon = to_degrees(xs, ys)
        refs = []
        for la, lo in zip(lat.tolist(), lon.tolist(), strict=True):
            self.nodes.append((len(self.nodes) + 1, la, lo))
            refs.append(len(self.nodes))
        if points[0] == points[-1]:
            refs[-1] = refs[0]
        way_id = len(self.ways) + 1
        self.ways.append((way_id, refs, tags))
        return way_id

    def xml(self) -> str:
        """The map as OSM XML."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
        for node_id, lat, lon in self.nodes:
            lines.append(f'  <node id="{node_id}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
        for way_id, refs, tags in self.ways:
            lines.append(f'  <way id="{way_id}" version="1">')
            lines.extend(f'    <nd ref="{ref}"/>' for ref in refs)
            lines.extend(
                f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in sorted(tags.items())
            )
            lines.append("  </way>")
        lines.append("</osm>")
        return "\n".join(lines) + "\n"

    def write(self, path: Path) -> Path:
        """Write the map to ``path`` (``.osm`` text, or bzip2 for ``.bz2``)."""
        data = self.xml().encode()
        path.write_bytes(bz2.compress(data) if path.suffix == ".bz2" else data)
        return path


def _densify(points: list[Point], spacing_m: float) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [points[0][0]], [points[0][1]]
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        count = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / spacing_m))
        t = np.arange(1, count + 1) / count
        xs.extend((x1 + t * (x2 - x1)).tolist())
        ys.extend((y1 + t * (y2 - y1)).tolist())
    return np.array(xs), np.array(ys)


def run_along(
    points: list[Point], *, offset_m: float = 0.0, noise_m: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """GPS fixes every 3 m along ``points``, shifted ``offset_m`` north, with GPS-like noise:
    errors of ``noise_m`` (standard deviation) that drift slowly, as a receiver's do."""
    xs, ys = _densify(points, 3.0)
    if noise_m:
        rng = np.random.default_rng(seed)
        window = np.hanning(15)
        for axis in (xs, ys):
            drift = np.convolve(rng.normal(0.0, 1.0, axis.size + 14), window, mode="valid")
            axis += drift / drift.std() * noise_m
    return to_degrees(xs, ys + offset_m)
