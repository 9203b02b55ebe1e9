"""Tests for the parts of the map engine that need no OSM file: rules, boxes, grid, resampling."""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.ingest.geo import cumulative_distance_m, haversine_m
from loadwatch.maps import (
    CLASSES,
    BBox,
    MatchResult,
    classify_way,
    default_cache_dir,
    group_boxes,
    resample_track,
)
from loadwatch.maps.bbox import M_PER_DEG_LAT, LocalProjection
from loadwatch.maps.builtup import points_in_rings
from loadwatch.maps.grid import SegmentGrid
from loadwatch.maps.rules import rules_markdown
from loadwatch.maps.surface_map import _choose

DOCS = Path(__file__).resolve().parent.parent / "docs" / "surfaces-from-maps.md"


@pytest.mark.parametrize(
    ("tags", "built_up", "expected"),
    [
        ({"leisure": "track", "sport": "athletics"}, False, ("track", True, 1)),
        ({"leisure": "track", "sport": "soccer;running"}, False, ("track", True, 1)),
        ({"leisure": "track"}, False, ("track", True, 1)),
        ({"leisure": "track", "sport": "horse_racing"}, False, None),
        (
            {"leisure": "track", "sport": "horse_racing", "surface": "grass"},
            False,
            ("trail", True, 2),
        ),
        ({"highway": "footway", "surface": "tartan"}, False, ("track", True, 1)),
        ({"highway": "path", "surface": "asphalt"}, False, ("road", True, 2)),
        ({"highway": "path", "surface": "concrete:plates"}, False, ("road", True, 2)),
        ({"highway": "residential", "surface": "gravel"}, False, ("trail", True, 2)),
        ({"highway": "track", "tracktype": "grade1"}, False, ("road", True, 3)),
        ({"highway": "track", "tracktype": "grade3"}, False, ("trail", True, 3)),
        ({"highway": "track"}, False, ("trail", True, 3)),
        ({"highway": "primary_link"}, False, ("road", True, 4)),
        ({"highway": "steps"}, False, ("road", True, 4)),
        ({"highway": "footway", "footway": "sidewalk"}, False, ("road", True, 5)),
        ({"highway": "cycleway", "footway": "crossing"}, False, ("road", True, 5)),
        ({"highway": "footway"}, True, ("road", False, 5)),
        ({"highway": "footway"}, False, ("trail", False, 5)),
        ({"highway": "cycleway"}, False, ("trail", False, 5)),
        ({"highway": "path"}, True, ("trail", False, 5)),
        ({"highway": "bridleway"}, False, ("trail", False, 5)),
        ({"highway": "construction", "surface": "asphalt"}, False, None),
        ({"highway": "bus_stop"}, False, None),
        ({"highway": "some_new_kind"}, False, None),
        ({"surface": "asphalt", "amenity": "parking"}, False, None),
        ({"highway": " Residential "}, False, ("road", True, 4)),
    ],
)
def test_classify_way_follows_the_table(
    tags: dict[str, str], built_up: bool, expected: tuple[str, bool, int] | None
) -> None:
    """Each rule of the table gives its class and confidence; the first match wins."""
    result = classify_way(tags, built_up=built_up)
    assert (None if result is None else tuple(result)) == expected


def test_docs_show_the_rules_table_of_the_code() -> None:
    """docs/surfaces-from-maps.md holds the table exactly as the code renders it."""
    assert rules_markdown() in DOCS.read_text(encoding="utf-8")


def test_bbox_around_adds_the_margin_and_skips_missing_positions() -> None:
    """The box holds every positioned point plus the margin on each side; NaNs are ignored."""
    lat = np.array([47.0, np.nan, 47.01])
    lon = np.array([8.0, 9.0, 8.02])
    box = BBox.around(lat, lon, margin_m=200.0)
    assert box.lat_min == pytest.approx(47.0 - 200.0 / M_PER_DEG_LAT)
    west_margin = float(haversine_m(47.01, box.lon_min, 47.01, 8.0))
    assert 200.0 <= west_margin < 201.0
    assert box.lon_max < 8.03


def test_bbox_around_without_positions_is_an_error() -> None:
    """A track with no usable position has no box."""
    with pytest.raises(ValueError, match="no point has a position"):
        BBox.around([np.nan], [np.nan])


def test_bbox_rounded_grows_outward_and_covering_holds_all() -> None:
    """Rounding never shrinks a box; covering holds every box given."""
    box = BBox(42.5012, 1.5234, 42.5544, 1.5891)
    rounded = box.rounded(0.01)
    assert rounded.contains(box)
    assert (rounded.lat_min, rounded.lat_max) == pytest.approx((42.50, 42.56))
    other = BBox(-33.9, 151.1, -33.8, 151.3)
    both = BBox.covering([box, other])
    assert both.contains(box) and both.contains(other)
    assert BBox(-33.9, 151.1, -33.8, 151.3).rounded() == BBox(-33.9, 151.1, -33.8, 151.3)


