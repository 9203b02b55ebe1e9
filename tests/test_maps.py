"""Tests for surfaces from OpenStreetMap: small hand-built maps with exact answers, the cache,
and the real Andorra extract with a real trace through it (``LOADWATCH_MAPS``)."""

from __future__ import annotations

import math
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from osm_factory import OsmMap, Point, run_along

from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest.geo import cumulative_distance_m
from loadwatch.maps import (
    BBox,
    MatchResult,
    SurfaceMap,
    classify_way,
    load_surface_map,
    resample_track,
)
from loadwatch.maps import reader as map_reader

if os.environ.get("CI"):
    import osmium  # noqa: F401  (on CI the maps extra must be installed: fail, do not skip)
else:
    pytest.importorskip(
        "osmium", reason="pyosmium is not installed (pip install 'loadwatch[maps]')"
    )


def match(extract: Path, lat: np.ndarray, lon: np.ndarray, cache: Path) -> MatchResult:
    """Resample the run, load the map around it, and match."""
    rlat, rlon = resample_track(lat, lon)
    surface_map = load_surface_map(extract, BBox.around(lat, lon), cache_dir=cache)
    return surface_map.match(rlat, rlon)


def share(result: MatchResult, surface: str) -> float:
    return result.surface_km[surface] / result.distance_km


def switches(result: MatchResult) -> int:
    return int(np.count_nonzero(result.classes[1:] != result.classes[:-1]))


STRAIGHT = [(0.0, 0.0), (2000.0, 0.0)]


def test_run_on_an_asphalt_road_is_road(tmp_path: Path) -> None:
    """A 2 km run on an asphalt road, 3 m of GPS noise, is all road and all confident."""
    osm = OsmMap()
    osm.way(STRAIGHT, spacing_m=100, highway="residential", surface="asphalt")
    lat, lon = run_along(STRAIGHT, noise_m=3.0)
    result = match(osm.write(tmp_path / "road.osm"), lat, lon, tmp_path / "cache")
    assert result.distance_km == pytest.approx(2.0, rel=0.05)  # noise adds a little length
    assert result.surface_km["road"] == result.distance_km
    assert result.surface == "road"
    assert result.low_confidence_share == 0.0
    assert result.confident.all()
    assert set(result.way_ids.tolist()) == {1}


def test_run_on_a_dirt_path_is_trail(tmp_path: Path) -> None:
    """A path tagged surface=dirt is trail by its surface: high confidence."""
    osm = OsmMap()
    osm.way([(0.0, 0.0), (700.0, 300.0), (1500.0, 200.0)], highway="path", surface="dirt")
    lat, lon = run_along([(0.0, 0.0), (700.0, 300.0), (1500.0, 200.0)], noise_m=3.0)
    result = match(osm.write(tmp_path / "path.osm"), lat, lon, tmp_path / "cache")
    assert share(result, "trail") > 0.99
    assert result.low_confidence_km == 0.0


