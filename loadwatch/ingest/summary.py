"""Per-activity summaries: everything the timeline needs from an activity's samples.

An :class:`ActivitySummary` is small (a few kB even for a 24-hour run): it keeps totals and two
compact histograms of moving time (by heart rate and by speed) instead of the samples, so that a
history of thousands of runs fits in memory while thresholds that depend on the whole history
(max heart rate, threshold speed) can still be applied afterwards without re-reading files.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

import numpy as np
import pandas as pd

from loadwatch.ingest.activity import RUNNING_DYNAMICS, SAMPLE_COLUMNS, Activity
from loadwatch.ingest.geo import resample_track
from loadwatch.ingest.limits import implausible

#: Bump whenever :func:`summarise` would give a different summary for the same activity: the
#: incremental cache then summarises every file again.
SUMMARY_VERSION = 3  # 3: running dynamics (stance time, vertical oscillation...)
#: Below this speed an interval of a run counts as standing still (1.8 km/h).
MOVING_SPEED_MPS = 0.5
#: Without speed data, an interval longer than this is a pause, not training.
MAX_SAMPLE_GAP_S = 60.0
#: Altitude must rise this much from its last low before it counts as climbing (filters GPS and
#: barometer noise when the device gives no total ascent of its own).
ELEVATION_HYSTERESIS_M = 3.0
#: Spacing of the points kept of a run's path (see :func:`loadwatch.maps.resample_track`).
TRACK_STEP_M = 20.0
_NO_TRACK: np.ndarray = np.empty(0, dtype=np.float32)
#: Resolution of the speed histogram (m/s): 0.01 m/s is 0.036 km/h, far below GPS noise.
SPEED_BIN_MPS = 0.01
#: Histogram values at or beyond this size (no speed or heart rate comes near) are not binned.
_BINNABLE = 1e6


@dataclasses.dataclass(frozen=True)
class Histogram:
    """Moving seconds spent at each value of a quantity, stored sparsely.

    Attributes:
        values: Sorted bin values (integer bpm for heart rate, multiples of
            :data:`SPEED_BIN_MPS` for speed).
        seconds: Moving seconds in each bin.
    """

    values: np.ndarray = dataclasses.field(repr=False)
    seconds: np.ndarray = dataclasses.field(repr=False)

    @classmethod
    def of(cls, values: np.ndarray, seconds: np.ndarray, resolution: float) -> Histogram:
        """Bin ``values`` to ``resolution`` and add up ``seconds`` per bin (NaNs ignored)."""
        with np.errstate(invalid="ignore"):  # values no device records are not binned
            keep = (np.abs(values) < _BINNABLE) & np.isfinite(seconds) & (seconds > 0)
        if not keep.any():
            return cls(np.empty(0), np.empty(0))
        bins = np.round(values[keep] / resolution).astype(np.int64)
        unique, inverse = np.unique(bins, return_inverse=True)
        totals = np.bincount(inverse, weights=seconds[keep])
        return cls(unique * resolution, totals)

    @property
    def total_s(self) -> float:
        """All the seconds in the histogram."""
        return float(self.seconds.sum())

    def seconds_at_or_above(self, threshold: float) -> float:
        """Seconds spent at or above ``threshold`` (compared with a tolerance of half a bin)."""
        if not len(self.values) or not math.isfinite(threshold):
            return 0.0
        return float(self.seconds[self.values >= threshold - 1e-9].sum())

    def mean(self) -> float:
        """Time-weighted mean value, NaN when empty."""
        total = self.total_s
        if total <= 0:
            return math.nan
        return float((self.values * self.seconds).sum() / total)


@dataclasses.dataclass(frozen=True)
class ActivitySummary:
    """What one activity contributes to the timeline, without its samples.

    Attributes:
        source: Where the activity came from (see :attr:`Activity.source`).
        format: ``"fit"``, ``"gpx"`` or ``"tcx"``.
        start: Start time, tz-aware UTC.
        sport: Normalised sport.
        sub_sport: The file's finer sport word, if any.
        activity_type: The file's own sport word, if any.
        name: The activity's name, if any.
        device: The recording device, if known.
        has_gps: Whether the activity has a GPS track.
        samples: Number of samples.
        distance_m: Total distance.
        duration_s: Timer time (pauses excluded).
        moving_s: Time moving at :data:`MOVING_SPEED_MPS` or faster.
        moving_distance_m: Distance covered while moving.
        elev_gain_m: Total ascent.
        hr_p99: 99th percentile of the heart-rate samples (a robust maximum), NaN without.
        hr: Moving seconds by heart rate (1 bpm bins).
        speed: Moving seconds by speed (:data:`SPEED_BIN_MPS` bins).
        relative_time: True when the file's clock is device-relative (no real date).
        warnings: Problems met while reading.
        track_lat: For runs with GPS, latitudes every :data:`TRACK_STEP_M` along the run
            (float32: about 0.4 m, ample to match a map), for surfaces from a map; else empty.
        track_lon: The matching longitudes.
        stance_time_ms: Running dynamics, each the mean of its samples over moving time (NaN
            when the file has none): ground contact time,
        stance_time_balance_pct: the left foot's share of it,
        vertical_oscillation_mm: the torso's bounce,
        vertical_ratio_pct: bounce over step length,
        step_length_mm: and step length. Kept for the analysis to use later.
        rpe: The athlete's perceived exertion (1 to 10) when Strava's ``activities.csv`` gives
            one (:func:`loadwatch.ingest.gear.with_strava`), else NaN: no file holds one.
    """

    source: str
    format: str
    start: datetime
    sport: str
    sub_sport: str | None
    activity_type: str | None
    name: str | None
    device: str | None
    has_gps: bool
    samples: int
    distance_m: float
    duration_s: float
    moving_s: float
    moving_distance_m: float
    elev_gain_m: float
    hr_p99: float
    hr: Histogram
    speed: Histogram
    relative_time: bool = False
    warnings: tuple[str, ...] = ()
    track_lat: np.ndarray = dataclasses.field(default_factory=lambda: _NO_TRACK, repr=False)
    track_lon: np.ndarray = dataclasses.field(default_factory=lambda: _NO_TRACK, repr=False)
    stance_time_ms: float = math.nan
    stance_time_balance_pct: float = math.nan
    vertical_oscillation_mm: float = math.nan
    vertical_ratio_pct: float = math.nan
    step_length_mm: float = math.nan
    rpe: float = math.nan

    @property
    def mean_moving_speed_mps(self) -> float:
        """Distance covered while moving / moving time; NaN without either."""
        if self.moving_s <= 0 or self.moving_distance_m <= 0:
            return math.nan
        return self.moving_distance_m / self.moving_s

    @property
    def hr_coverage(self) -> float:
        """Share of moving time that has a heart-rate reading (0 to 1)."""
        if self.moving_s <= 0:
            return 0.0
        return min(1.0, self.hr.total_s / self.moving_s)


class ActivityInfo(Protocol):
    """What a summary takes from an activity besides its samples (an
    :class:`~loadwatch.ingest.activity.Activity`, or a FIT reader's activity before its
    samples frame is built)."""

    @property
    def source(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def sport(self) -> str: ...
    @property
    def sub_sport(self) -> str | None: ...
    @property
    def activity_type(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...
    @property
    def device(self) -> str | None: ...
    @property
    def timer_s(self) -> float | None: ...
    @property
    def distance_m(self) -> float | None: ...
    @property
    def ascent_m(self) -> float | None: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def has_gps(self) -> bool: ...


def summarise(activity: Activity) -> ActivitySummary:
    """Reduce an activity to its :class:`ActivitySummary`.

    Intervals between consecutive samples are weighted by their length. An interval is *moving*
    when its speed (from the distance covered, else the recorded speed) is at least
    :data:`MOVING_SPEED_MPS`; without any speed data, every interval up to
    :data:`MAX_SAMPLE_GAP_S` long counts as moving. Totals the device recorded (timer time,
    distance, ascent) are preferred over those computed from samples.
    """
    samples = activity.samples
    # Elapsed seconds (whatever the datetime resolution pandas chose for the column).
    elapsed = (
        (samples["time"] - samples["time"].iloc[0]).dt.total_seconds() if len(samples) else None
    )
    elapsed_s = elapsed.to_numpy(dtype="float64") if elapsed is not None else np.empty(0)
    columns = {name: samples[name].to_numpy(dtype="float64") for name in SAMPLE_COLUMNS[1:]}
    return summarise_arrays(activity, elapsed_s, columns)


def summarise_arrays(
    activity: ActivityInfo, elapsed_s: np.ndarray, columns: Mapping[str, np.ndarray]
) -> ActivitySummary:
    """:func:`summarise` from the samples as arrays, without a samples frame.

    Args:
        activity: What the activity was (its samples are not read).
        elapsed_s: Each sample's seconds since the first, in time order.
        columns: The other :data:`~loadwatch.ingest.activity.SAMPLE_COLUMNS` as float64
            arrays, one value per sample.
    """
    dt = np.diff(elapsed_s)
    distance = columns["distance_m"]
    recorded_speed = columns["speed_mps"][1:]
    hr = columns["hr_bpm"]
    covered = _interval_distance(distance)
    with np.errstate(divide="ignore", invalid="ignore"):
        interval_speed = np.where(dt > 0, covered / dt, np.nan)
    speed = np.where(np.isfinite(interval_speed), interval_speed, recorded_speed)
    has_speed = bool(np.isfinite(speed).any())
    if has_speed:
        moving = np.isfinite(speed) & (speed >= MOVING_SPEED_MPS) & (dt > 0)
    else:
        moving = (dt > 0) & (dt <= MAX_SAMPLE_GAP_S)
    moving_dt = np.where(moving, dt, 0.0)
    moving_s = float(moving_dt.sum())
    moving_distance = float(np.nansum(np.where(moving, covered, 0.0)))

    distance_m = _first_positive(activity.distance_m, _span(distance))
    if moving_distance <= 0 and distance_m > 0 and not np.isfinite(covered).any():
        moving_distance = distance_m  # speed-only files: trust the device's total
    duration_s = _first_positive(activity.timer_s, _timer_from_samples(dt, moving))
    elev_gain_m = _first_non_negative(activity.ascent_m)
    if elev_gain_m != activity.ascent_m:  # no usable total from the device: climb the samples
        elev_gain_m = ascent(columns["altitude_m"])
    hr_known = hr[np.isfinite(hr) & (hr > 0)]
    hr_p99 = float(np.percentile(hr_known, 99)) if len(hr_known) else math.nan
    # Totals no one reaches (a damaged or forged file) are set aside by usable.unusable: their
    # path is not resampled, which a distance counter of billions of metres would make endless.
    believable = not implausible(
        activity.sport,
        distance_m=distance_m,
        elapsed_s=max(duration_s, moving_s),
        ascent_m=elev_gain_m,
        hr_bpm=hr_p99,
    )
    track_lat, track_lon = _track(activity, columns) if believable else (_NO_TRACK, _NO_TRACK)
    return ActivitySummary(
        source=activity.source,
        format=activity.format,
        start=activity.start,
        sport=activity.sport,
        sub_sport=activity.sub_sport,
        activity_type=activity.activity_type,
        name=activity.name,
        device=activity.device,
        has_gps=activity.has_gps,
        samples=len(elapsed_s),
        distance_m=distance_m,
        duration_s=duration_s,
        moving_s=moving_s,
        moving_distance_m=moving_distance,
        elev_gain_m=elev_gain_m,
        hr_p99=hr_p99,
        hr=Histogram.of(np.where(hr > 0, hr, np.nan)[1:], moving_dt, 1.0),
        speed=Histogram.of(speed, moving_dt, SPEED_BIN_MPS) if has_speed else _EMPTY,
        relative_time=any(w.startswith("relative timestamps") for w in activity.warnings),
        warnings=activity.warnings,
        track_lat=track_lat,
        track_lon=track_lon,
        **{column: _moving_mean(columns[column][1:], moving_dt) for column in RUNNING_DYNAMICS},
    )


def _moving_mean(values: np.ndarray, moving_dt: np.ndarray) -> float:
    """The mean of a sample column over moving time (NaN when it has no value while moving)."""
    known = np.isfinite(values) & (moving_dt > 0)
    weight = float(moving_dt[known].sum())
    return float((values[known] * moving_dt[known]).sum() / weight) if weight > 0 else math.nan


_EMPTY = Histogram(np.empty(0), np.empty(0))


def _track(
    activity: ActivityInfo, columns: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """A run's path every :data:`TRACK_STEP_M`, kept so that a map can tell its surfaces later."""
    if activity.sport != "running" or not activity.has_gps:
        return _NO_TRACK, _NO_TRACK
    lat, lon = resample_track(columns["lat"], columns["lon"], columns["distance_m"], TRACK_STEP_M)
    return lat.astype(np.float32), lon.astype(np.float32)


