"""Heart rate from FIT ``hr`` messages, merged into the records that lack it.

A chest strap cannot send through water, so while swimming (and whenever the watch loses it)
the strap keeps the beats and sends them afterwards; the watch writes them as ``hr`` messages,
not in the records. Facts from the FIT SDK profile (Profile.xlsx, message ``hr``, number 132)
and its Activity file documentation ("HR messages"):

- ``filtered_bpm`` is an array of heart rates, one per beat time in ``event_timestamp``.
- ``event_timestamp`` is in 1/1024 s, a free-running counter. The first ``hr`` message of a
  block also holds ``timestamp`` (FIT seconds) and ``fractional_timestamp`` (1/32768 s), the
  moment its one ``event_timestamp`` was taken: it anchors the counter to the clock.
- Later messages give their beat times packed as ``event_timestamp_12``: 12-bit values, two in
  three bytes, little-endian, each the low 12 bits of the counter, accumulated as the profile's
  components are (the counter wraps every 4 s).

How the beats fill the records is loadwatch's own rule (the SDK's merge plug-in averages the
beats between records; this is the same in spirit): a record without heart rate takes the
mean of the beats stamped after the previous record and up to it, at most
:data:`MAX_GAP_S` before it. Records that have a heart rate keep it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from loadwatch.ingest.readers._fitcontent import number

_COUNTER_HZ = 1024.0
_FRACTION_HZ = 32768.0
_BITS = 12
#: A beat further than this before a record does not give it a heart rate.
MAX_GAP_S = 5.0


def beats(hrs: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Each beat's time (FIT seconds) and heart rate, from the ``hr`` messages in file order."""
    times: list[float] = []
    rates: list[float] = []
    anchor: float | None = None  # clock time minus counter time, in seconds
    counter: int | None = None  # the counter's last value, in 1/1024 s
    for message in hrs:
        timestamp = number(message.get("timestamp"))
        if math.isfinite(timestamp):
            first = number(_first(message.get("event_timestamp")))
            fraction = number(message.get("fractional_timestamp"))
            if math.isfinite(first):
                clock = timestamp + (fraction if math.isfinite(fraction) else 0.0)
                anchor = clock - first
                counter = round(first * _COUNTER_HZ)
        stamps = _packed(message.get("event_timestamp_12"))
        bpm = _many(message.get("filtered_bpm"))
        if anchor is None or counter is None:
            continue
        if not stamps:  # the anchoring message itself: one beat at its event_timestamp
            if bpm:
                times.append(anchor + counter / _COUNTER_HZ)
                rates.append(bpm[0])
            continue
        for low, rate in zip(stamps, bpm, strict=False):
            counter = _accumulate(counter, low)
            times.append(anchor + counter / _COUNTER_HZ)
            rates.append(rate)
    return np.asarray(times, dtype="float64"), np.asarray(rates, dtype="float64")


def fill_heart_rate(
    record_times: np.ndarray, heart_rate: np.ndarray, hrs: list[dict[str, Any]]
) -> np.ndarray:
    """Records' heart rate with the gaps filled from ``hr`` messages (a new array).

    Args:
        record_times: The records' times, FIT seconds, in file order.
        heart_rate: Their heart rate, NaN where a record has none.
        hrs: The file's ``hr`` messages.
    """
    filled = np.array(heart_rate, dtype="float64", copy=True)
    missing = np.isnan(filled)
    if not hrs or not missing.any():
        return filled
    beat_times, rates = beats(hrs)
    valid = np.isfinite(beat_times) & (rates > 0) & (rates < 255)
    beat_times, rates = beat_times[valid], rates[valid]
    if not beat_times.size:
        return filled
    order = np.argsort(beat_times, kind="stable")
    beat_times, rates = beat_times[order], rates[order]
    sums = np.r_[0.0, np.cumsum(rates)]
    index = np.flatnonzero(missing)  # every record without heart rate at once
    end = record_times[index]
    before = np.where(index > 0, record_times[np.maximum(index - 1, 0)], -math.inf)
    start = np.maximum(end - MAX_GAP_S, before)
    lo = np.searchsorted(beat_times, start, side="right")
    hi = np.searchsorted(beat_times, end, side="right")
    beaten = hi > lo
    lo, hi = lo[beaten], hi[beaten]
    filled[index[beaten]] = (sums[hi] - sums[lo]) / (hi - lo)
    return filled


def _accumulate(counter: int, low: int) -> int:
    """The counter after a new low-12-bit reading (it only runs forward, wrapping every 4 s)."""
    mask = (1 << _BITS) - 1
    value = (counter & ~mask) | low
    if low < (counter & mask):
        value += 1 << _BITS
    return value


def _packed(value: object) -> list[int]:
    """The 12-bit values packed little-endian in a byte array (``event_timestamp_12``)."""
    if isinstance(value, tuple) and all(type(b) is int and 0 <= b < 256 for b in value):
        raw: Sequence[int | float] = value  # bytes as decoded: the common case, made quick
    else:
        raw = _many(value)
    if not raw:
        return []
    packed = int.from_bytes(bytes(int(b) & 0xFF for b in raw), "little")
    count = len(raw) * 8 // _BITS
    return [(packed >> (_BITS * i)) & ((1 << _BITS) - 1) for i in range(count)]


def _many(value: object) -> list[float]:
    """A FIT array field as a list of numbers (a single value as a list of one; None as [])."""
    if value is None:
        return []
    items: Sequence[object] = value if isinstance(value, list | tuple) else [value]
    numbers = [number(item) for item in items]
    return [n for n in numbers if math.isfinite(n)]


def _first(value: object) -> object:
    """The first value of an array field, or the value itself."""
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value
