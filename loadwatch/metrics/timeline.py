"""From activity summaries to the timeline: one row per activity, in the athlete's local time.

:func:`thresholds` derives the athlete's numbers from the config, else from the running
history; :func:`build_timeline` measures each activity against them and splits each run over
the surfaces. The summaries come from :func:`loadwatch.ingest.scan.scan`; :func:`loadwatch.timeline`
reads a folder into a timeline in one call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from loadwatch.fields import ACTIVITY_FIELDS, Frame, columns
from loadwatch.ingest.formats import records_positions
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.metrics.calendar import local_dates, to_local
from loadwatch.metrics.calibration import calibration_ratios
from loadwatch.metrics.surfaces import main_surface, run_surfaces
from loadwatch.metrics.trimp import (
    DEFAULT_SEX,
    THRESHOLD_HRR_FRACTION,
    activity_load,
    pace_load,
)
from loadwatch.model import Thresholds
from loadwatch.settings.config import Athlete, SurfaceRule
from loadwatch.vocab import MeasureSource, Origin, Surface

#: Resting heart rate assumed when the config gives none (bpm): a default, not measured.
DEFAULT_REST_HR = 60.0
#: Maximum heart rate assumed when neither the config nor the history shows it (bpm): a guess,
#: Tanaka, Monahan & Seals (2001)'s 208 - 0.7 x age at 25, high for most adults, so that a
#: guessed threshold errs towards easy rather than making easy runs hard.
GUESSED_MAX_HR = 190.0
#: A run shows a hard effort when its 99th-percentile heart rate is this many times as far above
#: rest as the typical run's mean (a convention: 65% of reserve for an easy run, x 1.25 = 81%).
HARD_EFFORT_RESERVE = 1.25
#: Hard efforts the history needs before its highest heart rate is taken as the maximum.
MIN_HARD_EFFORTS = 2
#: Threshold speed: this percentile of the mean moving speeds of the longer runs.
THRESHOLD_SPEED_PERCENTILE = 90.0
#: ...when that percentile is at least this many times the median (the history has faster runs).
FAST_RUN_SPREAD = 1.10
#: Otherwise the typical (median) run is taken as easy, at this share of threshold speed
#: (Daniels' easy pace is about 75-82% of his threshold pace's speed): a guess.
EASY_SHARE_OF_THRESHOLD_SPEED = 0.78
#: Runs shorter than this (moving time) do not set the threshold speed.
THRESHOLD_SPEED_MIN_MOVING_S = 20 * 60
#: A run counts as heart-rate based when this share of its moving time has a reading.
MIN_HR_COVERAGE = 0.5

#: The timeline's columns, in order (from the field schema).
TIMELINE_COLUMNS: tuple[str, ...] = columns(ACTIVITY_FIELDS, Frame.TIMELINE)
#: The timeline's columns that are not numbers.
_TEXT_COLUMNS = frozenset(
    f.name for f in ACTIVITY_FIELDS if f.frame is Frame.TIMELINE and not f.kind.is_number
)


def thresholds(summaries: Sequence[ActivitySummary], athlete: Athlete) -> Thresholds:
    """Work out the athlete's thresholds from the config, else from the history, else a guess.

    Each number's ``origin`` is ``"config"``, ``"history"`` (the runs show it), ``"default"``
    (rest 60 bpm) or ``"guess"`` (the runs cannot show it; see ``docs/metrics.md``,
    "Thresholds"): max = the highest 99th-percentile heart rate of any run once at least
    :data:`MIN_HARD_EFFORTS` runs show a hard effort, else :data:`GUESSED_MAX_HR` (or the
    highest, if higher); threshold heart rate = rest + 0.85 x (max - rest); threshold speed =
    the 90th percentile of the mean moving speeds of runs of 20 minutes or more when those are
    at least 10% faster than the median, else the median / 0.78.
    """
    runs = [s for s in summaries if s.sport == "running"]
    origin: dict[str, str] = {}
    if athlete.rest_hr is not None:
        rest, origin["rest_hr"] = athlete.rest_hr, Origin.CONFIG
    else:
        rest, origin["rest_hr"] = DEFAULT_REST_HR, Origin.DEFAULT
    if athlete.max_hr is not None:
        top, origin["max_hr"] = athlete.max_hr, Origin.CONFIG
    else:
        top, origin["max_hr"] = _max_hr(runs, rest)
    if athlete.threshold_hr is not None:
        threshold_hr, origin["threshold_hr"] = athlete.threshold_hr, Origin.CONFIG
    elif math.isfinite(top) and top > rest:
        threshold_hr = rest + THRESHOLD_HRR_FRACTION * (top - rest)
        origin["threshold_hr"] = origin["max_hr"]
    else:
        threshold_hr, origin["threshold_hr"] = math.nan, Origin.UNKNOWN
    if athlete.threshold_pace_s_per_km is not None:
        speed, origin["threshold_speed_mps"] = (
            1000.0 / athlete.threshold_pace_s_per_km,
            Origin.CONFIG,
        )
    else:
        speed, origin["threshold_speed_mps"] = _threshold_speed(runs)
    return Thresholds(rest, top, threshold_hr, speed, origin)


def _max_hr(runs: Sequence[ActivitySummary], rest: float) -> tuple[float, str]:
    """The highest heart rate of the history when its runs show hard efforts, else a guess."""
    peaks = np.array([s.hr_p99 for s in runs if math.isfinite(s.hr_p99)])
    if not len(peaks):
        return math.nan, Origin.UNKNOWN
    means = [s.hr.mean() for s in runs if s.hr_coverage >= MIN_HR_COVERAGE]
    typical = float(np.median(means)) if means else float(np.median(peaks))
    hard = int((peaks - rest >= HARD_EFFORT_RESERVE * (typical - rest)).sum())
    if hard >= MIN_HARD_EFFORTS and typical > rest:
        return float(peaks.max()), Origin.HISTORY
    return max(GUESSED_MAX_HR, float(peaks.max())), Origin.GUESS


def _threshold_speed(runs: Sequence[ActivitySummary]) -> tuple[float, str]:
    """Threshold speed from the faster longer runs, or guessed from the typical one."""
    speeds = [
        s.mean_moving_speed_mps
        for s in runs
        if s.moving_s >= THRESHOLD_SPEED_MIN_MOVING_S and math.isfinite(s.mean_moving_speed_mps)
    ]
    if not speeds:
        return math.nan, Origin.UNKNOWN
    fast = float(np.percentile(speeds, THRESHOLD_SPEED_PERCENTILE))
    typical = float(np.median(speeds))
    if fast >= FAST_RUN_SPREAD * typical:
        return fast, Origin.HISTORY
    return max(fast, typical / EASY_SHARE_OF_THRESHOLD_SPEED), Origin.GUESS


def build_timeline(
    summaries: Sequence[ActivitySummary],
    limits: Thresholds,
    *,
    timezone: str,
    rules: Sequence[SurfaceRule] = (),
    sex: str | None = None,
    map_surfaces: Mapping[str, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """One row per activity (columns :data:`TIMELINE_COLUMNS`), ``start`` in local time.

    Each run's distance is split over the surface classes (``surface_km_*``, see
    :func:`loadwatch.metrics.surfaces.run_surfaces`), from ``map_surfaces`` (km per class, by source
    label) where a map was matched; ``surface`` is the class with most distance.

    Intensity of a run is the moving-time mean of (hr - rest) / (threshold_hr - rest) when at
    least half of its moving time has heart rate; otherwise, for runs, its mean moving speed /
    threshold speed, times the runner's own ratio of the two over the runs with both around it
    when there are enough (:mod:`loadwatch.metrics.calibration`); ``intensity_source`` says
    which. ``hard_minutes`` are the moving minutes at or above threshold (for a calibrated run,
    the speed at which its calibrated intensity reaches 1). ``trimp`` is Banister's TRIMP over
    the heart-rate histogram, ``load`` that or (for runs without heart rate) an estimate from
    pace, calibrated the same way, and ``load_source`` says which
    (:func:`loadwatch.metrics.trimp.activity_load`); ``sex`` picks the TRIMP constants (default
    male).
    """
    matched = map_surfaces or {}
    measured = [_measure(s, limits, sex or DEFAULT_SEX) for s in summaries]
    days = np.array([pd.Timestamp(s.start).timestamp() / 86400.0 for s in summaries])
    intensity_ratio = calibration_ratios(
        days,
        np.array([m.hr_intensity for m in measured], dtype="float64"),
        np.array([m.pace_intensity for m in measured], dtype="float64"),
    )
    load_ratio = calibration_ratios(
        days,
        np.array([m.trimp for m in measured], dtype="float64"),
        np.array([m.pace_load for m in measured], dtype="float64"),
    )
    rows = [
        {
            **_measures(s, m, limits, float(i_ratio), float(l_ratio)),
            **_row(s, rules, matched.get(s.source)),
        }
        for s, m, i_ratio, l_ratio in zip(
            summaries, measured, intensity_ratio, load_ratio, strict=True
        )
    ]
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    frame["start"] = to_local(frame["start"], timezone)
    for column in TIMELINE_COLUMNS:
        if column not in _TEXT_COLUMNS:  # numbers stay float64 even when all are missing
            frame[column] = frame[column].astype("float64")
    return frame.sort_values(["start", "source"], kind="stable").reset_index(drop=True)


class _Measured(NamedTuple):
    """One activity's intensity and load on each scale (NaN where it has none)."""

    hr_intensity: float
    pace_intensity: float
    trimp: float
    pace_load: float
    other_load: float