def _interval_distance(distance: np.ndarray) -> np.ndarray:
    """Distance covered in each interval; NaN where unknown, never negative."""
    if len(distance) < 2:
        return np.empty(0)
    filled = pd.Series(distance).ffill().to_numpy()
    covered = np.diff(filled)
    # A counter reset or a glitch backwards is not negative running.
    return np.where(covered < 0, 0.0, covered)


def _span(distance: np.ndarray) -> float:
    known = distance[np.isfinite(distance)]
    if not len(known):
        return 0.0
    return float(known.max() - known[0])


def _timer_from_samples(dt: np.ndarray, moving: np.ndarray) -> float:
    """Elapsed time without pauses: short intervals, and long ones spent moving."""
    counted = (dt > 0) & ((dt <= MAX_SAMPLE_GAP_S) | moving)
    return float(dt[counted].sum())


def ascent(altitude: np.ndarray, hysteresis: float = ELEVATION_HYSTERESIS_M) -> float:
    """Total climb of an altitude series, counting a rise only once it exceeds ``hysteresis``."""
    known = altitude[np.isfinite(altitude)]
    if len(known) < 2:
        return 0.0
    total = 0.0
    low = high = float(known[0])
    climbing = False
    for value in known[1:].tolist():
        if climbing:
            if value > high:
                total += value - high
                high = value
            elif value < high - hysteresis:
                climbing, low = False, value
        elif value < low:
            low = value
        elif value > low + hysteresis:
            total += value - low
            climbing, high = True, value
    return total


def _first_positive(*values: float | None) -> float:
    for value in values:
        if value is not None and math.isfinite(value) and value > 0:
            return float(value)
    return 0.0


def _first_non_negative(*values: float | None) -> float:
    for value in values:
        if value is not None and math.isfinite(value) and value >= 0:
            return float(value)
    return 0.0
