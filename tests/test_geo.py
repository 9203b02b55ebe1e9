"""Tests for the great-circle helpers the GPX and TCX readers share."""

from __future__ import annotations

import numpy as np
import pytest

from loadwatch.ingest.geo import cumulative_distance_m, haversine_m, valid_positions

# Metres per degree on the WGS84 ellipsoid: of longitude on the equator (a·π/180) and of
# latitude at 45° (meridian arc), the reference the spherical formula is checked against.
WGS84_M_PER_DEG_LON_EQUATOR = 111_319.4908
WGS84_M_PER_DEG_LAT_45 = 111_131.78


@pytest.mark.parametrize(
    ("lat1", "lon1", "lat2", "lon2"),
    [
        (0.0, 10.0, 0.0, 10.0 + 1000 / WGS84_M_PER_DEG_LON_EQUATOR),
        (45.0, 14.0, 45.0 + 1000 / WGS84_M_PER_DEG_LAT_45, 14.0),
    ],
)
def test_haversine_one_kilometre_within_half_a_percent(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    """Two points 1 km apart on the WGS84 ellipsoid measure 1 km within 0.5 %."""
    assert float(haversine_m(lat1, lon1, lat2, lon2)) == pytest.approx(1000.0, rel=0.005)


def test_haversine_is_vectorised_and_propagates_nan() -> None:
    """Arrays give one distance per pair, and a missing coordinate gives NaN."""
    result = haversine_m([0.0, 0.0], [0.0, np.nan], [0.0, 1.0], [0.0, 0.0])
    assert result[0] == 0.0
    assert np.isnan(result[1])


def test_haversine_antipodes_is_half_the_circumference() -> None:
    """Rounding at the antipodes cannot push the result past half the circumference."""
    assert float(haversine_m(0.0, 0.0, 0.0, 180.0)) == pytest.approx(np.pi * 6_371_008.8)


def test_cumulative_distance_skips_segment_breaks() -> None:
    """A step between two segments adds nothing: the break is a pause, not travelled."""
    lat = [0.0, 0.0, 0.0, 0.0]
    lon = [0.0, 0.01, 0.5, 0.51]
    distance = cumulative_distance_m(lat, lon, segment_ids=[0, 0, 1, 1])
    step = float(haversine_m(0.0, 0.0, 0.0, 0.01))
    assert distance == pytest.approx([0.0, step, step, 2 * step])


def test_cumulative_distance_steps_over_missing_positions() -> None:
    """Points without a position carry the distance so far; the path runs past them."""
    lat = [np.nan, 0.0, 95.0, 0.0]
    lon = [np.nan, 0.0, 0.0, 0.01]
    distance = cumulative_distance_m(lat, lon)
    step = float(haversine_m(0.0, 0.0, 0.0, 0.01))
    assert distance == pytest.approx([0.0, 0.0, 0.0, step])


def test_cumulative_distance_without_positions_is_nan() -> None:
    """No position at all means the distance is unknown, not zero."""
    assert np.isnan(cumulative_distance_m([np.nan, np.nan], [np.nan, np.nan])).all()


def test_valid_positions_rejects_out_of_range_coordinates() -> None:
    """Latitudes beyond ±90, longitudes beyond ±180 and infinities are not positions."""
    mask = valid_positions([0.0, 91.0, 10.0, np.inf], [0.0, 0.0, 181.0, 0.0])
    assert mask.tolist() == [True, False, False, False]