def test_group_boxes_keeps_far_apart_areas_separate() -> None:
    """Runs at home merge into one area; a run 500 km away stays its own area."""
    home = [BBox(47.0, 8.0, 47.02, 8.02), BBox(47.03, 8.01, 47.05, 8.03)]
    trip = BBox(43.0, 5.0, 43.01, 5.01)
    groups = group_boxes([*home, trip, BBox(47.01, 8.05, 47.02, 8.06)], gap_m=5000.0)
    assert len(groups) == 2
    assert groups[0].contains(home[0]) and groups[0].contains(home[1])
    assert groups[1] == trip


def test_local_projection_matches_great_circle_distances_at_city_scale() -> None:
    """Within 10 km of the centre, projected distances agree with haversine to 0.3 %."""
    projection = LocalProjection(50.0, 8.0)
    rng = np.random.default_rng(1)
    lat = 50.0 + rng.uniform(-0.09, 0.09, 200)
    lon = 8.0 + rng.uniform(-0.14, 0.14, 200)
    x, y = projection.forward(lat, lon)
    planar = np.hypot(np.diff(x), np.diff(y))
    sphere = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    assert np.max(np.abs(planar / sphere - 1.0)) < 0.003


def _straight(length_m: float, count: int) -> tuple[np.ndarray, np.ndarray]:
    north = np.linspace(0.0, length_m, count)
    return 47.0 + north / M_PER_DEG_LAT, np.full(count, 8.0)


def test_resample_gives_one_point_per_step_adding_up_to_the_length() -> None:
    """A 1,005 m run gives 50 points 20 m apart, the first 10 m from the start."""
    lat, lon = _straight(1005.0, 37)
    rlat, rlon = resample_track(lat, lon, step_m=20.0)
    assert rlat.size == 50
    steps = haversine_m(rlat[:-1], rlon[:-1], rlat[1:], rlon[1:])
    assert np.allclose(steps, 20.0, atol=0.01)
    assert float(haversine_m(lat[0], lon[0], rlat[0], rlon[0])) == pytest.approx(10.0, abs=0.01)


def test_resample_falls_back_to_great_circle_distance_when_distance_has_nans() -> None:
    """A distance column with gaps is not trusted: the positions decide the spacing."""
    lat, lon = _straight(1000.0, 11)
    distance = np.linspace(0.0, 2000.0, 11)  # twice the real distance, but with a gap
    distance[3] = np.nan
    rlat, _ = resample_track(lat, lon, distance)
    assert rlat.size == 50
    complete = np.linspace(0.0, 2000.0, 11)
    assert resample_track(lat, lon, complete)[0].size == 100


def test_resample_follows_distance_across_a_pause_and_skips_missing_fixes() -> None:
    """Where the distance stands still the position jump gets no points; NaN fixes are skipped."""
    lat, lon = _straight(400.0, 5)
    lat = np.append(lat, [np.nan, 47.5, 47.5 + 100.0 / M_PER_DEG_LAT])
    lon = np.append(lon, [np.nan, 8.0, 8.0])
    distance = np.array([0.0, 100.0, 200.0, 300.0, 400.0, 400.0, 400.0, 500.0])
    rlat, _ = resample_track(lat, lon, distance, step_m=20.0)
    assert rlat.size == 25
    assert np.count_nonzero((rlat > 47.01) & (rlat < 47.49)) <= 1


def test_resample_edge_cases() -> None:
    """No fix gives nothing; a run standing still gives one point; a bad step is refused."""
    assert resample_track([np.nan], [np.nan])[0].size == 0
    assert resample_track([47.0, 47.0], [8.0, 8.0])[0].size == 1
    with pytest.raises(ValueError, match="step_m"):
        resample_track([47.0], [8.0], step_m=0.0)
    with pytest.raises(ValueError, match="same length"):
        resample_track([47.0], [8.0, 8.1])


