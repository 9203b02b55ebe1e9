"""Write FIT activity files: :func:`write_activity_fit` from sample arrays, or message by message.

The low-level :class:`FitWriter` (with :func:`fit_crc`, :func:`fit_timestamp` and
:func:`semicircles`) lives in :mod:`loadwatch.samples._fitcore` and is re-exported here.
:func:`write_activity_fit` lays out a whole activity the way a watch does: file_id,
device_info, a timer start event, records with laps between them, timer stop, the last lap,
session and activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

from loadwatch.samples._fitcore import (
    FIT_EPOCH,
    FitWriter,
    PackedMessages,
    fit_crc,
    fit_timestamp,
    semicircles,
)
from loadwatch.samples._fitprofile import ENUMS, GARMIN_PRODUCTS, STRIDE_SPORTS
from loadwatch.samples._series import as_column, as_elapsed, lap_start_indices

__all__ = [
    "FIT_EPOCH",
    "FitWriter",
    "PackedMessages",
    "fit_crc",
    "fit_timestamp",
    "semicircles",
    "write_activity_fit",
]

_Floats = NDArray[np.float64]


def _enum(table: str, value: str | int) -> int:
    if isinstance(value, int):
        return value
    if value not in ENUMS[table]:
        raise ValueError(f"unknown {table} {value!r}; known: {sorted(ENUMS[table])}")
    return ENUMS[table][value]


def _finite(values: _Floats | None) -> _Floats:
    if values is None:
        return np.empty(0)
    return values[np.isfinite(values)]


def _mean(values: _Floats | None) -> float | None:
    finite = _finite(values)
    return float(finite.mean()) if finite.size else None


def _max(values: _Floats | None) -> float | None:
    finite = _finite(values)
    return float(finite.max()) if finite.size else None


def _climb(altitude: _Floats | None, length: int) -> tuple[_Floats, _Floats] | None:
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


def _paused(pauses: Sequence[tuple[float, float]], start: float, end: float) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in pauses)


def write_activity_fit(
    *,
    start: datetime,
    elapsed_s: ArrayLike,
    distance_m: ArrayLike | None = None,
    speed_mps: ArrayLike | None = None,
    hr_bpm: ArrayLike | None = None,
    cadence_spm: ArrayLike | None = None,
    lat: ArrayLike | None = None,
    lon: ArrayLike | None = None,
    altitude_m: ArrayLike | None = None,
    sport: str | int = "running",
    sub_sport: str | int = "generic",
    pauses: Sequence[tuple[float, float]] = (),
    lap_distance_m: float | None = 1000.0,
    lap_starts_s: Sequence[float] | None = None,
    total_distance_m: float | None = None,
    total_timer_s: float | None = None,
    total_calories: int | None = None,
    manufacturer: str | int = "garmin",
    product: str | int = "fenix5",
    serial_number: int = 3_912_345_678,
    software_version: float | None = 25.0,
    utc_offset_s: int | None = None,
    enhanced: bool = True,
) -> bytes:
    """A complete FIT activity file from per-record sample arrays.

    Sample arrays share ``elapsed_s``'s length and use the canonical units; NaN marks a
    missing value and a column left ``None`` (or all NaN) is not written at all, as for a
    treadmill run without positions. Totals, laps and averages are computed from the samples
    unless given.

    Args:
        start: Start of the activity (tz-aware); the timer starts here.
        elapsed_s: Seconds since ``start`` of each record; non-decreasing. FIT stores whole
            seconds, so values are rounded.
        distance_m: Cumulative distance.
        speed_mps: Speed (written as ``enhanced_speed``, or ``speed`` when not ``enhanced``).
        hr_bpm: Heart rate.
        cadence_spm: Steps per minute for running/walking/hiking (stored as strides per
            minute plus ``fractional_cadence``, as watches do); revolutions per minute for
            other sports.
        lat: Latitude in degrees (with ``lon``).
        lon: Longitude in degrees.
        altitude_m: Altitude (``enhanced_altitude``, or ``altitude`` when not ``enhanced``).
        sport: FIT sport name or number (``"running"``, ``"cycling"``, ``"training"``...).
        sub_sport: FIT sub_sport name or number (``"street"``, ``"trail"``, ``"track"``,
            ``"treadmill"``, ``"strength_training"``...).
        pauses: ``(from_s, to_s)`` elapsed-time spans where the timer was stopped; they get
            timer stop/start events and do not count in timer time. Leave records out of them.
        lap_distance_m: Auto-lap distance (needs ``distance_m``); ``None`` for one lap.
        lap_starts_s: Explicit lap start times in elapsed seconds; overrides auto-lap.
        total_distance_m: Session distance; default the last recorded distance.
        total_timer_s: Session timer time; default elapsed time minus pauses.
        total_calories: Session calories; default a rough estimate.
        manufacturer: FIT manufacturer name or number.
        product: Product id, or a Garmin product name (``"fenix5"``, ``"fr235"``, ``"fr935"``).
        serial_number: Device serial number (file_id and device_info).
        software_version: Firmware version for device_info; ``None`` leaves device_info out.
        utc_offset_s: Local time offset, for the activity message's ``local_timestamp``.
        enhanced: Write ``enhanced_speed``/``enhanced_altitude`` (current devices) rather
            than the 16-bit ``speed``/``altitude`` (older ones).

    Returns:
        The file's bytes.

    Raises:
        ValueError: Inconsistent arrays or values a FIT field cannot hold.
    """
    elapsed = as_elapsed(elapsed_s)
    n = elapsed.size
    distance = as_column("distance_m", distance_m, n)
    speed = as_column("speed_mps", speed_mps, n)
    hr = as_column("hr_bpm", hr_bpm, n)
    cadence = as_column("cadence_spm", cadence_spm, n)
    latitude = as_column("lat", lat, n)
    longitude = as_column("lon", lon, n)
    altitude = as_column("altitude_m", altitude_m, n)
    if (latitude is None) != (longitude is None):
        raise ValueError("give both lat and lon, or neither")
    sport_num = _enum("sport", sport)
    sub_sport_num = _enum("sub_sport", sub_sport)
    manufacturer_num = _enum("manufacturer", manufacturer)
    product_num = GARMIN_PRODUCTS[product] if isinstance(product, str) else product

    t0 = fit_timestamp(start)
    seconds = np.rint(elapsed)
    timestamps = t0 + seconds
    cadence_whole = fractional = None
    if cadence is not None:
        if sport_num in STRIDE_SPORTS:
            in_128ths = np.rint(cadence * 64.0)  # strides/min in 1/128ths
            cadence_whole = np.floor(in_128ths / 128.0)
            fractional = (in_128ths - cadence_whole * 128.0) / 128.0
        else:
            cadence_whole = np.rint(cadence)
    speed_key, altitude_key = ("enhanced_speed", "enhanced_altitude")
    if not enhanced:
        speed_key, altitude_key = ("speed", "altitude")

    writer = FitWriter()
    records = writer.prepare_many(
        "record",
        {
            "timestamp": timestamps,
            "position_lat": None if latitude is None else semicircles(latitude),
            "position_long": None if longitude is None else semicircles(longitude),
            "distance": distance,
            speed_key: speed,
            "heart_rate": hr,
            "cadence": cadence_whole,
            "fractional_cadence": fractional,
            altitude_key: altitude,
        },
    )

    starts = lap_start_indices(elapsed, distance, lap_distance_m, lap_starts_s)
    ends = [*starts[1:], n]
    climb = _climb(altitude, n)
    first_fix = None
    if latitude is not None and longitude is not None:
        fixes = np.flatnonzero(np.isfinite(latitude) & np.isfinite(longitude))
        first_fix = int(fixes[0]) if fixes.size else None

    def summary(lo: int, hi: int, last: bool) -> dict[str, object]:
        """Fields laps and sessions share, for records ``lo:hi``."""
        end_index = hi - 1 if last else hi
        begin = 0.0 if lo == 0 else float(seconds[lo])
        end = float(seconds[end_index])
        timer = end - begin - _paused(pauses, begin, end)
        dist = None
        if distance is not None:
            # A lap runs from its first record to the next lap's first; the first from zero.
            finite = _finite(distance[lo : end_index + 1])
            if finite.size:
                dist = float(finite[-1] - (0.0 if lo == 0 else finite[0]))
        avg_speed = dist / timer if dist is not None and timer > 0 else None
        max_speed = _max(None if speed is None else speed[lo:hi])
        avg_cadence = _mean(None if cadence is None else cadence[lo:hi])
        if avg_cadence is not None and sport_num in STRIDE_SPORTS:
            avg_cadence /= 2.0
        hr_mean = _mean(None if hr is None else hr[lo:hi])
        fields: dict[str, object] = {
            "timestamp": t0 + int(end),
            "start_time": t0 + int(begin),
            "total_elapsed_time": end - begin,
            "total_timer_time": timer,
            "total_distance": dist,
            "avg_heart_rate": None if hr_mean is None else round(hr_mean),
            "max_heart_rate": _max(None if hr is None else hr[lo:hi]),
            "avg_cadence": None if avg_cadence is None else round(avg_cadence),
            "sport": sport_num,
            "sub_sport": sub_sport_num,
            "event": "lap",
            "event_type": "stop",
        }
        if enhanced:
            fields.update(enhanced_avg_speed=avg_speed, enhanced_max_speed=max_speed)
        else:
            fields.update(avg_speed=avg_speed, max_speed=max_speed)
        if climb is not None:
            fields["total_ascent"] = round(climb[0][end_index] - climb[0][lo])
            fields["total_descent"] = round(climb[1][end_index] - climb[1][lo])
        if first_fix is not None and latitude is not None and longitude is not None:
            here = max(lo, first_fix)
            fields["start_position_lat"] = float(semicircles(latitude[here]))
            fields["start_position_long"] = float(semicircles(longitude[here]))
        return fields

    # Everything that is not a record, keyed by the record index it goes before.
    extras: list[tuple[int, int, str, dict[str, object]]] = []
    timer_event = {"event": "timer", "event_group": 0}
    extras.append((0, 0, "event", {"timestamp": t0, **timer_event, "event_type": "start"}))
    for a, b in pauses:
        stop_at = int(np.searchsorted(elapsed, a, side="right"))
        restart_at = int(np.searchsorted(elapsed, b, side="left"))
        stop = {"timestamp": t0 + round(a), **timer_event, "event_type": "stop_all"}
        extras.append((stop_at, 1, "event", stop))
        restart = {"timestamp": t0 + round(b), **timer_event, "event_type": "start"}
        extras.append((restart_at, 2, "event", restart))
    end_ts = int(timestamps[-1])
    extras.append((n, 3, "event", {"timestamp": end_ts, **timer_event, "event_type": "stop_all"}))
    for index, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        last = hi == n
        lap = summary(lo, hi, last)
        lap.pop("enhanced_max_speed", None)
        lap.update(message_index=index, lap_trigger="session_end" if last else "distance")
        if lap_starts_s is not None and not last:
            lap["lap_trigger"] = "manual"
        extras.append((hi, 4, "lap", lap))
    session = summary(0, n, True)
    if total_distance_m is None:
        total_distance_m = _max(distance)
    if total_timer_s is None:
        total_timer_s = float(seconds[-1]) - _paused(pauses, 0.0, float(seconds[-1]))
    if total_calories is None:  # about 1 kcal per kg and km running, 7 kcal a minute otherwise
        moving_kcal = 70 * total_distance_m / 1000 if total_distance_m else total_timer_s / 9
        total_calories = round(moving_kcal)
    session.update(total_distance=total_distance_m, total_timer_time=total_timer_s)
    session.update(
        message_index=0,
        total_calories=total_calories,
        first_lap_index=0,
        num_laps=len(starts),
        trigger="activity_end",
    )
    extras.append((n, 5, "session", session))
    activity: dict[str, object] = {
        "timestamp": end_ts,
        "total_timer_time": total_timer_s,
        "num_sessions": 1,
        "type": "manual",
        "event": "activity",
        "event_type": "stop",
        "local_timestamp": None if utc_offset_s is None else end_ts + utc_offset_s,
    }
    extras.append((n, 6, "activity", activity))

    writer.add(
        "file_id",
        {
            "type": "activity",
            "manufacturer": manufacturer_num,
            "product": product_num,
            "serial_number": serial_number,
            "time_created": t0,
        },
    )
    if software_version is not None:
        writer.add(
            "device_info",
            {
                "timestamp": t0,
                "device_index": 0,
                "manufacturer": manufacturer_num,
                "product": product_num,
                "serial_number": serial_number,
                "software_version": software_version,
            },
        )
    done_records = 0
    for before, _, message, fields in sorted(extras, key=lambda extra: extra[:2]):
        if before > done_records:
            writer.write_packed(records, done_records, before)
            done_records = before
        writer.add(message, fields)
    return writer.to_bytes()
