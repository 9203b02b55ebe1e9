"""Which sport a GPX track is: its ``<type>``, else words in its name, else its speed.

GPX has no sport field of its own: apps write one into ``<type>`` (a word, or Strava's numeric
codes), name the track after it ("Morning Run"), or say nothing. A silent track counts as a run
only at a running speed, with a warning either way.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import numpy.typing as npt

from loadwatch.ingest.activity import normalise_sport

FloatArray = npt.NDArray[np.float64]

# Strava's GPX export writes its numeric activity codes in <type>. Only the codes we have seen
# on activities whose sport is known are mapped: 9 on runs (corpus runpandas-strava_export.gpx,
# whose TCX export says Sport="Running"; Strava "Morning Run" exports) and 1 on rides (Strava
# "Morning Ride"/"Afternoon Ride" exports). Other codes are counted as "other", with a warning.
_STRAVA_TYPE_CODES: dict[str, str] = {"9": "running", "1": "cycling"}

# Words in a track name that say the sport (Strava's default names are "Morning Run",
# "Afternoon Ride"...; TomTom names tracks "Running"; Nike Run Club "... corrida ...").
_NAME_WORDS: dict[str, frozenset[str]] = {
    "running": frozenset({"run", "running", "jog", "jogging", "corrida"}),
    "cycling": frozenset({"ride", "riding", "cycling", "bike", "biking"}),
    "walking": frozenset({"walk", "walking", "hike", "hiking"}),
    "swimming": frozenset({"swim", "swimming"}),
}

# When a track says nothing of its sport, it is assumed to be a run only if its time-weighted
# median moving speed is a running speed. People switch from walking to running at about
# 2 m/s, so 1.8 m/s (9:15 min/km) keeps slow joggers and leaves out walks and hikes; 6 m/s
# (2:47 min/km) is beyond the marathon world-record pace (5.8 m/s), so cars and most rides
# are left out.
_RUNNING_SPEED_MPS = (1.8, 6.0)
_MOVING_MPS = 0.5
_MIN_MOVING_S = 60.0


def track_sport(
    activity_type: str | None,
    name: str | None,
    elapsed_s: FloatArray,
    distance: FloatArray,
    segment: npt.NDArray[Any],
    warnings: list[str],
) -> str:
    """Decide the sport from ``<type>``, then the name, then (for a silent file) the speed."""
    if activity_type:
        code = activity_type.strip().lower()
        if code in _STRAVA_TYPE_CODES:
            return _STRAVA_TYPE_CODES[code]
        sport = normalise_sport(code)
        if sport != "other" or code in ("other", "training"):
            return sport
    from_name = _sport_from_name(name)
    if from_name is not None:
        return from_name
    if activity_type:
        warnings.append(
            f"activity type {activity_type!r} is not one loadwatch knows; counted as other"
        )
        return "other"
    speed, moving_s = _median_moving_speed(elapsed_s, distance, segment)
    low, high = _RUNNING_SPEED_MPS
    if moving_s >= _MIN_MOVING_S and low <= speed <= high:
        warnings.append(
            f"no sport in file; assumed running from its median moving speed ({speed:.1f} m/s)"
        )
        return "running"
    if moving_s < _MIN_MOVING_S:
        warnings.append("no sport in file and too little movement to judge; counted as other")
    else:
        warnings.append(
            f"no sport in file and its median moving speed ({speed:.1f} m/s) is not a running "
            "speed; counted as other"
        )
    return "other"


def _sport_from_name(name: str | None) -> str | None:
    """The one sport the name's words point to, or ``None`` if none or several."""
    if not name:
        return None
    words = set(re.findall(r"[^\W\d_]+", name.lower()))
    matches = [sport for sport, vocabulary in _NAME_WORDS.items() if words & vocabulary]
    return matches[0] if len(matches) == 1 else None


def _median_moving_speed(
    elapsed_s: FloatArray, distance: FloatArray, segment: npt.NDArray[Any]
) -> tuple[float, float]:
    """Time-weighted median speed over moving steps within segments, and the moving time."""
    dt = np.diff(elapsed_s)
    dd = np.diff(distance)
    ok = (segment[1:] == segment[:-1]) & (dt > 0) & np.isfinite(dd)
    speeds = dd[ok] / dt[ok]
    weights = dt[ok]
    moving = speeds >= _MOVING_MPS
    speeds, weights = speeds[moving], weights[moving]
    if speeds.size == 0:
        return math.nan, 0.0
    order = np.argsort(speeds)
    cumulative = np.cumsum(weights[order])
    middle = int(np.searchsorted(cumulative, cumulative[-1] / 2.0))
    return float(speeds[order][middle]), float(cumulative[-1])