def _measure(summary: ActivitySummary, limits: Thresholds, sex: str) -> _Measured:
    hr_based = (
        summary.hr_coverage >= MIN_HR_COVERAGE
        and math.isfinite(limits.threshold_hr)
        and limits.threshold_hr > limits.rest_hr
    )
    hr_intensity = (
        (summary.hr.mean() - limits.rest_hr) / (limits.threshold_hr - limits.rest_hr)
        if hr_based
        else math.nan
    )
    speed = summary.mean_moving_speed_mps
    runs = summary.sport == "running" and math.isfinite(speed)
    pace_intensity = speed / limits.threshold_speed_mps if runs else math.nan
    load = activity_load(
        summary,
        rest_hr=limits.rest_hr,
        max_hr=limits.max_hr,
        threshold_hr=limits.threshold_hr,
        threshold_speed_mps=limits.threshold_speed_mps,
        sex=sex,
        min_hr_coverage=MIN_HR_COVERAGE,
    )
    by_pace = math.nan
    if summary.sport == "running":
        by_pace = pace_load(
            summary,
            rest_hr=limits.rest_hr,
            max_hr=limits.max_hr,
            threshold_hr=limits.threshold_hr,
            threshold_speed_mps=limits.threshold_speed_mps,
            sex=sex,
        )
    return _Measured(hr_intensity, pace_intensity, load.trimp, by_pace, load.load)


