"""Apple Health's export: the workouts of ``export.xml``, with their heart rate and routes.

The Health app exports ``export.zip``, holding ``apple_health_export/export.xml`` and a
``workout-routes/`` folder of GPX files (iOS 13 on); people also unpack it. One ``export.xml``
gives one activity per ``Workout`` element:

- the sport from ``workoutActivityType`` (running, walking, hiking, cycling, swimming,
  traditional and functional strength training -> strength, the rest -> other); an indoor run
  (``HKIndoorWorkout`` = 1) is a treadmill run (``sub_sport`` ``"treadmill"``);
- the start, end and duration, the distance from ``totalDistance`` (older exports) or from the
  distance ``WorkoutStatistics`` (iOS 16 on) and the recording app or watch (``sourceName``, or
  iOS 8's ``source``; iOS 8's compact dates ``20140114084347-0800`` too);
- the heart rate: the ``HKQuantityTypeIdentifierHeartRate`` records within the workout's span
  (they are not nested in it: :mod:`~loadwatch.ingest.readers._applexml` collects them in one
  pass into compact arrays, then each workout takes its span);
- the route: the GPX files its ``WorkoutRoute`` names (``FileReference``, with or without a
  leading ``/``), read with the GPX reader, or the inline ``Location`` elements of older
  exports. A route whose times fall outside the workout is left out, with a warning. Those GPX
  files belong to their workout: discovery never counts them as activities of their own.

The document is streamed and never held; its DTD is checked and stripped before parsing (see
:mod:`~loadwatch.ingest.readers._applexml`): the XML parser never resolves a DTD or an entity.
Energy is read but not used by loadwatch.
"""

from __future__ import annotations

import array
import io
import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO

import numpy as np
import pandas as pd

from loadwatch.errors import LoadwatchError, NotAnActivityError
from loadwatch.ingest.activity import Activity, make_samples
from loadwatch.ingest.readers._applexml import Workout, collect
from loadwatch.vocab import Sport

#: Opens a file named relative to the folder holding ``export.xml`` (a route GPX), giving its
#: bytes, or None when there is no such file.
Nearby = Callable[[str], bytes | None]

#: Apple's workout types (after ``HKWorkoutActivityType``), lower-case, and loadwatch's sports;
#: every other type is "other".
APPLE_SPORTS: dict[str, Sport] = {
    "running": Sport.RUNNING,
    "walking": Sport.WALKING,
    "hiking": Sport.WALKING,
    "cycling": Sport.CYCLING,
    "handcycling": Sport.CYCLING,
    "swimming": Sport.SWIMMING,
    "traditionalstrengthtraining": Sport.STRENGTH,
    "functionalstrengthtraining": Sport.STRENGTH,
}
_PREFIX = "HKWorkoutActivityType"
# A heart-rate reading is put on the route point nearest in time, up to this far away.
_HR_MATCH_S = 30.0


def read_apple_health(data: bytes, source: str) -> list[Activity]:
    """Every workout of an ``export.xml`` given as bytes (routes only from inline locations).

    The registry's reader, for :func:`loadwatch.read_activities` on bytes; a scan reads the
    file streamed with :func:`read_apple_export`, which also finds the route GPX files.

    Raises:
        CorruptFileError: Broken XML, or a DTD other than Apple's plain one.
        NotAnActivityError: An export without workouts.
    """
    return list(read_apple_export(io.BytesIO(data), source, lambda path: None))


def read_apple_export(stream: IO[bytes], source: str, nearby: Nearby) -> Iterator[Activity]:
    """Every workout of an ``export.xml``, streamed, one activity at a time.

    Args:
        stream: The document, opened for reading bytes.
        source: Its label, for errors and ``Activity.source``.
        nearby: Opens the route files the workouts name.

    Raises:
        CorruptFileError: Broken XML, or a DTD other than Apple's plain one.
        NotAnActivityError: An export without workouts.
    """
    found = collect(stream, source)
    if not found.workouts:
        raise NotAnActivityError(
            "is an Apple Health export without workouts (only health records such as steps or "
            "weight), so there is no activity in it",
            path=source,
        )
    hr_time = np.frombuffer(found.hr_time, dtype=np.float64)
    hr_bpm = np.frombuffer(found.hr_bpm, dtype=np.float64)
    if len(hr_time) > 1 and bool((hr_time[1:] < hr_time[:-1]).any()):  # exports are in order
        order = np.argsort(hr_time, kind="stable")
        hr_time, hr_bpm = hr_time[order], hr_bpm[order]
        del order
        found.hr_time, found.hr_bpm = array.array("d"), array.array("d")  # keep the copies only
    for workout in sorted(found.workouts, key=lambda w: w.start):
        first, last = np.searchsorted(hr_time, [workout.start, workout.end], side="left")
        yield _activity(workout, hr_time[first:last], hr_bpm[first:last], source, nearby)


def _sport(activity_type: str) -> str:
    key = activity_type.removeprefix(_PREFIX).lower()
    return APPLE_SPORTS.get(key, Sport.OTHER)


