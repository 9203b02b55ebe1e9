"""Pace measured on the heart-rate scale: the runner's own runs with both calibrate the rest.

A run without heart rate (a strap left at home) has only a pace-based intensity and load, whose
scale is not the heart-rate one: the same easy run reads harder or easier depending on which
of the two it was measured with. Over the runner's runs that have both, in a window of days
around the run, the median ratio of the heart-rate measure to the pace measure says how the
two scales relate for this runner at that time; the pace measure times it is then comparable
with the heart-rate weeks. A strapless run with a perceived effort (``rpe``) has its session RPE
load put on the same scale the same way (:func:`with_srpe_load`). See ``docs/metrics.md``
("Intensity", "Training load").
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from loadwatch.vocab import MeasureSource, Sport

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
    # statistics.median of a short list is the same number as np.median (the middle value, or
    # the mean of the two middle ones), at a tenth of the cost per call
    values = ratios.tolist()
    for position in np.flatnonzero(last - first >= min_runs).tolist():
        out[position] = statistics.median(values[first[position] : last[position]])
    return out


def with_srpe_load(timeline: pd.DataFrame) -> pd.DataFrame:
    """The timeline with strapless runs' ``load`` from their session RPE, where they have one.

    A run whose load is not from heart rate (``load_source`` ``pace``, ``pace_calibrated`` or
    ``none``) but has an ``rpe`` (the body log's or the export's) gets session RPE × minutes
    (Foster et al. 2001), times the median TRIMP / sRPE of the runner's runs with both in the
    window around it (``load_source`` ``srpe_calibrated``); with fewer than
    :data:`MIN_CALIBRATION_RUNS` such runs, the sRPE itself, on its own scale (``srpe``).
    See ``docs/metrics.md`` ("Training load").
    """
    if timeline.empty or "rpe" not in timeline.columns or "load_source" not in timeline.columns:
        return timeline
    runs = (timeline["sport"] == Sport.RUNNING).to_numpy()
    srpe = np.where(runs, (timeline["rpe"] * timeline["duration_s"] / 60.0).to_numpy(), np.nan)
    by_heart_rate = timeline["load_source"] == MeasureSource.HEART_RATE
    wanted = runs & np.isfinite(srpe) & ~by_heart_rate.to_numpy()
    if not wanted.any():
        return timeline
    days = pd.to_datetime(timeline["start"], utc=True).astype("int64").to_numpy() / 86400e9
    trimp = np.where(by_heart_rate, timeline["trimp"].to_numpy(dtype="float64"), np.nan)
    ratio = calibration_ratios(days, trimp, srpe.astype("float64"))
    out = timeline.copy()
    calibrated = wanted & np.isfinite(ratio)
    out.loc[calibrated, "load"] = srpe[calibrated] * ratio[calibrated]
    out.loc[calibrated, "load_source"] = MeasureSource.SRPE_CALIBRATED
    alone = wanted & ~np.isfinite(ratio)
    out.loc[alone, "load"] = srpe[alone]
    out.loc[alone, "load_source"] = MeasureSource.SRPE
    return out
