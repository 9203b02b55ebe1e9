"""Every message of a FIT activity file but the records: timer events, laps, session, activity.

:func:`loadwatch.samples.fitwrite.write_activity_fit` builds a :class:`Recording` from its
sample arrays, then asks this module for the messages that go between and after the records,
each as a :class:`Placed` that says before which record it is written.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from loadwatch.samples._fitcore import semicircles
from loadwatch.samples._fitprofile import STRIDE_SPORTS
from loadwatch.samples._series import finite_max, finite_mean, window

_Floats = NDArray[np.float64]

# Order of the messages placed before the same record (the last ones go after every record).
_TIMER_START, _PAUSE_STOP, _PAUSE_RESTART, _TIMER_STOP, _LAP, _SESSION, _ACTIVITY = range(7)


class Placed(NamedTuple):
    """A message that is not a record, and where it goes among the records.

    Attributes:
        before: Index of the record it is written before (the number of records: after all).
        rank: Order among the messages placed before the same record.
        message: FIT message name.
        fields: The message's fields, in the order they are written.
    """

    before: int
    rank: int
    message: str
    fields: dict[str, object]


class Totals(NamedTuple):
    """The session's totals, as given or as computed from the records."""

    distance_m: float | None
    timer_s: float
    calories: int


def cumulative_climb(altitude: _Floats | None, length: int) -> tuple[_Floats, _Floats] | None:
    """Cumulative ascent and descent per record, counting moves of at least 1 m (hysteresis)."""
    if altitude is None or not np.isfinite(altitude).any():
        return None
    up = np.zeros(length)
    down = np.zeros(length)
    total_up = total_down = 0.0
    reference: float | None = None
    for i, value in enumerate(altitude.tolist()):
        if value == value:  # not NaN
            if reference is None:
                reference = value
            elif value - reference >= 1.0:
                total_up += value - reference
                reference = value
            elif reference - value >= 1.0:
                total_down += reference - value
                reference = value
        up[i] = total_up
        down[i] = total_down
    return up, down


def paused_seconds(pauses: Sequence[tuple[float, float]], start: float, end: float) -> float:
    """How much of the span ``start`` to ``end`` (elapsed seconds) the timer was stopped."""
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in pauses)


@dataclasses.dataclass(frozen=True)
class Recording:
    """An activity's records, as the messages around them summarise them.

    Columns hold one value per record (NaN where missing) or are ``None`` when not recorded.

    Attributes:
        t0: FIT timestamp of the start; the timer starts here.
        elapsed: Seconds since the start of each record, as given.
        seconds: The same, rounded to the whole seconds FIT stores.
        pauses: ``(from_s, to_s)`` elapsed-time spans where the timer was stopped.
        distance: Cumulative distance, metres.
        speed: Speed, m/s.
        hr: Heart rate, bpm.
        cadence: Steps (or revolutions) per minute.
        latitude: Latitude, degrees.
        longitude: Longitude, degrees.
        altitude: Altitude, metres.
        sport: FIT sport number.
        sub_sport: FIT sub_sport number.
        enhanced: Speeds go in the ``enhanced_`` fields rather than the 16-bit ones.
    """

    t0: int
    elapsed: _Floats
    seconds: _Floats
    pauses: Sequence[tuple[float, float]]
    distance: _Floats | None
    speed: _Floats | None
    hr: _Floats | None
    cadence: _Floats | None
    latitude: _Floats | None
    longitude: _Floats | None
    altitude: _Floats | None
    sport: int
    sub_sport: int
    enhanced: bool

    @property
    def count(self) -> int:
        """The number of records."""
        return int(self.seconds.size)

    @property
    def end_timestamp(self) -> int:
        """FIT timestamp of the last record."""
        return self.t0 + int(self.seconds[-1])

    @property
    def in_strides(self) -> bool:
        """Whether cadence is stored in strides (running, walking, hiking) rather than as is."""
        return self.sport in STRIDE_SPORTS

    @functools.cached_property
    def climb(self) -> tuple[_Floats, _Floats] | None:
        """Cumulative ascent and descent per record (see :func:`cumulative_climb`)."""
        return cumulative_climb(self.altitude, self.count)

    @functools.cached_property
    def first_fix(self) -> int | None:
        """Index of the first record with a position, if any."""
        if self.latitude is None or self.longitude is None:
            return None
        fixes = np.flatnonzero(np.isfinite(self.latitude) & np.isfinite(self.longitude))
        return int(fixes[0]) if fixes.size else None


def timer_events(recording: Recording) -> list[Placed]:
    """The timer start, a stop and a restart around each pause, and the final stop."""
    t0 = recording.t0
    timer = {"event": "timer", "event_group": 0}
    events = [Placed(0, _TIMER_START, "event", {"timestamp": t0, **timer, "event_type": "start"})]
    for a, b in recording.pauses:
        stop_at = int(np.searchsorted(recording.elapsed, a, side="right"))
        restart_at = int(np.searchsorted(recording.elapsed, b, side="left"))
        stop = {"timestamp": t0 + round(a), **timer, "event_type": "stop_all"}
        events.append(Placed(stop_at, _PAUSE_STOP, "event", stop))
        restart = {"timestamp": t0 + round(b), **timer, "event_type": "start"}
        events.append(Placed(restart_at, _PAUSE_RESTART, "event", restart))
    end = {"timestamp": recording.end_timestamp, **timer, "event_type": "stop_all"}
    events.append(Placed(recording.count, _TIMER_STOP, "event", end))
    return events


def _distance_covered(distance: _Floats | None, lo: int, last: int) -> float | None:
    """Distance from record ``lo`` to record ``last`` (the first span counts from zero)."""
    if distance is None:
        return None
    finite = distance[lo : last + 1][np.isfinite(distance[lo : last + 1])]
    if not finite.size:
        return None
    return float(finite[-1] - (0.0 if lo == 0 else finite[0]))


