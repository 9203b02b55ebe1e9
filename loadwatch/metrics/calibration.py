"""Pace measured on the heart-rate scale: the runner's own runs with both calibrate the rest.

A run without heart rate (a strap left at home) has only a pace-based intensity and load, whose
scale is not the heart-rate one: the same easy run reads harder or easier depending on which
of the two it was measured with. Over the runner's runs that have both, in a window of days
around the run, the median ratio of the heart-rate measure to the pace measure says how the
two scales relate for this runner at that time; the pace measure times it is then comparable
with the heart-rate weeks. See ``docs/metrics.md`` ("Intensity", "Training load").
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

#: Runs with both measures this many days either side of a run calibrate it.
CALIBRATION_WINDOW_DAYS = 90
#: Runs with both measures needed in the window; with fewer the pace measure stays as it is.
MIN_CALIBRATION_RUNS = 3

_Floats = NDArray[np.float64]


def calibration_ratios(
    days: _Floats,
    by_heart_rate: _Floats,
    by_pace: _Floats,
    *,
    window_days: float = CALIBRATION_WINDOW_DAYS,
    min_runs: int = MIN_CALIBRATION_RUNS,
) -> _Floats:
    """For each run, the median of heart-rate measure / pace measure over the runs with both.

    Args:
        days: Each run's start, in days (any origin, the same for all).
        by_heart_rate: Each run's measure from heart rate (NaN without).
        by_pace: The same measure from pace (NaN without).
        window_days: Only runs this many days either side count.
        min_runs: Runs with both needed in the window.

    Returns:
        One ratio per run: NaN where fewer than ``min_runs`` runs with both (positive) measures
        fall in its window.
    """
    days = np.asarray(days, dtype="float64")
    usable = np.isfinite(by_heart_rate) & np.isfinite(by_pace) & (by_pace > 0) & (by_heart_rate > 0)
    order = np.argsort(days[usable], kind="stable")
    when = days[usable][order]
    ratios = (np.asarray(by_heart_rate)[usable] / np.asarray(by_pace)[usable])[order]
    out = np.full(len(days), math.nan)
    if len(when) < min_runs:
        return out
    first = np.searchsorted(when, days - window_days, side="left")
    last = np.searchsorted(when, days + window_days, side="right")
    for position in np.flatnonzero(last - first >= min_runs):
        out[position] = float(np.median(ratios[first[position] : last[position]]))
    return out
