"""Distances on the Earth's surface, vectorised over numpy arrays, for readers without a distance.

A sphere of the mean Earth radius is accurate to about 0.5 % against the WGS84 ellipsoid, which is
well inside GPS noise for the distances between consecutive track points.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from loadwatch.ingest.limits import TRACK_POINTS_PER_SAMPLE

#: Mean Earth radius (IUGG R1), in metres.
EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]


def valid_positions(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Which points have a usable position: finite, latitude within ±90, longitude within ±180."""
    lat_a = np.asarray(lat, dtype="float64")
    lon_a = np.asarray(lon, dtype="float64")
    with np.errstate(invalid="ignore"):
        mask = (
            np.isfinite(lat_a)
            & np.isfinite(lon_a)
            & (np.abs(lat_a) <= 90.0)
            & (np.abs(lon_a) <= 180.0)
        )
    return np.asarray(mask, dtype=bool)


def haversine_m(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in metres between points given in degrees (NaN where any is NaN).

    Args:
        lat1: Latitudes of the first points, degrees.
        lon1: Longitudes of the first points, degrees.
        lat2: Latitudes of the second points, degrees.
        lon2: Longitudes of the second points, degrees.

    Returns:
        The distances, broadcast like the inputs (a 0-d array for scalars).
    """
    phi1 = np.radians(np.asarray(lat1, dtype="float64"))
    phi2 = np.radians(np.asarray(lat2, dtype="float64"))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2, dtype="float64") - np.asarray(lon1, dtype="float64"))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2.0) ** 2
    # Rounding can push ``a`` a hair outside [0, 1] for antipodal or identical points.
    a = np.clip(a, 0.0, 1.0)
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a)), dtype="float64")


def cumulative_distance_m(
    lat: npt.ArrayLike, lon: npt.ArrayLike, segment_ids: npt.ArrayLike | None = None
) -> FloatArray:
    """Distance travelled up to each point, summing great-circle steps between consecutive points.

    Points without a usable position (see :func:`valid_positions`) are stepped over: the path
    runs from the last positioned point to the next one, and they carry the distance so far
    (0 before the first positioned point). When ``segment_ids`` is given, a step between points
    of different segments adds nothing: a segment break is a pause (device stopped, GPS lost),
    and the straight line across it was not travelled.

    Args:
        lat: Latitudes in degrees, one per point, in the order travelled.
        lon: Longitudes in degrees.
        segment_ids: Optional segment label per point (any comparable values).

    Returns:
        Non-decreasing cumulative distances in metres; all NaN when no point has a position.
    """
    lat_a = np.asarray(lat, dtype="float64")
    lon_a = np.asarray(lon, dtype="float64")
    if lat_a.shape != lon_a.shape or lat_a.ndim != 1:
        raise ValueError("lat and lon must be one-dimensional arrays of the same length")
    n = lat_a.shape[0]
    out = np.full(n, np.nan, dtype="float64")
    idx = np.flatnonzero(valid_positions(lat_a, lon_a))
    if idx.size == 0:
        return out
    steps = haversine_m(lat_a[idx[:-1]], lon_a[idx[:-1]], lat_a[idx[1:]], lon_a[idx[1:]])
    if segment_ids is not None:
        seg = np.asarray(segment_ids)
        if seg.shape != lat_a.shape:
            raise ValueError("segment_ids must have one label per point")
        steps = np.where(seg[idx[1:]] == seg[idx[:-1]], steps, 0.0)
    out[idx] = np.concatenate(([0.0], np.cumsum(steps)))
    # Carry the distance so far onto points without a position; 0 before the first fix.
    filled = np.where(np.isnan(out), -np.inf, out)
    filled = np.maximum.accumulate(filled)
    return np.where(np.isneginf(filled), 0.0, filled)


#: Spacing of resampled tracks (m): fine enough to follow a path, coarse enough to be small.
DEFAULT_STEP_M = 20.0


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
    points, so that the points times ``step_m`` add up to ``L`` within half a step; but never
    more than :data:`~loadwatch.ingest.limits.TRACK_POINTS_PER_SAMPLE` per positioned point, so
    that the work is bounded by the points, whatever distance the file claims.

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
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        along = along - along[0]
    total = float(along[-1])
    if not math.isfinite(total):  # a counter of finite but huge numbers: follow the positions
        along = cumulative_distance_m(lat_a, lon_a)
        total = float(along[-1])
    if total <= 0:
        return lat_a[:1].copy(), lon_a[:1].copy()
    # np.interp wants strictly increasing x: a micrometre per point separates the points of a
    # standstill, so that a position jump during a pause is crossed in a micrometre, not a step.
    along = along + np.arange(along.size) * 1e-6
    count = min(max(1, round(total / step_m)), TRACK_POINTS_PER_SAMPLE * lat_a.size)
    targets = np.minimum((np.arange(count) + 0.5) * step_m, total)
    return np.interp(targets, along, lat_a), np.interp(targets, along, lon_a)
