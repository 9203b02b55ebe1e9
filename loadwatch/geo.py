"""Distances on the Earth's surface, vectorised over numpy arrays, for readers without a distance.

A sphere of the mean Earth radius is accurate to about 0.5 % against the WGS84 ellipsoid, which is
well inside GPS noise for the distances between consecutive track points.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

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
