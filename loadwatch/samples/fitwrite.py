"""Write FIT activity files: :func:`write_activity_fit` from sample arrays, or message by message.

The low-level :class:`FitWriter` (with :func:`fit_crc`, :func:`fit_timestamp` and
:func:`semicircles`) lives in :mod:`loadwatch.samples._fitcore` and is re-exported here.
:func:`write_activity_fit` lays out a whole activity the way a watch does: file_id,
device_info, a timer start event, records with laps between them, timer stop, the last lap,
session and activity. This module writes the header messages and the records; the messages
around the records come from :mod:`loadwatch.samples._fitlaps`.
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
from loadwatch.samples._fitlaps import (
    Placed,
    Recording,
    activity_message,
    lap_messages,
    session_message,
    session_totals,
    timer_events,
)
from loadwatch.samples._fitprofile import ENUMS, GARMIN_PRODUCTS
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
    """A FIT enum's number, from its name in ``table`` or as given."""
    if isinstance(value, int):
        return value
    if value not in ENUMS[table]:
        raise ValueError(f"unknown {table} {value!r}; known: {sorted(ENUMS[table])}")
    return ENUMS[table][value]


def _cadence_columns(
    cadence_spm: _Floats | None, in_strides: bool
) -> tuple[_Floats | None, _Floats | None]:
    """The record's ``cadence`` and ``fractional_cadence`` columns.

    Running, walking and hiking store strides per minute, whole in ``cadence`` and the rest
    in ``fractional_cadence`` (1/128ths), as watches do; other sports store whole rpm.
    """
    if cadence_spm is None:
        return None, None
    if not in_strides:
        return np.rint(cadence_spm), None
    in_128ths = np.rint(cadence_spm * 64.0)  # strides/min in 1/128ths
    whole = np.floor(in_128ths / 128.0)
    return whole, (in_128ths - whole * 128.0) / 128.0


def _record_columns(recording: Recording) -> dict[str, _Floats | None]:
    """The record messages' columns in FIT units (semicircles, strides), in the order written."""
    speed_key, altitude_key = ("enhanced_speed", "enhanced_altitude")
    if not recording.enhanced:
        speed_key, altitude_key = ("speed", "altitude")
    cadence, fractional = _cadence_columns(recording.cadence, recording.in_strides)
    latitude, longitude = recording.latitude, recording.longitude
    return {
        "timestamp": recording.t0 + recording.seconds,
        "position_lat": None if latitude is None else semicircles(latitude),
        "position_long": None if longitude is None else semicircles(longitude),
        "distance": recording.distance,
        speed_key: recording.speed,
        "heart_rate": recording.hr,
        "cadence": cadence,
        "fractional_cadence": fractional,
        altitude_key: recording.altitude,
    }


def _write_device(
    writer: FitWriter,
    *,
    t0: int,
    manufacturer: int,
    product: int,
    serial_number: int,
    software_version: float | None,
) -> None:
    """The file_id message, then device_info when a software version is given."""
    writer.add(
        "file_id",
        {
            "type": "activity",
            "manufacturer": manufacturer,
            "product": product,
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
                "manufacturer": manufacturer,
                "product": product,
                "serial_number": serial_number,
                "software_version": software_version,
            },
        )


def _write_in_order(writer: FitWriter, records: PackedMessages, placed: list[Placed]) -> None:
    """The records, with every other message written before the record it is placed at."""
    written = 0
    for item in sorted(placed, key=lambda message: (message.before, message.rank)):
        if item.before > written:
            writer.write_packed(records, written, item.before)
            written = item.before
        writer.add(item.message, item.fields)


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
    redefine_records: bool = False,
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
        redefine_records: Write a definition again before every message, records included,
            as some Suunto watches do.

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
    recording = Recording(
        t0=fit_timestamp(start),
        elapsed=elapsed,
        seconds=np.rint(elapsed),
        pauses=pauses,
        distance=distance,
        speed=speed,
        hr=hr,
        cadence=cadence,
        latitude=latitude,
        longitude=longitude,
        altitude=altitude,
        sport=sport_num,
        sub_sport=sub_sport_num,
        enhanced=enhanced,
    )

    writer = FitWriter(redefine=redefine_records)
    records = writer.prepare_many("record", _record_columns(recording))
    starts = lap_start_indices(elapsed, distance, lap_distance_m, lap_starts_s)
    totals = session_totals(recording, total_distance_m, total_timer_s, total_calories)
    placed = [
        *timer_events(recording),
        *lap_messages(recording, starts, manual=lap_starts_s is not None),
        session_message(recording, len(starts), totals),
        activity_message(recording, totals.timer_s, utc_offset_s),
    ]
    _write_device(
        writer,
        t0=recording.t0,
        manufacturer=manufacturer_num,
        product=product_num,
        serial_number=serial_number,
        software_version=software_version,
    )
    _write_in_order(writer, records, placed)
    return writer.to_bytes()
