"""Polar Flow reader: the ``training-session-*.json`` files of a Polar Flow account export.

What is read of each entry of ``exercises``: ``sport`` (``RUNNING``, ``CYCLING``...),
``startTime`` and ``timezoneOffset`` (local time without a zone, and its offset from UTC in
minutes; the session's top level spells it ``timeZoneOffset``), ``duration`` (ISO 8601,
``PT2754.128S``) as the timer time, ``distance`` in metres, and the ``samples`` lists of
``{"dateTime", "value"}``: ``heartRate`` (bpm), ``speed`` (km/h), ``cadence``, ``altitude``
(m), ``distance`` (m), and ``recordedRoute`` (``latitude``/``longitude``/``altitude``). The
session's ``name`` names the activity. These are the names of export version 1.3, the one in
the shared corpus (``running.json``).

In that file the route's times run 1 h 20 min after the heart rate's and the exercise's stop
time, though both lists hold one point per second over the same 46 minutes; a route whose
times fall outside its exercise is moved to start with it, with a warning, rather than
left beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from loadwatch.errors import CorruptFileError, EmptyActivityError, NotAnActivityError
from loadwatch.ingest.activity import Activity, make_samples, normalise_sport
from loadwatch.ingest.geo import cumulative_distance_m, valid_positions
from loadwatch.ingest.readers._json import load_json_object, number
from loadwatch.ingest.readers._xml import steps_per_minute, usable_times

_KMH = 1000.0 / 3600.0
_FORMAT = "Polar Flow"
# The sample lists read, and the canonical column each becomes.
_SERIES = {
    "heartRate": "hr_bpm",
    "speed": "speed_mps",
    "cadence": "cadence_spm",
    "altitude": "altitude_m",
    "distance": "distance_m",
}


def read_polar_flow(data: bytes, source: str) -> list[Activity]:
    """Read every exercise of a Polar Flow training session (one, or several for multisport).

    Raises:
        CorruptFileError: Broken JSON, not UTF-8, or an exercise without a readable start.
        NotAnActivityError: No exercise in the session.
        EmptyActivityError: Exercises, but none with a time.
    """
    session = load_json_object(data, source, _FORMAT)
    exercises = [item for item in session.get("exercises") or [] if isinstance(item, dict)]
    if not exercises:
        raise NotAnActivityError("is a Polar Flow file without any exercise", path=source)
    name = session.get("name") if isinstance(session.get("name"), str) else None
    zone = session.get("timeZoneOffset")
    return [_exercise(item, name, zone, source) for item in exercises]


def _exercise(exercise: dict[str, Any], name: str | None, zone: object, source: str) -> Activity:
    """One exercise as an activity."""
    offset_min = number(exercise.get("timezoneOffset", zone))
    offset = pd.Timedelta(minutes=0 if np.isnan(offset_min) else offset_min)
    start = _time(exercise.get("startTime"), offset)
    stop = _time(exercise.get("stopTime"), offset)
    if start is None:
        raise CorruptFileError(
            "is a Polar Flow file whose exercise has no readable startTime", path=source
        )
    given = exercise.get("samples")
    samples_in: dict[str, Any] = given if isinstance(given, dict) else {}
    warnings: list[str] = []
    series = [_series(samples_in.get(key), column, offset) for key, column in _SERIES.items()]
    route = _route(samples_in.get("recordedRoute"), offset, start, stop, warnings)
    frames = [frame for frame in [*series, route] if not frame.empty]
    if not frames:
        times = pd.DataFrame({"time": [start]})
        if stop is not None and stop > start:
            times = pd.DataFrame({"time": [start, stop]})
        frames = [times.set_index("time")]
    # A time given twice in one list keeps its first value (concat needs unique times).
    frames = [frame[~frame.index.duplicated()] for frame in frames]
    merged = pd.concat(frames, axis=1, sort=True)
    sport_word = exercise.get("sport") if isinstance(exercise.get("sport"), str) else None
    sport = normalise_sport(sport_word)
    columns: dict[str, object] = {"time": pd.Series(merged.index)}
    columns.update({c: merged[c].to_numpy(dtype="float64") for c in merged.columns})
    if "speed_mps" in merged:
        columns["speed_mps"] = merged["speed_mps"].to_numpy(dtype="float64") * _KMH
    if "cadence_spm" in merged:
        columns["cadence_spm"] = steps_per_minute(merged["cadence_spm"].to_numpy(), sport)
    if "distance_m" not in merged and "lat" in merged:
        columns["distance_m"] = cumulative_distance_m(merged["lat"], merged["lon"])
    samples = make_samples(columns)
    if samples.empty:
        raise EmptyActivityError("is a Polar Flow exercise without any time", path=source)
    distance = number(exercise.get("distance"))
    return Activity(
        sport=sport,
        sub_sport=None,
        start=start.to_pydatetime(),
        source=source,
        samples=samples,
        format="polar_flow",
        device="polar",
        name=name.strip() or None if name else None,
        activity_type=sport_word.lower() if sport_word else None,
        timer_s=_duration_s(exercise.get("duration")),
        distance_m=None if np.isnan(distance) or distance < 0 else distance,
        warnings=tuple(warnings),
    )


def _time(text: object, offset: pd.Timedelta) -> pd.Timestamp | None:
    """A local time without zone, less its offset, as UTC; None when unreadable or implausible."""
    if not isinstance(text, str):
        return None
    parsed = pd.to_datetime(pd.Series([text]), format="ISO8601", errors="coerce", utc=True)
    parsed = parsed - offset
    if not usable_times(parsed)[0]:
        return None
    return pd.Timestamp(parsed.iloc[0])


def _times(points: list[dict[str, Any]], offset: pd.Timedelta) -> pd.Series:
    """The ``dateTime`` of each point as UTC, NaT where unreadable or implausible."""
    texts = pd.Series([point.get("dateTime") for point in points], dtype=object)
    parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=True) - offset
    return parsed.where(usable_times(parsed))


def _points(value: object) -> list[dict[str, Any]]:
    """The dictionaries of a sample list (anything else left out)."""
    return [point for point in value if isinstance(point, dict)] if isinstance(value, list) else []


def _series(value: object, column: str, offset: pd.Timedelta) -> pd.DataFrame:
    """One ``{"dateTime", "value"}`` list as a one-column frame indexed by time."""
    points = _points(value)
    values = np.asarray([number(point.get("value")) for point in points], dtype="float64")
    if column == "hr_bpm":
        values[values <= 0] = np.nan  # 0 bpm is a lost strap, not a reading
    frame = pd.DataFrame({column: values}, index=pd.Index(_times(points, offset), name="time"))
    return frame[frame.index.notna()]


def _route(
    value: object,
    offset: pd.Timedelta,
    start: pd.Timestamp,
    stop: pd.Timestamp | None,
    warnings: list[str],
) -> pd.DataFrame:
    """``recordedRoute`` as positions and altitude indexed by time, moved onto its exercise."""
    points = _points(value)
    lat = np.asarray([number(p.get("latitude")) for p in points], dtype="float64")
    lon = np.asarray([number(p.get("longitude")) for p in points], dtype="float64")
    bad = ~valid_positions(lat, lon)
    lat[bad] = np.nan
    lon[bad] = np.nan
    times = _times(points, offset)
    frame = pd.DataFrame({"lat": lat, "lon": lon}, index=pd.Index(times, name="time"))
    frame = frame[frame.index.notna()]
    if frame.empty:
        return frame
    first = frame.index.min()
    end = stop if stop is not None else first
    if not start <= first <= max(end, start):
        frame.index = frame.index - (first - start)
        warnings.append(
            "the route's times do not fall within the exercise; it is moved to start with it"
        )
    return frame


def _duration_s(text: object) -> float | None:
    """An ISO 8601 duration (``PT2754.128S``, ``PT1H2M3S``) in seconds, or None."""
    if not isinstance(text, str):
        return None
    try:
        seconds = pd.Timedelta(text).total_seconds()
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