def track_oval(radius_m: float, count: int = 48) -> list[Point]:
    """A 400 m oval (84.39 m straights, bends of ``radius_m``), counter-clockwise, closed."""
    half = 84.39 / 2.0
    points: list[Point] = []
    for k in range(count // 2 + 1):  # east bend, from the bottom straight's end up
        angle = -math.pi / 2 + math.pi * k / (count // 2)
        points.append((half + radius_m * math.cos(angle), radius_m * math.sin(angle)))
    for k in range(count // 2 + 1):  # west bend, from the top straight's end down
        angle = math.pi / 2 + math.pi * k / (count // 2)
        points.append((-half + radius_m * math.cos(angle), radius_m * math.sin(angle)))
    points.append(points[0])
    return points


def test_laps_of_a_400_m_track_are_track(tmp_path: Path) -> None:
    """Five laps in lane 1 of a leisure=track oval are 2 km of track, a road nearby not."""
    osm = OsmMap()
    osm.way(track_oval(36.8), leisure="track", sport="athletics")
    osm.way([(-300.0, -90.0), (300.0, -90.0)], spacing_m=50, highway="tertiary")
    lap = track_oval(37.6, count=96)
    lat, lon = run_along(lap * 5, noise_m=2.0, seed=3)
    result = match(osm.write(tmp_path / "track.osm"), lat, lon, tmp_path / "cache")
    assert result.distance_km == pytest.approx(2.0, rel=0.05)
    assert share(result, "track") > 0.97


def test_road_then_trail_splits_half_and_half(tmp_path: Path) -> None:
    """1 km of road then 1 km of an unpaved track: about 50/50, one switch."""
    osm = OsmMap()
    osm.way([(0.0, 0.0), (1000.0, 0.0)], spacing_m=100, highway="residential")
    osm.way([(1000.0, 0.0), (2000.0, 0.0)], spacing_m=100, highway="track", tracktype="grade4")
    lat, lon = run_along(STRAIGHT, noise_m=3.0, seed=5)
    result = match(osm.write(tmp_path / "switch.osm"), lat, lon, tmp_path / "cache")
    assert share(result, "road") == pytest.approx(0.5, abs=0.02)
    assert share(result, "trail") == pytest.approx(0.5, abs=0.02)
    assert switches(result) == 1


def test_path_beside_a_road_does_not_flicker(tmp_path: Path) -> None:
    """On a path 10 m beside a road, with 3.5 m of noise, the run stays on the path."""
    osm = OsmMap()
    osm.way(STRAIGHT, spacing_m=50, highway="secondary")
    osm.way([(0.0, 10.0), (2000.0, 10.0)], spacing_m=50, highway="path")
    lat, lon = run_along(STRAIGHT, offset_m=10.0, noise_m=3.5, seed=11)
    extract = osm.write(tmp_path / "beside.osm")
    result = match(extract, lat, lon, tmp_path / "cache")
    assert share(result, "trail") > 0.95
    assert switches(result) <= 2
    # Without the preference for the previous way, the same points flicker.
    surface_map = load_surface_map(extract, BBox.around(lat, lon), cache_dir=tmp_path / "cache")
    jumpy = surface_map.match(*resample_track(lat, lon), sticky_m=0.0)
    assert switches(jumpy) > switches(result)


def test_run_through_a_junction_stays_on_its_road(tmp_path: Path) -> None:
    """A trail leaving the road at a junction does not take points of a run along the road."""
    osm = OsmMap()
    osm.way(STRAIGHT, spacing_m=100, highway="unclassified")
    osm.way([(1000.0, 0.0), (1000.0, 800.0)], spacing_m=100, highway="path")
    osm.way([(600.0, 0.0), (700.0, 15.0), (1400.0, 15.0), (1500, 0.0)], highway="footway")
    lat, lon = run_along(STRAIGHT, noise_m=3.0, seed=2)
    result = match(osm.write(tmp_path / "junction.osm"), lat, lon, tmp_path / "cache")
    assert share(result, "road") > 0.97


def test_run_off_the_map_is_unknown(tmp_path: Path) -> None:
    """A run 1 km from the nearest way is unknown; so is a run outside the map's box."""
    osm = OsmMap()
    osm.way(STRAIGHT, spacing_m=100, highway="residential")
    extract = osm.write(tmp_path / "empty.osm")
    lat, lon = run_along(STRAIGHT, offset_m=1000.0)
    result = match(extract, lat, lon, tmp_path / "cache")
    assert result.surface_km["unknown"] == pytest.approx(2.0, abs=0.02)
    assert result.surface == "unknown"
    assert result.outside_km == 0.0
    assert result.low_confidence_share == 0.0
    home = load_surface_map(extract, BBox.around(*run_along(STRAIGHT)), cache_dir=tmp_path / "c")
    away = home.match(*resample_track(lat + 0.5, lon))
    assert away.outside_km == pytest.approx(away.distance_km)
    assert not home.covers(BBox.around(lat + 0.5, lon))


def test_footways_are_road_on_sidewalks_and_in_built_up_areas(tmp_path: Path) -> None:
    """Sidewalks are road; a footway is road (low) inside landuse=residential, trail outside."""
    osm = OsmMap()
    osm.way([(0.0, -200.0), (1000.0, -200.0)], spacing_m=100, highway="footway", footway="sidewalk")
    osm.way(STRAIGHT, spacing_m=50, highway="footway")
    osm.way([(-50.0, -50.0), (1000.0, -50.0), (1000.0, 50.0), (-50.0, 50.0), (-50.0, -50.0)],
            landuse="residential")  # fmt: skip
    extract = osm.write(tmp_path / "town.osm")
    sidewalk = match(extract, *run_along([(0.0, -200.0), (1000.0, -200.0)]), tmp_path / "cache")
    assert share(sidewalk, "road") > 0.99 and sidewalk.low_confidence_share == 0.0
    result = match(extract, *run_along(STRAIGHT, noise_m=2.0), tmp_path / "cache")
    assert result.surface_km["road"] == pytest.approx(1.0, abs=0.06)
    assert result.surface_km["trail"] == pytest.approx(1.0, abs=0.06)
    assert result.low_confidence_share == pytest.approx(1.0)


@pytest.mark.parametrize("id_filter_blocks", [64, 0], ids=["cxx-id-filter", "python-set"])
def test_ways_and_built_up_areas_reaching_beyond_the_box_are_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, id_filter_blocks: int
) -> None:
    """A road segment leaving the box and a built-up area holding the whole box (no node in
    it) are read whole, whether pass 3 filters node ids in C++ or in Python."""
    monkeypatch.setattr(map_reader, "_MAX_FILTER_CHUNKS", id_filter_blocks)
    osm = OsmMap()
    osm.way([(-3000.0, 0.0), (0.0, 0.0), (3000.0, 0.0)], highway="tertiary")
    osm.way([(0.0, 300.0), (600.0, 300.0)], spacing_m=50, highway="footway")
    osm.way([(-1500.0, 100.0), (1500.0, 100.0), (1500.0, 2000.0), (-1500.0, 2000.0),
             (-1500.0, 100.0)], landuse="residential")  # fmt: skip
    extract = osm.write(tmp_path / "wide.osm")
    road = match(extract, *run_along([(100.0, 0.0), (600.0, 0.0)]), tmp_path / "cache")
    assert share(road, "road") == 1.0
    footway = match(extract, *run_along([(0.0, 300.0), (600.0, 300.0)]), tmp_path / "cache")
    assert share(footway, "road") == 1.0 and footway.low_confidence_share == 1.0


def test_long_segment_across_the_box_is_read(tmp_path: Path) -> None:
    """A straight road whose only two nodes lie beyond the box on either side still counts."""
    osm = OsmMap()
    osm.way([(-1500.0, 0.0), (1800.0, 0.0)], highway="residential")
    result = match(
        osm.write(tmp_path / "long.osm"), *run_along([(0.0, 0.0), (300.0, 0.0)]), tmp_path
    )
    assert share(result, "road") == 1.0


def test_every_format_gives_the_same_map(tmp_path: Path) -> None:
    """.osm, .osm.bz2, .osm.pbf and a PBF with a misleading name all read alike."""
    import osmium

    osm = OsmMap()
    osm.way([(0.0, 0.0), (1000.0, 0.0)], spacing_m=100, highway="residential")
    osm.way([(1000.0, 0.0), (2000.0, 0.0)], spacing_m=100, highway="path")
    xml = osm.write(tmp_path / "map.osm")
    pbf = tmp_path / "map.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for item in osmium.FileProcessor(str(xml)):
            writer.add(item)
    misnamed = tmp_path / "map.dat"
    misnamed.write_bytes(pbf.read_bytes())
    lat, lon = run_along(STRAIGHT)
    results = [
        match(path, lat, lon, tmp_path / "cache").surface_km
        for path in (xml, osm.write(tmp_path / "map.osm.bz2"), pbf, misnamed)
    ]
    assert all(r == results[0] for r in results)
    assert results[0]["road"] == pytest.approx(1.0, abs=0.03)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "map extract not found"),
        (b"date,distance\n2026-01-01,5\n", "is not an OpenStreetMap extract"),
        (b'<?xml version="1.0"?><osmChange version="0.6"></osmChange>', "change file"),
        (b'<?xml version="1.0"?><osm version="0.6"><node id="1" lat="47" lo', "cannot be read"),
    ],
)
def test_unusable_extract_is_a_config_error_naming_the_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    """A missing, foreign or broken extract is a ConfigError that names the file."""
    path = tmp_path / "region.osm"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_surface_map(path, BBox(46.9, 7.9, 47.1, 8.1), cache_dir=tmp_path / "cache")
    assert caught.value.path == str(path)


