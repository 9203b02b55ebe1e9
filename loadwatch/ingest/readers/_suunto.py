"""What the Suunto readers (Moveslink ``.sml`` and the Suunto app's JSON) share.

Both hold a ``DeviceLog`` with a ``Header`` (``Activity``, ``DateTime``, ``Duration``,
``Distance``), a ``Device`` (``Name``) and ``Samples``, one per moment, with SI units as
Suunto writes them: heart rate and cadence in hertz (beats and cycles per second: the corpus
Ambit3's header average of 2.5 Hz is 150 bpm), speed in m/s, distance and altitude in metres,
and positions (``Latitude``/``Longitude``) in radians, as Suunto's logs store them (the corpus
files hold no position to check this against: a first file with GPS should confirm it). Each
reader brings its samples to
:class:`SuuntoSample` and :func:`activity` does the rest.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from loadwatch.errors import EmptyActivityError
from loadwatch.ingest.activity import Activity, make_samples, normalise_sport
from loadwatch.ingest.geo import valid_positions
from loadwatch.ingest.readers._xml import order_by_time, steps_per_minute

_PER_MINUTE = 60.0


#: Each sample's field in a Suunto log (SML's ``<Sample>`` children, the app JSON's keys) and
#: the column it is read into, in the log's units (heart rate and cadence in Hz, positions in
#: radians).
SAMPLE_FIELDS: dict[str, str] = {
    "HR": "hr_hz",
    "Cadence": "cadence_hz",
    "Speed": "speed_mps",
    "Distance": "distance_m",
    "Altitude": "altitude_m",
    "Latitude": "lat_rad",
    "Longitude": "lon_rad",
}


@dataclasses.dataclass(frozen=True)
class SuuntoSample:
    """One sample's values as the file gives them (NaN where absent); ``time`` is UTC."""

    time: pd.Timestamp | None
    hr_hz: float = math.nan
    cadence_hz: float = math.nan
    speed_mps: float = math.nan
    distance_m: float = math.nan
    altitude_m: float = math.nan
    lat_rad: float = math.nan
    lon_rad: float = math.nan


@dataclasses.dataclass(frozen=True)
class SuuntoHeader:
    """What the ``Header`` and ``Device`` say about the whole activity."""

    activity: str | None
    start: pd.Timestamp
    duration_s: float
    distance_m: float
    device: str | None


def activity(
    header: SuuntoHeader,
    samples: list[SuuntoSample],
    *,
    source: str,
    format: str,
    warnings: tuple[str, ...] = (),
) -> Activity:
    """Build the activity of a ``DeviceLog``: samples with a measurement, in time order.

    Raises:
        EmptyActivityError: No sample with a time and a measurement.
    """
    measured = [s for s in samples if s.time is not None and _has_value(s)]
    if not measured:
        raise EmptyActivityError(
            "is a Suunto file without any timed measurement (heart rate, speed, distance or "
            "position)",
            path=source,
        )
    times = pd.Series([s.time for s in measured], dtype="datetime64[ns, UTC]")
    ordered = order_by_time(times, [0] * len(measured))
    if ordered.times.empty:
        raise EmptyActivityError("is a Suunto file without any usable time", path=source)

    def column(name: str) -> np.ndarray:
        return ordered.column([getattr(s, name) for s in measured])

    sport = normalise_sport(header.activity)
    lat = np.degrees(column("lat_rad"))
    lon = np.degrees(column("lon_rad"))
    bad = ~valid_positions(lat, lon)
    lat[bad] = np.nan
    lon[bad] = np.nan
    hr = column("hr_hz") * _PER_MINUTE
    hr[hr <= 0] = np.nan
    frame = make_samples(
        {
            "time": ordered.times,
            "distance_m": column("distance_m"),
            "speed_mps": column("speed_mps"),
            "hr_bpm": hr,
            "cadence_spm": steps_per_minute(column("cadence_hz") * _PER_MINUTE, sport),
            "lat": lat,
            "lon": lon,
            "altitude_m": column("altitude_m"),
        }
    )
    return Activity(
        sport=sport,
        sub_sport=None,
        start=min(header.start, frame["time"].iloc[0]).to_pydatetime(),
        source=source,
        samples=frame,
        format=format,
        device=header.device,
        name=None,
        activity_type=header.activity.lower() if header.activity else None,
        timer_s=_positive(header.duration_s),
        distance_m=_positive(header.distance_m, zero=True),
        warnings=(*warnings, *ordered.warnings),
    )


def _has_value(sample: SuuntoSample) -> bool:
    """Whether a sample measures anything (event-only samples do not)."""
    values = (sample.hr_hz, sample.speed_mps, sample.distance_m, sample.lat_rad, sample.altitude_m)
    return any(math.isfinite(value) for value in values)


def _positive(value: float, *, zero: bool = False) -> float | None:
    """A header total, or None when missing or negative (zero kept only if ``zero``)."""
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        return None
    return value