def _average_cadence(recording: Recording, lo: int, hi: int) -> int | None:
    """Mean cadence of records ``lo:hi``, in strides per minute where the sport counts strides."""
    mean = finite_mean(window(recording.cadence, lo, hi))
    if mean is not None and recording.in_strides:
        mean /= 2.0
    return None if mean is None else round(mean)


def _speed_fields(
    recording: Recording, lo: int, hi: int, distance: float | None, timer: float
) -> dict[str, object]:
    """Average speed (distance over timer time) and top speed of records ``lo:hi``."""
    average = distance / timer if distance is not None and timer > 0 else None
    top = finite_max(window(recording.speed, lo, hi))
    if recording.enhanced:
        return {"enhanced_avg_speed": average, "enhanced_max_speed": top}
    return {"avg_speed": average, "max_speed": top}


def _climb_fields(recording: Recording, lo: int, last: int) -> dict[str, object]:
    """Ascent and descent from record ``lo`` to record ``last``; nothing without altitude."""
    if recording.climb is None:
        return {}
    up, down = recording.climb
    return {"total_ascent": round(up[last] - up[lo]), "total_descent": round(down[last] - down[lo])}


def _start_position(recording: Recording, lo: int) -> dict[str, object]:
    """Position at record ``lo``, or at the first fix if it comes later; nothing without one."""
    fix, latitude, longitude = recording.first_fix, recording.latitude, recording.longitude
    if fix is None or latitude is None or longitude is None:
        return {}
    here = max(lo, fix)
    return {
        "start_position_lat": float(semicircles(latitude[here])),
        "start_position_long": float(semicircles(longitude[here])),
    }


def span_summary(recording: Recording, lo: int, hi: int, last: bool) -> dict[str, object]:
    """Fields laps and the session share, for records ``lo:hi``.

    A lap runs from its first record to the next lap's first (the first lap from the timer
    start); the ``last`` one ends at its own last record.
    """
    end_index = hi - 1 if last else hi
    begin = 0.0 if lo == 0 else float(recording.seconds[lo])
    end = float(recording.seconds[end_index])
    timer = end - begin - paused_seconds(recording.pauses, begin, end)
    distance = _distance_covered(recording.distance, lo, end_index)
    hr_mean = finite_mean(window(recording.hr, lo, hi))
    fields: dict[str, object] = {
        "timestamp": recording.t0 + int(end),
        "start_time": recording.t0 + int(begin),
        "total_elapsed_time": end - begin,
        "total_timer_time": timer,
        "total_distance": distance,
        "avg_heart_rate": None if hr_mean is None else round(hr_mean),
        "max_heart_rate": finite_max(window(recording.hr, lo, hi)),
        "avg_cadence": _average_cadence(recording, lo, hi),
        "sport": recording.sport,
        "sub_sport": recording.sub_sport,
        "event": "lap",
        "event_type": "stop",
    }
    fields.update(_speed_fields(recording, lo, hi, distance, timer))
    fields.update(_climb_fields(recording, lo, end_index))
    fields.update(_start_position(recording, lo))
    return fields


def lap_messages(recording: Recording, starts: Sequence[int], *, manual: bool) -> list[Placed]:
    """One lap message per lap, each written after its last record.

    Args:
        recording: The activity's records.
        starts: Index of each lap's first record, starting with 0.
        manual: The laps were given (pressed) rather than made by auto-lap.
    """
    count = recording.count
    laps = []
    for index, (lo, hi) in enumerate(zip(starts, [*starts[1:], count], strict=True)):
        last = hi == count
        lap = span_summary(recording, lo, hi, last)
        lap.pop("enhanced_max_speed", None)
        trigger = "session_end" if last else "manual" if manual else "distance"
        lap.update(message_index=index, lap_trigger=trigger)
        laps.append(Placed(hi, _LAP, "lap", lap))
    return laps


def session_totals(
    recording: Recording,
    distance_m: float | None,
    timer_s: float | None,
    calories: int | None,
) -> Totals:
    """The totals given, and the others computed: the last distance, elapsed minus pauses,
    and calories at about 1 kcal per kg and km running (70 kg), 7 kcal a minute otherwise."""
    if distance_m is None:
        distance_m = finite_max(recording.distance)
    if timer_s is None:
        elapsed = float(recording.seconds[-1])
        timer_s = elapsed - paused_seconds(recording.pauses, 0.0, elapsed)
    if calories is None:
        calories = round(70 * distance_m / 1000 if distance_m else timer_s / 9)
    return Totals(distance_m, timer_s, calories)


def session_message(recording: Recording, num_laps: int, totals: Totals) -> Placed:
    """The one session: a summary of every record, with the session's totals."""
    session = span_summary(recording, 0, recording.count, True)
    session.update(total_distance=totals.distance_m, total_timer_time=totals.timer_s)
    session.update(
        message_index=0,
        total_calories=totals.calories,
        first_lap_index=0,
        num_laps=num_laps,
        trigger="activity_end",
    )
    return Placed(recording.count, _SESSION, "session", session)


def activity_message(recording: Recording, timer_s: float, utc_offset_s: int | None) -> Placed:
    """The activity message that closes the file (with local time when the offset is known)."""
    end = recording.end_timestamp
    activity: dict[str, object] = {
        "timestamp": end,
        "total_timer_time": timer_s,
        "num_sessions": 1,
        "type": "manual",
        "event": "activity",
        "event_type": "stop",
        "local_timestamp": None if utc_offset_s is None else end + utc_offset_s,
    }
    return Placed(recording.count, _ACTIVITY, "activity", activity)
