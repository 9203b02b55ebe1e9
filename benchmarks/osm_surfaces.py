"""Benchmark the surface map: index build from an OSM extract, cached load, and matching a run.

Usage::

    python benchmarks/osm_surfaces.py [--maps ../shared/maps] [--city-km 25] [--xml-km 8]
                                      [--workdir DIR]

Prints, for the real Andorra extract (``andorra.osm.pbf`` in ``--maps`` or ``$LOADWATCH_MAPS``)
and for two synthetic cities (a 100 m street grid, paths, landuse and a building every few metres;
``--city-km`` on a side as ``.osm.pbf``, ``--xml-km`` as ``.osm`` XML; written once into
``--workdir``): build time and peak memory of a fresh build (each in a child process, so that its
peak is its own) for boxes of growing size, the time to load the cached map, and the time to
match a one-hour run (about 11 km resampled every 20 m).
Targets (issue 6): build for a city or small-country extract well under a minute; matching a
one-hour run well under 0.1 s.
"""

from __future__ import annotations

import argparse
import itertools
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from loadwatch.maps import BBox, load_surface_map, resample_track
from loadwatch.maps.bbox import M_PER_DEG_LAT
from loadwatch.maps.reader import import_osmium
from loadwatch.maps.store import file_sha256

LAT0, LON0 = 47.0, 8.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))


