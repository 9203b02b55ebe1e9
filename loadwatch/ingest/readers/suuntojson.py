"""Suunto app JSON reader: the ``DeviceLog`` JSON of the Suunto app (and Movescount's API).

The top-level object holds ``DeviceLog`` with ``Header`` (``Activity``, ``DateTime`` with its
UTC offset, ``Duration``, ``Distance``, ``Device.Name``) and ``Samples``, a list of objects each
timed by ``TimeISO8601`` (with its offset) and holding what was measured then (``HR``,
``Cadence``, ``Speed``, ``Distance``, ``Altitude``, ``Latitude``, ``Longitude``); samples with
only ``Events`` (laps, pauses) measure nothing and are left out. Units are those of
:mod:`~loadwatch.ingest.readers._suunto`. A multisport log is read as one activity of its
header's sport ("Multisport", counted as other): its legs are not told apart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from loadwatch.errors import CorruptFileError, NotAnActivityError
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.readers._json import load_json_object, number
from loadwatch.ingest.readers._suunto import SAMPLE_FIELDS, SuuntoHeader, SuuntoSample, activity
from loadwatch.ingest.readers._xml import usable_times

_FORMAT = "Suunto app"


def read_suunto_json(data: bytes, source: str) -> list[Activity]:
    """Read the one activity of a Suunto app JSON file.

    Raises:
        CorruptFileError: Broken JSON, not UTF-8, or a header without a readable time.
        NotAnActivityError: No ``DeviceLog`` object.
        EmptyActivityError: No timed measurement.
    """
    document = load_json_object(data, source, _FORMAT)
    log = document.get("DeviceLog")
    if not isinstance(log, dict):
        raise NotAnActivityError("is a Suunto file without a device log", path=source)
    header = _dict(log.get("Header"))
    rows = [row for row in log.get("Samples") or [] if isinstance(row, dict)]
    samples = [_sample(row) for row in rows]
    start = _time(header.get("DateTime"))
    if start is None:
        start = min((s.time for s in samples if s.time is not None), default=None)
    if start is None:
        raise CorruptFileError("is a Suunto file without a readable start time", path=source)
    name = _dict(header.get("Device")).get("Name")
    suunto = SuuntoHeader(
        activity=header["Activity"] if isinstance(header.get("Activity"), str) else None,
        start=start,
        duration_s=number(header.get("Duration")),
        distance_m=number(header.get("Distance")),
        device=name.strip() or None if isinstance(name, str) else None,
    )
    return [activity(suunto, samples, source=source, format="suunto_json")]


def _dict(value: object) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def _time(text: object) -> pd.Timestamp | None:
    """An ISO 8601 time with its offset as UTC; None when missing or implausible."""
    if not isinstance(text, str):
        return None
    parsed = pd.to_datetime(pd.Series([text]), format="ISO8601", errors="coerce", utc=True)
    return pd.Timestamp(parsed.iloc[0]) if usable_times(parsed)[0] else None


def _sample(row: dict[str, Any]) -> SuuntoSample:
    """One sample object's time and measurements."""
    values = {field: number(row.get(name)) for name, field in SAMPLE_FIELDS.items()}
    return SuuntoSample(time=_time(row.get("TimeISO8601")), **values)