def _activity(
    workout: Workout, hr_time: np.ndarray, hr_bpm: np.ndarray, source: str, nearby: Nearby
) -> Activity:
    """One workout as an activity: its route points (if any) with the heart rate put on them."""
    warnings: list[str] = []
    route = _route(workout, nearby, source, warnings)
    sport = _sport(workout.activity_type)
    duration = workout.duration_s or max(workout.end - workout.start, 0.0)
    if route is not None:
        samples = _with_heart_rate(route, hr_time, hr_bpm)
    else:
        samples = _without_route(workout, hr_time, hr_bpm, duration)
    return Activity(
        sport=sport,
        sub_sport="treadmill" if workout.indoor and sport == "running" else None,
        start=datetime.fromtimestamp(workout.start, tz=UTC),
        source=source,
        samples=samples,
        format="apple-health",
        device=(workout.device or "").strip() or None,
        name=None,
        activity_type=workout.activity_type.removeprefix(_PREFIX).lower() or None,
        timer_s=duration or None,
        distance_m=workout.distance_m or None,
        warnings=tuple(warnings),
    )


def _without_route(
    workout: Workout, hr_time: np.ndarray, hr_bpm: np.ndarray, duration: float
) -> pd.DataFrame:
    """Samples of a workout without a route: its start and end, and its heart-rate readings.

    Their speed is the workout's average (its distance over its duration): the file has no
    other, and no distance is made up between them.
    """
    times = np.concatenate(([workout.start], hr_time, [workout.end]))
    hr = np.concatenate(([math.nan], hr_bpm, [math.nan]))
    speed = (workout.distance_m or math.nan) / duration if duration > 0 else math.nan
    return make_samples(
        {
            "time": pd.to_datetime(times, unit="s", utc=True),
            "hr_bpm": hr,
            "speed_mps": np.full(len(times), speed),
        }
    )


def _with_heart_rate(route: pd.DataFrame, hr_time: np.ndarray, hr_bpm: np.ndarray) -> pd.DataFrame:
    """The route's samples, each with the heart-rate reading nearest in time (30 s at most)."""
    if not len(hr_time):
        return route
    readings = pd.DataFrame(
        {"time": pd.to_datetime(hr_time, unit="s", utc=True), "reading": hr_bpm}
    ).astype({"time": route["time"].dtype})
    joined = pd.merge_asof(
        route.drop(columns=["hr_bpm"]),
        readings,
        on="time",
        direction="nearest",
        tolerance=pd.Timedelta(seconds=_HR_MATCH_S),
    )
    joined["hr_bpm"] = joined.pop("reading")
    return make_samples({column: joined[column] for column in route.columns})


def _route(
    workout: Workout, nearby: Nearby, source: str, warnings: list[str]
) -> pd.DataFrame | None:
    """The workout's route as samples, or None when it has none within its span."""
    parts = [_inline(workout)] if workout.locations else []
    for path in workout.routes:
        part = _route_file(path, nearby, source, warnings)
        if part is not None:
            parts.append(part)
    if not parts:
        return None
    route = pd.concat(parts, ignore_index=True).sort_values("time", kind="stable")
    seconds = route["time"].astype("int64").to_numpy() / _per_second(route["time"])
    inside = (seconds >= workout.start - 60) & (seconds <= workout.end + 60)
    if not inside.any():
        warnings.append("its route's times do not fall within the workout; the route is left out")
        return None
    return make_samples({column: route.loc[inside, column].to_numpy() for column in route.columns})


def _per_second(times: pd.Series) -> float:
    """How many units of the times' integer form make a second (ns, us...)."""
    return float(pd.Timedelta(seconds=1) / pd.Timedelta(1, unit=times.dt.unit))


def _inline(workout: Workout) -> pd.DataFrame:
    rows = np.array(workout.locations, dtype=np.float64)
    from loadwatch.ingest.geo import cumulative_distance_m

    return make_samples(
        {
            "time": pd.to_datetime(rows[:, 0], unit="s", utc=True),
            "lat": rows[:, 1],
            "lon": rows[:, 2],
            "altitude_m": rows[:, 3],
            "speed_mps": rows[:, 4],
            "distance_m": cumulative_distance_m(rows[:, 1], rows[:, 2]),
        }
    )


def _route_file(path: str, nearby: Nearby, source: str, warnings: list[str]) -> pd.DataFrame | None:
    """The samples of one route GPX file the workout names, or None (with a warning)."""
    from loadwatch.ingest.readers.gpx import read_gpx

    relative = path.replace("\\", "/").lstrip("/")
    data = nearby(relative)
    if data is None:
        warnings.append(f"its route file {relative} is not in the export; read without it")
        return None
    try:
        tracks = read_gpx(data, f"{source}/../{relative}")
    except LoadwatchError as error:
        warnings.append(f"its route file {relative} cannot be read ({error.message})")
        return None
    return pd.concat([track.samples for track in tracks], ignore_index=True)