def test_truncated_pbf_is_a_config_error(tmp_path: Path) -> None:
    """A PBF cut short is reported, not left to pyosmium's own exception."""
    import osmium

    osm = OsmMap()
    osm.way(STRAIGHT, spacing_m=5, highway="residential")
    pbf = tmp_path / "full.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for item in osmium.FileProcessor(str(osm.write(tmp_path / "full.osm"))):
            writer.add(item)
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(pbf.read_bytes()[: pbf.stat().st_size // 2])
    with pytest.raises(LoadwatchError, match="cannot be read"):
        load_surface_map(cut, BBox.around(*run_along(STRAIGHT)), cache_dir=tmp_path / "cache")


def test_without_pyosmium_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With pyosmium missing, loading a map is a ConfigError naming the extra to install."""
    monkeypatch.setitem(sys.modules, "osmium", None)
    osm = OsmMap()
    osm.way(STRAIGHT, highway="residential")
    with pytest.raises(ConfigError, match=r"pip install 'loadwatch\[maps\]'"):
        load_surface_map(osm.write(tmp_path / "m.osm"), BBox(46.9, 7.9, 47.1, 8.1))


# --- the cache -------------------------------------------------------------------------------


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[BBox]:
    reads: list[BBox] = []
    real = map_reader.read_extract

    def counting(path: Path, box: BBox) -> map_reader.ExtractData:
        reads.append(box)
        return real(path, box)

    monkeypatch.setattr(map_reader, "read_extract", counting)
    return reads


@pytest.fixture
def town(tmp_path: Path) -> Path:
    """A road and a trail, written as .osm."""
    osm = OsmMap()
    osm.way([(0.0, 0.0), (1000.0, 0.0)], spacing_m=100, highway="residential")
    osm.way([(1000.0, 0.0), (2000.0, 0.0)], spacing_m=100, highway="path", surface="gravel")
    return osm.write(tmp_path / "town.osm")


def test_second_load_comes_from_the_cache(
    town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once built, the map is read back from the cache without reading the extract."""
    box = BBox.around(*run_along(STRAIGHT))
    first = load_surface_map(town, box, cache_dir=tmp_path / "cache")
    assert not first.from_cache and first.cache_path is not None and first.cache_path.is_file()

    def fail(path: Path, box: BBox) -> None:
        raise AssertionError("the extract was read again")

    monkeypatch.setattr(map_reader, "read_extract", fail)
    second = load_surface_map(town, box, cache_dir=tmp_path / "cache")
    assert second.from_cache
    points = resample_track(*run_along(STRAIGHT))
    assert second.match(*points).surface_km == first.match(*points).surface_km
    inner = BBox.around(*run_along([(500.0, 0.0), (900.0, 0.0)]))
    assert load_surface_map(town, inner, cache_dir=tmp_path / "cache").from_cache


def test_changed_extract_or_larger_box_rebuilds(
    town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New extract content, or a box beyond the cached one, builds again; smaller maps go."""
    reads = _count_reads(monkeypatch)
    cache = tmp_path / "cache"
    box = BBox.around(*run_along(STRAIGHT))
    load_surface_map(town, box, cache_dir=cache)
    load_surface_map(town, box, cache_dir=cache)
    assert len(reads) == 1
    larger = BBox.around(*run_along([(-5000.0, 0.0), (2000.0, 0.0)]))
    bigger = load_surface_map(town, larger, cache_dir=cache)
    assert len(reads) == 2 and not bigger.from_cache
    assert [p.name for p in cache.iterdir()] == [
        bigger.cache_path.name if bigger.cache_path else ""
    ]
    town.write_text(town.read_text().replace('"gravel"', '"asphalt"'))
    changed = load_surface_map(town, box, cache_dir=cache)
    assert len(reads) == 3
    assert changed.match(*resample_track(*run_along(STRAIGHT))).surface_km["road"] == (
        pytest.approx(2.0, abs=0.03)
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:200] + bytes(b ^ 0xFF for b in data[200:260]) + data[260:],
        lambda data: b"",
        lambda data: b"PK\x03\x04 not really a zip",
    ],
    ids=["truncated", "flipped-bytes", "empty", "not-a-zip"],
)
def test_corrupt_cache_is_rebuilt(
    town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    """A damaged cache file is detected, the map rebuilt, and the file replaced."""
    box = BBox.around(*run_along(STRAIGHT))
    first = load_surface_map(town, box, cache_dir=tmp_path / "cache")
    assert first.cache_path is not None
    assert callable(damage)
    first.cache_path.write_bytes(damage(first.cache_path.read_bytes()))
    reads = _count_reads(monkeypatch)
    again = load_surface_map(town, box, cache_dir=tmp_path / "cache")
    assert len(reads) == 1 and not again.from_cache
    assert load_surface_map(town, box, cache_dir=tmp_path / "cache").from_cache


def test_damaged_larger_map_is_removed_not_retried(
    town: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged cached map of a larger box is deleted when found, so it costs one rebuild."""
    cache = tmp_path / "cache"
    larger = load_surface_map(town, BBox.around(*run_along(STRAIGHT)), cache_dir=cache)
    assert larger.cache_path is not None
    larger.cache_path.write_bytes(b"damaged")
    reads = _count_reads(monkeypatch)
    inner = BBox.around(*run_along([(900.0, 0.0), (1100.0, 0.0)]))
    assert not load_surface_map(town, inner, cache_dir=cache).from_cache
    assert load_surface_map(town, inner, cache_dir=cache).from_cache
    assert len(reads) == 1
    assert not larger.cache_path.exists()


def test_foreign_npz_in_the_cache_is_ignored(town: Path, tmp_path: Path) -> None:
    """An .npz under the cache's name but without the map's magic is rebuilt over."""
    box = BBox.around(*run_along(STRAIGHT))
    first = load_surface_map(town, box, cache_dir=tmp_path / "cache")
    assert first.cache_path is not None
    np.savez(first.cache_path, magic=np.array("something else"), x1=np.zeros(3))
    assert not load_surface_map(town, box, cache_dir=tmp_path / "cache").from_cache


def test_unwritable_cache_warns_and_still_gives_the_map(town: Path, tmp_path: Path) -> None:
    """A cache folder that cannot be created costs a warning, not the analysis."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        surface_map = load_surface_map(
            town, BBox.around(*run_along(STRAIGHT)), cache_dir=blocker / "cache"
        )
    assert any("could not cache" in str(w.message) for w in caught)
    assert isinstance(surface_map, SurfaceMap) and surface_map.cache_path is None
    assert not list(tmp_path.glob("**/*.tmp"))


# --- the real Andorra extract ----------------------------------------------------------------


@pytest.fixture(scope="module")
def maps_dir() -> Path:
    """The shared map data; skipped without it, except on CI where it must exist."""
    value = os.environ.get("LOADWATCH_MAPS")
    path = Path(value) if value else Path("/work/shared/maps")
    if not (path / "andorra.osm.pbf").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the shared map data is missing: set LOADWATCH_MAPS (tried {path})")
        pytest.skip("set LOADWATCH_MAPS to ../shared/maps to run the Andorra tests")
    return path


def _trace(path: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    import gpxpy

    with path.open(encoding="utf-8") as handle:
        gpx = gpxpy.parse(handle)
    points = [p for t in gpx.tracks for s in t.segments for p in s.points]
    lat = np.array([p.latitude for p in points])
    lon = np.array([p.longitude for p in points])
    surfaces = []
    for point in points:
        text = "".join(getattr(e, "text", "") or "" for x in point.extensions for e in x.iter())
        surfaces.append(text.strip())
    return lat, lon, surfaces


def test_andorra_trace_matches_known_ways_and_keeps_its_length(
    maps_dir: Path, tmp_path: Path
) -> None:
    """The real trace through Andorra (annotated asphalt) is mostly road; no distance is lost."""
    lat, lon, surfaces = _trace(maps_dir / "andorra-map-matching-trace.gpx")
    assert {s for s in surfaces if s} == {"asphalt"}
    surface_map = load_surface_map(
        maps_dir / "andorra.osm.pbf", BBox.around(lat, lon), cache_dir=tmp_path / "cache"
    )
    result = surface_map.match(*resample_track(lat, lon))
    length_km = float(cumulative_distance_m(lat, lon)[-1]) / 1000.0
    assert result.distance_km == pytest.approx(length_km, rel=0.03)
    assert result.matched_km / result.distance_km > 0.9
    assert share(result, "road") > 0.9


def test_andorra_whole_country_map_has_every_class(maps_dir: Path, tmp_path: Path) -> None:
    """All of Andorra: road, trail and track ways are indexed, and runs along the extract's
    own longest trail way and its running track match as trail and track."""
    extract = maps_dir / "andorra.osm.pbf"
    box = BBox(42.42, 1.40, 42.66, 1.79)
    surface_map = load_surface_map(extract, box, cache_dir=tmp_path / "cache")
    assert set(surface_map.piece_class.tolist()) == {0, 1, 2}
    assert surface_map.ways > 1000
    data = map_reader.read_extract(extract, box)
    longest: dict[str, tuple[float, slice]] = {}
    for _, tags, nodes in map_reader.iter_ways(data):
        verdict = classify_way(tags)
        if verdict is None or np.isnan(data.lat[nodes]).any():
            continue
        length = float(cumulative_distance_m(data.lat[nodes], data.lon[nodes])[-1])
        if length > longest.get(verdict.surface, (0.0, nodes))[0]:
            longest[verdict.surface] = (length, nodes)
    for surface in ("trail", "track"):
        _, nodes = longest[surface]
        result = surface_map.match(*resample_track(data.lat[nodes], data.lon[nodes]))
        assert share(result, surface) > 0.8, surface


def test_andorra_reads_alike_with_either_node_id_filter(
    maps_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real node ids spread over the id range: both ways of fetching outside nodes agree."""
    extract = maps_dir / "andorra.osm.pbf"
    box = BBox(42.50, 1.50, 42.53, 1.54)
    monkeypatch.setattr(map_reader, "HALO_M", 0.0)  # so that pass 3 has nodes to fetch
    first = map_reader.read_extract(extract, box)
    monkeypatch.setattr(map_reader, "_MAX_FILTER_CHUNKS", 0)
    second = map_reader.read_extract(extract, box)
    assert first.way_ids.tolist() == second.way_ids.tolist()
    np.testing.assert_array_equal(first.lat, second.lat)
    np.testing.assert_array_equal(first.area_lon, second.area_lon)
    assert np.isfinite(first.lat).mean() > 0.5
