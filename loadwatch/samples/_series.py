"""Helpers the FIT, GPX and TCX writers share: columns, lap boundaries, timestamps, lap stats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_column(name: str, values: ArrayLike | None, length: int) -> NDArray[np.float64] | None:
    """``values`` as a float column of ``length`` (NaN = missing), or ``None`` when absent.

    Raises:
        ValueError: The column's shape does not match ``elapsed_s``.
    """
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float64)
    if array.shape != (length,):
        raise ValueError(f"{name} has shape {array.shape}; expected ({length},) like elapsed_s")
    return array


def as_elapsed(elapsed_s: ArrayLike) -> NDArray[np.float64]:
    """Validated elapsed seconds: one-dimensional, non-empty, finite and non-decreasing.

    Raises:
        ValueError: Otherwise.
    """
    elapsed = np.asarray(elapsed_s, dtype=np.float64)
    if elapsed.ndim != 1 or elapsed.size == 0 or not np.isfinite(elapsed).all():
        raise ValueError("elapsed_s must be a non-empty one-dimensional array of finite seconds")
    if (np.diff(elapsed) < 0).any():
        raise ValueError("elapsed_s must not decrease")
    return elapsed


def lap_start_indices(
    elapsed: NDArray[np.float64],
    distance: NDArray[np.float64] | None,
    lap_distance_m: float | None,
    lap_starts_s: Sequence[float] | None,
) -> list[int]:
    """Index of the first sample of every lap (always starting with 0).

    Explicit ``lap_starts_s`` (elapsed seconds) win; otherwise a lap starts each time the
    distance passes a multiple of ``lap_distance_m`` (auto-lap); otherwise one lap.
    """
    n = elapsed.size
    if lap_starts_s is not None:
        bounds = np.searchsorted(elapsed, np.asarray(lap_starts_s, dtype=np.float64))
    elif lap_distance_m and distance is not None:
        done = np.fmax.accumulate(np.nan_to_num(distance, nan=0.0))
        bounds = np.flatnonzero(np.diff(np.floor(done / lap_distance_m)) > 0) + 1
    else:
        bounds = np.empty(0, dtype=np.intp)
    return sorted({0, *(int(b) for b in bounds if 0 < b < n)})


def iso_times(start: datetime, elapsed: NDArray[np.float64], *, millis: bool = False) -> list[str]:
    """ISO 8601 UTC timestamps (``2026-06-02T05:00:03Z``) of ``start`` plus each elapsed time.

    Raises:
        ValueError: ``start`` has no time zone.
    """
    if start.tzinfo is None:
        raise ValueError(f"{start} has no time zone")
    base = np.datetime64(round(start.timestamp() * 1000), "ms")
    moments = base + np.rint(elapsed * 1000).astype("timedelta64[ms]")
    text = np.datetime_as_string(moments, unit="ms" if millis else "s")
    return [f"{value}Z" for value in text.tolist()]


def window(values: NDArray[np.float64] | None, lo: int, hi: int) -> NDArray[np.float64] | None:
    """``values[lo:hi]``, or ``None`` when there is no such column."""
    return None if values is None else values[lo:hi]


def finite_mean(values: NDArray[np.float64] | None) -> float | None:
    """Mean of the values that are not NaN; ``None`` without any (or without a column)."""
    if values is None:
        return None
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else None


def finite_max(values: NDArray[np.float64] | None) -> float | None:
    """Largest value that is not NaN; ``None`` without any (or without a column)."""
    if values is None:
        return None
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else None