def _measures(
    summary: ActivitySummary,
    measured: _Measured,
    limits: Thresholds,
    intensity_ratio: float,
    load_ratio: float,
) -> dict[str, object]:
    """Intensity, hard minutes and load, each with where it came from."""
    hard_s, threshold_speed = 0.0, limits.threshold_speed_mps
    if math.isfinite(measured.hr_intensity):
        intensity, intensity_source = measured.hr_intensity, MeasureSource.HEART_RATE
        hard_s = summary.hr.seconds_at_or_above(limits.threshold_hr)
    elif math.isfinite(measured.pace_intensity) and math.isfinite(intensity_ratio):
        intensity = measured.pace_intensity * intensity_ratio
        intensity_source, threshold_speed = (
            MeasureSource.PACE_CALIBRATED,
            threshold_speed / intensity_ratio,
        )
    elif math.isfinite(measured.pace_intensity):
        intensity, intensity_source = measured.pace_intensity, MeasureSource.PACE
    else:
        intensity, intensity_source = math.nan, MeasureSource.NONE
    if intensity_source in (MeasureSource.PACE, MeasureSource.PACE_CALIBRATED):
        hard_s = summary.speed.seconds_at_or_above(threshold_speed)
    if math.isfinite(measured.trimp):
        load, load_source = measured.trimp, MeasureSource.HEART_RATE
    elif math.isfinite(measured.pace_load) and math.isfinite(load_ratio):
        load, load_source = measured.pace_load * load_ratio, MeasureSource.PACE_CALIBRATED
    elif math.isfinite(measured.other_load):
        load, load_source = measured.other_load, MeasureSource.PACE
    else:
        load, load_source = math.nan, MeasureSource.NONE
    return {
        "avg_hr": summary.hr.mean(),
        "intensity": intensity,
        "intensity_source": intensity_source,
        "hard_minutes": hard_s / 60.0,
        "trimp": measured.trimp,
        "load": load,
        "load_source": load_source,
    }


def _row(
    summary: ActivitySummary,
    rules: Sequence[SurfaceRule],
    from_map: Mapping[str, float] | None,
) -> dict[str, object]:
    surface: str | None = None
    surface_source: str | None = None
    breakdown: dict[str, float] = dict.fromkeys(Surface, 0.0)
    if summary.sport == "running":
        breakdown, surface_source = run_surfaces(
            source=summary.source,
            sub_sport=summary.sub_sport,
            activity_type=summary.activity_type,
            name=summary.name,
            has_gps=summary.has_gps,
            distance_m=summary.distance_m,
            rules=rules,
            from_map=from_map,
            records_positions=records_positions(summary.format),
        )
        surface = main_surface(breakdown)
    return {
        "start": summary.start,
        "sport": summary.sport,
        "sub_sport": summary.sub_sport,
        "surface": surface,
        "distance_km": summary.distance_m / 1000.0,
        "duration_s": summary.duration_s,
        "moving_s": summary.moving_s,
        "elev_gain_m": summary.elev_gain_m,
        "mean_speed_mps": summary.mean_moving_speed_mps,
        "name": summary.name,
        "device": summary.device,
        "format": summary.format,
        "source": summary.source,
        "surface_source": surface_source,
        **{f"surface_km_{s}": km for s, km in breakdown.items()},
    }


def since_filter(frame: pd.DataFrame, since: date | None) -> pd.DataFrame:
    """Rows whose local start date is on or after ``since`` (all rows when ``None``).

    To keep whole weeks, pass the first day of ``since``'s week
    (:func:`loadwatch.metrics.calendar.week_of`), as :func:`loadwatch.analyze` does.
    """
    if since is None or frame.empty:
        return frame
    kept: pd.DataFrame = frame[local_dates(frame["start"]) >= since].reset_index(drop=True)
    return kept


def weeks_since(weeks: pd.DataFrame, first_day: date | None) -> pd.DataFrame:
    """The weeks (indexed by their first day) from ``first_day`` on (all when ``None``).

    The weeks are computed on the whole history first, so that the first weeks kept still
    have their change, ACWR and the rest; only what is shown starts at ``first_day``.
    """
    if first_day is None or weeks.empty:
        return weeks
    kept: pd.DataFrame = weeks[weeks.index >= pd.Timestamp(first_day)]
    return kept