def degrees(x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres east/north of the synthetic city's corner to latitude and longitude."""
    return LAT0 + y_m / M_PER_DEG_LAT, LON0 + x_m / M_PER_DEG_LON


class _City:
    """The synthetic city's nodes (as latitude and longitude) and ways, as they are drawn.

    Nodes are numbered 1, 2, 3... in the order they are added; :func:`_write_osm` gives them
    their final ids.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.node_lat: list[np.ndarray] = []
        self.node_lon: list[np.ndarray] = []
        self.ways: list[tuple[np.ndarray, dict[str, str]]] = []
        self._next_id = 1

    def add_nodes(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Nodes at metres east/north of the corner; returns their numbers."""
        lat, lon = degrees(x, y)
        self.node_lat.append(lat)
        self.node_lon.append(lon)
        ids = np.arange(self._next_id, self._next_id + x.size)
        self._next_id += x.size
        return ids

    def add_way(self, ids: np.ndarray, tags: dict[str, str]) -> None:
        """A way through the numbered nodes ``ids``."""
        self.ways.append((ids, tags))


def _add_streets(city: _City, lines: np.ndarray, side: float) -> None:
    """Streets every 100 m both ways (secondary every km), nodes every 25 m, 500 m ways."""
    rng = city.rng
    along = np.arange(0.0, side + 1.0, 25.0)
    for k, line in enumerate(lines):
        kind = "secondary" if k % 10 == 0 else "residential"
        for xs, ys in ((along, np.full(along.size, line)), (np.full(along.size, line), along)):
            ids = city.add_nodes(xs + rng.normal(0, 0.5, xs.size), ys + rng.normal(0, 0.5, ys.size))
            for start in range(0, ids.size - 1, 20):
                tags = {"highway": kind}
                if rng.random() < 0.2:
                    tags["surface"] = "asphalt"
                city.add_way(ids[start : start + 21], tags)


def _add_path(city: _City, bx: float, by: float) -> None:
    """A path, footway or track diagonally across the block at (bx, by)."""
    t = np.linspace(0.0, 1.0, 8)
    kind = city.rng.choice(["path", "footway", "track"])
    ids = city.add_nodes(bx + 5 + 90 * t, by + 5 + 90 * t)
    city.add_way(ids, {"highway": str(kind)})


def _add_buildings(city: _City, bx: float, by: float, count: int = 16) -> None:
    """``count`` square buildings, 8 to 16 m wide, scattered in the block at (bx, by)."""
    rng = city.rng
    cx = bx + rng.uniform(12, 88, count)
    cy = by + rng.uniform(12, 88, count)
    w = rng.uniform(4, 8, count)
    corner_x = np.stack([cx - w, cx + w, cx + w, cx - w], axis=1).ravel()
    corner_y = np.stack([cy - w, cy - w, cy + w, cy + w], axis=1).ravel()
    ids = city.add_nodes(corner_x, corner_y).reshape(count, 4)
    for ring in ids:
        city.add_way(np.append(ring, ring[0]), {"building": "yes"})


def _add_landuse(city: _City, side: float) -> None:
    """Residential landuse on about half of the square kilometres."""
    for x0 in np.arange(0.0, side, 1000.0):
        for y0 in np.arange(0.0, side, 1000.0):
            if city.rng.random() < 0.5:
                ids = city.add_nodes(
                    np.array([x0, x0 + 1000, x0 + 1000, x0]),
                    np.array([y0, y0, y0 + 1000, y0 + 1000]),
                )
                city.add_way(np.append(ids, ids[0]), {"landuse": "residential"})


def _write_osm(path: Path, city: _City) -> int:
    """Write the city with osmium (PBF or XML by the name); returns the number of nodes."""
    osmium = import_osmium()
    mutable = osmium.osm.mutable
    lat = np.concatenate(city.node_lat)
    lon = np.concatenate(city.node_lon)
    # Real extracts hold nodes from every era of the map: ids spread over the whole id range.
    node_ids = np.cumsum(city.rng.integers(1, 2 * 12_000_000_000 // lat.size, lat.size))
    with osmium.SimpleWriter(str(path), overwrite=True) as writer:
        for node_id, la, lo in zip(node_ids.tolist(), lat.tolist(), lon.tolist(), strict=True):
            writer.add_node(mutable.Node(id=node_id, location=(lo, la)))
        for way_id, (refs, tags) in enumerate(city.ways, 1):
            writer.add_way(mutable.Way(id=way_id, nodes=node_ids[refs - 1].tolist(), tags=tags))
    return int(lat.size)


def write_city(path: Path, side_km: float, seed: int = 7) -> tuple[int, int]:
    """A synthetic city: 100 m street grid, paths and tracks, landuse, and many buildings.

    Each 100 m block holds a diagonal path (one block in ten) or buildings; landuse goes per
    square kilometre. Written as PBF or OSM XML by the name's extension. Returns the numbers
    of nodes and ways.
    """
    import_osmium()  # fail before drawing the whole city if osmium is missing
    city = _City(np.random.default_rng(seed))
    side = side_km * 1000.0
    lines = np.arange(0.0, side + 1.0, 100.0)
    _add_streets(city, lines, side)
    for bx in lines[:-1]:
        for by in lines[:-1]:
            if city.rng.random() < 0.1:
                _add_path(city, bx, by)
            else:
                _add_buildings(city, bx, by)
    _add_landuse(city, side)
    return _write_osm(path, city), len(city.ways)


def one_hour_run(x0: float, y0: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """About 11 km along the city's streets from (x0, y0): back and forth, 200 m apart."""
    corners: list[tuple[float, float]] = []
    for k in range(6):
        row = y0 + 200.0 * k
        ends = [(x0, row), (x0 + 1800.0, row)]
        corners += ends if k % 2 == 0 else ends[::-1]
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for (ax, ay), (bx, by) in itertools.pairwise(corners):
        count = max(1, int(math.hypot(bx - ax, by - ay) / 3.0))
        t = np.arange(count) / count
        xs.append(ax + t * (bx - ax))
        ys.append(ay + t * (by - ay))
    x, y = np.concatenate(xs), np.concatenate(ys)
    rng = np.random.default_rng(seed)
    window = np.hanning(15)
    for axis in (x, y):
        drift = np.convolve(rng.normal(0.0, 1.0, axis.size + 14), window, mode="valid")
        axis += drift / drift.std() * 3.0
    return degrees(x, y)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, unlike
    ``ru_maxrss``, which a spawned child inherits from its parent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def _build_in_child(extract: str, box: BBox, cache_dir: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    start = time.perf_counter()
    surface_map = load_surface_map(extract, box, cache_dir=cache_dir)
    seconds = time.perf_counter() - start
    out.put((seconds, peak_rss_mb(), int(surface_map.grid.x1.size), surface_map.ways))


def fresh_build(extract: Path, box: BBox) -> tuple[float, float, int, int]:
    """Build in a child process with an empty cache: seconds, peak MB, pieces, ways."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    with tempfile.TemporaryDirectory() as cache_dir:
        child = context.Process(target=_build_in_child, args=(str(extract), box, cache_dir, queue))
        child.start()
        while True:
            try:
                result = queue.get(timeout=1.0)
                break
            except Exception:  # queue.Empty: is the child still working?
                if not child.is_alive():
                    raise RuntimeError(f"the build failed (exit code {child.exitcode})") from None
        child.join()
    return result  # type: ignore[no-any-return]


def timed(function: object, repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    assert callable(function)
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def report_extract(
    label: str, extract: Path, box: BBox, run: tuple[np.ndarray, np.ndarray]
) -> None:
    """Print build, cached-load and matching figures for one extract and box."""
    size_mb = extract.stat().st_size / 1e6
    width, height = box.size_m
    box_text = f"box {width / 1000:.1f} x {height / 1000:.1f} km"
    print(f"\n{label}: {extract.name}, {size_mb:.1f} MB; {box_text}")
    seconds, peak_mb, pieces, ways = fresh_build(extract, box)
    print(
        f"  build (fresh cache)   {seconds:7.2f} s   peak RSS {peak_mb:6.0f} MB   "
        f"{ways} ways, {pieces} pieces"
    )
    hash_s = timed(lambda: file_sha256(extract), 3)
    print(f"  sha256 of extract     {hash_s:7.3f} s")
    with tempfile.TemporaryDirectory() as cache_dir:
        load_surface_map(extract, box, cache_dir=cache_dir)
        cached_s = timed(lambda: load_surface_map(extract, box, cache_dir=cache_dir), 3)
        surface_map = load_surface_map(extract, box, cache_dir=cache_dir)
        print(f"  load from cache       {cached_s:7.3f} s   (includes the sha256)")
        lat, lon = run
        resample_s = timed(lambda: resample_track(lat, lon), 20)
        points = resample_track(lat, lon)
        match_s = timed(lambda: surface_map.match(*points), 20)
        result = surface_map.match(*points)
        shares = ", ".join(f"{k} {v:.2f}" for k, v in result.surface_km.items())
        print(
            f"  one-hour run          {result.distance_km:.1f} km, {points[0].size} points: "
            f"resample {resample_s * 1000:.1f} ms, match {match_s * 1000:.1f} ms ({shares} km)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--maps", type=Path, default=Path(os.environ.get("LOADWATCH_MAPS", "../shared/maps"))
    )
    parser.add_argument("--city-km", type=float, default=25.0, help="side of the PBF city")
    parser.add_argument("--xml-km", type=float, default=8.0, help="side of the .osm XML city")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "loadwatch-bench"
    )
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs")

    andorra = args.maps / "andorra.osm.pbf"
    if andorra.is_file():
        # A one-hour run in Andorra la Vella: the real trace, out and back until 11 km.
        import gpxpy

        with (args.maps / "andorra-map-matching-trace.gpx").open(encoding="utf-8") as handle:
            gpx = gpxpy.parse(handle)
        points = [p for t in gpx.tracks for s in t.segments for p in s.points]
        lat = np.array([p.latitude for p in points])
        lon = np.array([p.longitude for p in points])
        lat = np.concatenate([lat, lat[::-1]] * 8)
        lon = np.concatenate([lon, lon[::-1]] * 8)
        report_extract(
            "Andorra, whole country", andorra, BBox(42.42, 1.40, 42.66, 1.79), (lat, lon)
        )
        report_extract("Andorra, box of the trace", andorra, BBox.around(lat, lon), (lat, lon))
    else:
        print(f"\n(no {andorra}: pass --maps or set LOADWATCH_MAPS for the Andorra figures)")

    args.workdir.mkdir(parents=True, exist_ok=True)
    cities = [
        (args.workdir / f"city-{args.city_km:g}km.osm.pbf", args.city_km),
        (args.workdir / f"city-{args.xml_km:g}km.osm", args.xml_km),
    ]
    for city, side_km in cities:
        counts = city.with_suffix(".counts")
        if not city.is_file() or not counts.is_file():
            start = time.perf_counter()
            nodes, ways = write_city(city, side_km)
            counts.write_text(f"{nodes} {ways}\n")
            print(f"\n(wrote {city} in {time.perf_counter() - start:.0f} s)")
        nodes, ways = (int(word) for word in counts.read_text().split())
        middle = side_km * 500.0
        run = one_hour_run(middle - 900.0, middle - 500.0)
        around = degrees(
            np.array([middle - 3000, middle + 3000]), np.array([middle - 3000, middle + 3000])
        )
        whole = degrees(np.array([0.0, side_km * 1000]), np.array([0.0, side_km * 1000]))
        label = f"Synthetic {side_km:g} km city ({nodes / 1e6:.1f}M nodes, {ways / 1e3:.0f}k ways)"
        report_extract(f"{label}, 6 km box", city, BBox.around(*around), run)
        report_extract(f"{label}, box of one run", city, BBox.around(*run), run)
        report_extract(f"{label}, the whole city as box", city, BBox.around(*whole), run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
