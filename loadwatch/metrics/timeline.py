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

import numpy as np
import pandas as pd

from loadwatch.fields import ACTIVITY_FIELDS, Frame, columns
from loadwatch.ingest.summary import ActivitySummary
from loadwatch.metrics.calendar import local_dates, to_local
from loadwatch.metrics.surfaces import main_surface, run_surfaces
from loadwatch.metrics.trimp import DEFAULT_SEX, THRESHOLD_HRR_FRACTION, activity_load
from loadwatch.model import Thresholds
from loadwatch.settings.config import Athlete, SurfaceRule
from loadwatch.vocab import Surface

#: Resting heart rate assumed when the config gives none (bpm).
DEFAULT_REST_HR = 60.0
#: Threshold speed: this percentile of the mean moving speeds of the longer runs.
THRESHOLD_SPEED_PERCENTILE = 90.0
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
    """Work out the athlete's thresholds from the config, else from the running history.

    Defaults (see ``docs/metrics.md``): rest 60 bpm; max = the highest 99th-percentile heart
    rate of any run; threshold heart rate = rest + 0.85 x (max - rest); threshold speed = the
    90th percentile of the mean moving speeds of runs of 20 minutes or more.
    """
    runs = [s for s in summaries if s.sport == "running"]
    origin: dict[str, str] = {}
    if athlete.rest_hr is not None:
        rest, origin["rest_hr"] = athlete.rest_hr, "config"
    else:
        rest, origin["rest_hr"] = DEFAULT_REST_HR, "default"
    peaks = [s.hr_p99 for s in runs if math.isfinite(s.hr_p99)]
    if athlete.max_hr is not None:
        top, origin["max_hr"] = athlete.max_hr, "config"
    else:
        top, origin["max_hr"] = (max(peaks), "history") if peaks else (math.nan, "history")
    if athlete.threshold_hr is not None:
        threshold_hr, origin["threshold_hr"] = athlete.threshold_hr, "config"
    elif math.isfinite(top) and top > rest:
        threshold_hr = rest + THRESHOLD_HRR_FRACTION * (top - rest)
        origin["threshold_hr"] = "config" if origin["max_hr"] == "config" else "history"
    else:
        threshold_hr, origin["threshold_hr"] = math.nan, "history"
    if athlete.threshold_pace_s_per_km is not None:
        speed, origin["threshold_speed_mps"] = 1000.0 / athlete.threshold_pace_s_per_km, "config"
    else:
        speeds = [
            s.mean_moving_speed_mps
            for s in runs
            if s.moving_s >= THRESHOLD_SPEED_MIN_MOVING_S and math.isfinite(s.mean_moving_speed_mps)
        ]
        speed = float(np.percentile(speeds, THRESHOLD_SPEED_PERCENTILE)) if speeds else math.nan
        origin["threshold_speed_mps"] = "history"
    return Thresholds(rest, top, threshold_hr, speed, origin)


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
    threshold speed. ``hard_minutes`` are the moving minutes at or above threshold.
    ``trimp`` is Banister's TRIMP over the heart-rate histogram, ``load`` that or (for runs
    without heart rate) an estimate from pace, and ``load_source`` says which
    (:func:`loadwatch.metrics.trimp.activity_load`); ``sex`` picks the TRIMP constants (default
    male).
    """
    matched = map_surfaces or {}
    rows = [_row(s, limits, rules, sex or DEFAULT_SEX, matched.get(s.source)) for s in summaries]
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    frame["start"] = to_local(frame["start"], timezone)
    for column in TIMELINE_COLUMNS:
        if column not in _TEXT_COLUMNS:  # numbers stay float64 even when all are missing
            frame[column] = frame[column].astype("float64")
    return frame.sort_values(["start", "source"], kind="stable").reset_index(drop=True)


def _row(
    summary: ActivitySummary,
    limits: Thresholds,
    rules: Sequence[SurfaceRule],
    sex: str,
    from_map: Mapping[str, float] | None,
) -> dict[str, object]:
    avg_hr = summary.hr.mean()
    hr_based = (
        summary.hr_coverage >= MIN_HR_COVERAGE
        and math.isfinite(limits.threshold_hr)
        and limits.threshold_hr > limits.rest_hr
    )
    speed = summary.mean_moving_speed_mps
    if hr_based:
        intensity = (avg_hr - limits.rest_hr) / (limits.threshold_hr - limits.rest_hr)
        hard_s = summary.hr.seconds_at_or_above(limits.threshold_hr)
    elif (
        summary.sport == "running"
        and math.isfinite(limits.threshold_speed_mps)
        and math.isfinite(speed)
    ):
        intensity = speed / limits.threshold_speed_mps
        hard_s = summary.speed.seconds_at_or_above(limits.threshold_speed_mps)
    else:
        intensity, hard_s = math.nan, 0.0
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
        )
        surface = main_surface(breakdown)
    load = activity_load(
        summary,
        rest_hr=limits.rest_hr,
        max_hr=limits.max_hr,
        threshold_hr=limits.threshold_hr,
        threshold_speed_mps=limits.threshold_speed_mps,
        sex=sex,
        min_hr_coverage=MIN_HR_COVERAGE,
    )
    return {
        "start": summary.start,
        "sport": summary.sport,
        "sub_sport": summary.sub_sport,
        "surface": surface,
        "distance_km": summary.distance_m / 1000.0,
        "duration_s": summary.duration_s,
        "moving_s": summary.moving_s,
        "elev_gain_m": summary.elev_gain_m,
        "avg_hr": avg_hr,
        "intensity": intensity,
        "hard_minutes": hard_s / 60.0,
        "mean_speed_mps": speed,
        "name": summary.name,
        "device": summary.device,
        "format": summary.format,
        "source": summary.source,
        "trimp": load.trimp,
        "load": load.load,
        "load_source": load.source,
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
