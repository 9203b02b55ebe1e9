"""Points at equal distances along a run, the form a track is matched (and stored) in."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from loadwatch.geo import FloatArray, cumulative_distance_m, valid_positions
from loadwatch.maps.surface_map import DEFAULT_STEP_M


def resample_track(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    distance_m: npt.ArrayLike | None = None,
    step_m: float = DEFAULT_STEP_M,
) -> tuple[FloatArray, FloatArray]:
    """Positions every ``step_m`` along a run, each in the middle of its step.

    The run's ``distance_m`` is followed where every positioned point has one and it grows (a
    pause, where the distance stands still while the position jumps, then gets no points);
    otherwise the distance is the sum of great-circle steps between positioned points. Points
    without a position are skipped. A run of length ``L`` gives ``max(1, round(L / step_m))``
    points, so that the points times ``step_m`` add up to ``L`` within half a step.

    Args:
        lat: Latitudes, degrees, in the order recorded (NaN where there is no fix).
        lon: Longitudes, degrees.
        distance_m: The run's cumulative distance per point, or ``None``.
        step_m: Spacing of the output points, metres.

    Returns:
        Latitudes and longitudes of the resampled points; empty when fewer than one point has
        a position, a single point when the run does not move.

    Raises:
        ValueError: The arrays differ in length, or ``step_m`` is not positive.
    """
    if not step_m > 0:
        raise ValueError(f"step_m must be positive, not {step_m}")
    lat_a = np.asarray(lat, dtype="float64").ravel()
    lon_a = np.asarray(lon, dtype="float64").ravel()
    if lat_a.shape != lon_a.shape:
        raise ValueError("lat and lon must have the same length")
    keep = valid_positions(lat_a, lon_a)
    lat_a, lon_a = lat_a[keep], lon_a[keep]
    if lat_a.size == 0:
        return np.empty(0), np.empty(0)
    along: FloatArray | None = None
    if distance_m is not None:
        given = np.asarray(distance_m, dtype="float64").ravel()
        if given.shape != keep.shape:
            raise ValueError("distance_m must have one value per point")
        given = given[keep]
        if np.isfinite(given).all() and given[-1] > given[0]:
            # A counter glitch backwards is not running backwards.
            along = np.maximum.accumulate(given)
    if along is None:
        along = cumulative_distance_m(lat_a, lon_a)
    along = along - along[0]
    total = float(along[-1])
    if total <= 0:
        return lat_a[:1].copy(), lon_a[:1].copy()
    # np.interp wants strictly increasing x: a micrometre per point separates the points of a
    # standstill, so that a position jump during a pause is crossed in a micrometre, not a step.
    along = along + np.arange(along.size) * 1e-6
    count = max(1, round(total / step_m))
    targets = np.minimum((np.arange(count) + 0.5) * step_m, total)
    return np.interp(targets, along, lat_a), np.interp(targets, along, lon_a)
