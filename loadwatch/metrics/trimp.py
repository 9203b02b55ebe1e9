"""Training load of one activity: Banister's TRIMP from heart rate, or an estimate from pace.

Pure functions over an :class:`~loadwatch.ingest.summary.ActivitySummary`'s moving-time histograms,
so
that the load is integrated over the samples (bin by bin), not computed from the average heart
rate. See ``docs/metrics.md`` ("Training load") for the definitions and sources.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from loadwatch.ingest.summary import ActivitySummary, Histogram

#: Sexes the config may name, and Banister's weighting constants (k, b) for each:
#: TRIMP per minute = HRr x k x e^(b x HRr) (Morton, Fitz-Clarke & Banister 1990).
TRIMP_WEIGHTS: dict[str, tuple[float, float]] = {
    "male": (0.64, 1.92),
    "female": (0.86, 1.67),
}
#: The constants used when the config does not say.
DEFAULT_SEX = "male"
#: Threshold heart rate as a fraction of heart-rate reserve above rest (Karvonen): how the
#: threshold heart rate is derived when the config gives none, and what is assumed at threshold
#: pace when it is unknown.
THRESHOLD_HRR_FRACTION = 0.85
#: Where a run's load came from: heart rate; pace, scaled to the runner's own heart-rate load
#: (:mod:`loadwatch.metrics.calibration`); pace alone; nothing.
LOAD_SOURCES: tuple[str, ...] = ("heart_rate", "pace_calibrated", "pace", "none")


@dataclasses.dataclass(frozen=True)
class ActivityLoad:
    """The training load of one activity.

    Attributes:
        trimp: Banister TRIMP from heart rate; NaN when the activity has too little heart rate
            or the maximum heart rate is unknown.
        load: ``trimp`` when known, else (for runs) the pace-based estimate; NaN when neither.
        source: One of :data:`LOAD_SOURCES`: where ``load`` came from (this module gives
            ``"heart_rate"``, ``"pace"`` or ``"none"``; the timeline calibrates ``"pace"``).
    """

    trimp: float
    load: float
    source: str


def heart_rate_reserve(hr: np.ndarray, rest_hr: float, max_hr: float) -> np.ndarray:
    """Fraction of heart-rate reserve, ``(hr - rest) / (max - rest)``, clipped to [0, 1]."""
    return np.clip((hr - rest_hr) / (max_hr - rest_hr), 0.0, 1.0)


def trimp_per_minute(hrr: np.ndarray, sex: str = DEFAULT_SEX) -> np.ndarray:
    """Banister's weighted load of one minute at each heart-rate-reserve fraction.

    Args:
        hrr: Fractions of heart-rate reserve (0 to 1).
        sex: ``"male"`` or ``"female"``: which of Banister's weighting constants to use.

    Raises:
        KeyError: ``sex`` is not one of :data:`TRIMP_WEIGHTS` (the config validates it first).
    """
    k, b = TRIMP_WEIGHTS[sex]
    return hrr * k * np.exp(b * hrr)


def banister_trimp(hr: Histogram, rest_hr: float, max_hr: float, sex: str = DEFAULT_SEX) -> float:
    """Sum over heart-rate bins of minutes x HRr x k x e^(b x HRr).

    Args:
        hr: Moving seconds by heart rate (1 bpm bins).
        rest_hr: Resting heart rate (bpm).
        max_hr: Maximum heart rate (bpm); must be above ``rest_hr``.
        sex: Which weighting constants to use.

    Returns:
        The TRIMP of the time in the histogram (0 for an empty one); NaN when ``max_hr`` is
        unknown or not above ``rest_hr``.
    """
    if not (math.isfinite(max_hr) and math.isfinite(rest_hr) and max_hr > rest_hr):
        return math.nan
    if not len(hr.values):
        return 0.0
    hrr = heart_rate_reserve(hr.values, rest_hr, max_hr)
    return float((hr.seconds / 60.0 * trimp_per_minute(hrr, sex)).sum())


def pace_trimp(
    speed: Histogram, threshold_speed_mps: float, threshold_hrr: float, sex: str = DEFAULT_SEX
) -> float:
    """TRIMP estimated from speed, for runs without heart rate.

    Heart-rate reserve is taken to grow in proportion to speed, reaching ``threshold_hrr`` at
    threshold speed: HRr = min(1, speed / threshold_speed x threshold_hrr). Each speed bin then
    counts as Banister minutes at that HRr.

    Returns:
        The estimate; NaN when the threshold speed is unknown or the histogram is empty.
    """
    if not (math.isfinite(threshold_speed_mps) and threshold_speed_mps > 0):
        return math.nan
    if not len(speed.values) or speed.total_s <= 0:
        return math.nan
    hrr = np.clip(speed.values / threshold_speed_mps * threshold_hrr, 0.0, 1.0)
    return float((speed.seconds / 60.0 * trimp_per_minute(hrr, sex)).sum())


def activity_load(
    summary: ActivitySummary,
    *,
    rest_hr: float,
    max_hr: float,
    threshold_hr: float,
    threshold_speed_mps: float,
    sex: str = DEFAULT_SEX,
    min_hr_coverage: float = 0.5,
) -> ActivityLoad:
    """The training load of one activity, and where it came from.

    With heart rate on at least ``min_hr_coverage`` of the moving time and a known maximum, the
    load is Banister's TRIMP over the heart-rate histogram, scaled by moving time / time with a
    reading so that a strap that drops out does not lower the load. Otherwise a run's load is
    :func:`pace_trimp`; any other activity's is unknown.

    Args:
        summary: The activity.
        rest_hr: Resting heart rate (bpm).
        max_hr: Maximum heart rate (bpm), NaN when unknown.
        threshold_hr: Threshold heart rate (bpm), NaN when unknown; sets the heart-rate reserve
            assumed at threshold pace (:data:`THRESHOLD_HRR_FRACTION` when unknown).
        threshold_speed_mps: Threshold speed (m/s), NaN when unknown.
        sex: Which of Banister's weighting constants to use.
        min_hr_coverage: Share of moving time that must have heart rate.
    """
    trimp = math.nan
    if summary.hr_coverage >= min_hr_coverage and summary.hr.total_s > 0:
        raw = banister_trimp(summary.hr, rest_hr, max_hr, sex)
        trimp = raw * summary.moving_s / summary.hr.total_s
    if math.isfinite(trimp):
        return ActivityLoad(trimp, trimp, "heart_rate")
    if summary.sport == "running":
        estimate = pace_load(
            summary,
            rest_hr=rest_hr,
            max_hr=max_hr,
            threshold_hr=threshold_hr,
            threshold_speed_mps=threshold_speed_mps,
            sex=sex,
        )
        if math.isfinite(estimate):
            return ActivityLoad(math.nan, estimate, "pace")
    return ActivityLoad(math.nan, math.nan, "none")


def pace_load(
    summary: ActivitySummary,
    *,
    rest_hr: float,
    max_hr: float,
    threshold_hr: float,
    threshold_speed_mps: float,
    sex: str = DEFAULT_SEX,
) -> float:
    """:func:`pace_trimp` of an activity's speed, scaled from time with speed to moving time.

    Computed for any activity with speed (runs with heart rate too), so that the pace scale can
    be calibrated against the heart-rate one on the runs that have both.

    Returns:
        The estimate; NaN without speed or a threshold speed.
    """
    usable = (
        math.isfinite(threshold_hr)
        and math.isfinite(max_hr)
        and max_hr > rest_hr
        and rest_hr < threshold_hr <= max_hr
    )
    at_threshold = (
        (threshold_hr - rest_hr) / (max_hr - rest_hr) if usable else THRESHOLD_HRR_FRACTION
    )
    estimate = pace_trimp(summary.speed, threshold_speed_mps, at_threshold, sex)
    if not math.isfinite(estimate):
        return math.nan
    return estimate * summary.moving_s / summary.speed.total_s