def _brute_force(
    px: np.ndarray, py: np.ndarray, segments: np.ndarray, radius: float
) -> set[tuple[int, int]]:
    pairs = set()
    for i in range(px.size):
        for j, (x1, y1, x2, y2) in enumerate(segments):
            vx, vy = x2 - x1, y2 - y1
            length2 = vx * vx + vy * vy
            t = 0.0 if length2 == 0 else ((px[i] - x1) * vx + (py[i] - y1) * vy) / length2
            t = min(1.0, max(0.0, t))
            if math.hypot(px[i] - x1 - t * vx, py[i] - y1 - t * vy) <= radius - 1e-3:
                pairs.add((i, j))
    return pairs


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    segments=st.integers(1, 40),
    points=st.integers(1, 40),
)
def test_grid_finds_every_segment_within_the_radius(seed: int, segments: int, points: int) -> None:
    """The grid returns every (point, segment) pair a scan of all segments finds, and no other."""
    rng = np.random.default_rng(seed)
    starts = rng.uniform(0.0, 600.0, (segments, 2))
    ends = starts + rng.normal(0.0, 150.0, (segments, 2))
    raw = np.column_stack([starts, ends])
    grid = SegmentGrid.build(
        raw[:, 0], raw[:, 1], raw[:, 2], raw[:, 3], extent=(0, 0, 600, 600), cell_m=50, radius_m=25
    )
    px, py = rng.uniform(0.0, 600.0, points), rng.uniform(0.0, 600.0, points)
    point, piece, distance = grid.near(px, py, 25.0)
    found = {(int(p), int(grid.owner[q])) for p, q in zip(point, piece, strict=True)}
    assert _brute_force(px, py, raw, 25.0) <= found
    assert np.all(distance <= 25.0)
    assert np.all(np.diff(point) >= 0)


def test_grid_points_outside_and_nan_find_nothing() -> None:
    """Points off the grid, or without a position, have no candidates."""
    grid = SegmentGrid.build(
        np.array([0.0]), np.array([0.0]), np.array([100.0]), np.array([0.0]),
        extent=(0, -50, 100, 50), cell_m=50, radius_m=25,
    )  # fmt: skip
    point, _, _ = grid.near(np.array([-500.0, np.nan, 50.0]), np.array([0.0, 0.0, 5.0]), 25.0)
    assert set(point.tolist()) == {2}
    with pytest.raises(ValueError, match="exceeds"):
        grid.near(np.array([0.0]), np.array([0.0]), 30.0)


def test_choose_stays_on_the_previous_way_unless_another_is_clearly_closer() -> None:
    """Way 7 keeps the point while way 9 is less than sticky_m closer; then 9 takes over."""
    piece_way = np.array([7, 9], dtype=np.int64)
    point = np.array([0, 1, 1, 2, 2], dtype=np.int64)
    piece = np.array([0, 0, 1, 0, 1], dtype=np.int64)
    distance = np.array([2.0, 8.0, 4.0, 15.0, 1.0])
    chosen = _choose(3, point, piece, distance, piece_way, sticky_m=6.0)
    assert chosen.tolist() == [0, 0, 1]
    assert _choose(3, point, piece, distance, piece_way, sticky_m=0.0).tolist() == [0, 1, 1]


def test_points_in_rings_even_odd_and_holes_in_bounding_box() -> None:
    """An L-shaped ring holds points in its arms, not in the notch its bounding box covers."""
    ring_x = np.array([0.0, 100.0, 100.0, 40.0, 40.0, 0.0, 0.0])
    ring_y = np.array([0.0, 0.0, 40.0, 40.0, 100.0, 100.0, 0.0])
    x = np.array([20.0, 80.0, 20.0, 80.0, 150.0])
    y = np.array([20.0, 20.0, 80.0, 80.0, 20.0])
    inside = points_in_rings(x, y, ring_x, ring_y, [0, 7])
    assert inside.tolist() == [True, True, True, False, False]


def test_cumulative_distance_of_resampled_track_matches_the_original() -> None:
    """Resampling a winding track keeps its length within one step."""
    t = np.linspace(0.0, 6.0 * math.pi, 2000)
    lat = 47.0 + 300.0 * np.sin(t) / M_PER_DEG_LAT
    lon = 8.0 + (t * 100.0) / (M_PER_DEG_LAT * math.cos(math.radians(47.0)))
    length = float(cumulative_distance_m(lat, lon)[-1])
    rlat, _ = resample_track(lat, lon)
    assert abs(rlat.size * 20.0 - length) <= 10.0


def test_default_cache_dir_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the maps are cached under $XDG_CACHE_HOME/loadwatch/maps."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "loadwatch" / "maps"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "loadwatch" / "maps"


def test_match_result_shares_main_class_and_rescaling() -> None:
    """The main class is the one with most km; rescaling keeps the proportions."""
    result = MatchResult(
        surface_km={"road": 3.0, "trail": 1.0, "track": 0.0, "unknown": 1.0},
        classes=np.array(["road"] * 3),
        confident=np.ones(3, dtype=bool),
        way_ids=np.ones(3, dtype=np.int64),
        low_confidence_km=0.5,
        outside_km=0.0,
        step_m=20.0,
    )
    assert result.surface == "road"
    assert result.matched_km == 4.0
    assert result.low_confidence_share == 0.125
    assert result.scaled_to(10.0) == {"road": 6.0, "trail": 2.0, "track": 0.0, "unknown": 2.0}
    empty = dataclasses.replace(result, surface_km=dict.fromkeys(CLASSES, 0.0))
    assert empty.surface == "road" and empty.low_confidence_share == 0.0
    assert empty.scaled_to(5.0)["unknown"] == 5.0
