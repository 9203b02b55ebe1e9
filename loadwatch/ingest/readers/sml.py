"""Suunto ``.sml`` reader: the XML that Suunto Moveslink and Movescount wrote for Ambit watches.

An ``<sml>`` root holds one ``<DeviceLog>``: its ``<Header>`` (``Activity``, ``DateTime``,
``Duration``, ``Distance``), its ``<Device>`` (``Name``) and ``<Samples>``, each ``<Sample>``
timed by ``<Time>`` in seconds from the start, some also by ``<UTC>``. Units are those of
:mod:`~loadwatch.ingest.readers._suunto` (heart rate in hertz...). The document passes the
same safety check as GPX and TCX (:func:`~loadwatch.ingest.readers._xml.inspect_prolog`): a DTD
or entity declaration is refused before any parser sees the rest.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from xml.parsers import expat

import pandas as pd

from loadwatch.errors import CorruptFileError, NotAnActivityError, UnsupportedFileError
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.readers._suunto import SAMPLE_FIELDS, SuuntoHeader, SuuntoSample, activity
from loadwatch.ingest.readers._xml import (
    child,
    children,
    inspect_prolog,
    parse_float,
    raise_malformed,
    usable_times,
)

_FORMAT = "Suunto SML"
_LOCAL_TIME_NOTE = "the file gives local time without a time zone; it is read as UTC"


def read_sml(data: bytes, source: str) -> list[Activity]:
    """Read the one activity of a Suunto ``.sml`` file.

    Each sample's time is the header's start plus its ``Time``; the start is taken from the
    first sample with a ``<UTC>`` time (less its ``Time``), since the header's ``DateTime`` is
    local time without a zone (read as UTC, with a warning, when no sample has one).

    Raises:
        CorruptFileError: Broken XML, a DTD or entity declaration, or no readable start.
        UnsupportedFileError: Well-formed XML whose root is not ``<sml>``.
        NotAnActivityError: No ``<DeviceLog>``.
        EmptyActivityError: No timed measurement.
    """
    prolog = inspect_prolog(data, source, _FORMAT)
    if prolog.root != "sml":
        raise UnsupportedFileError(
            f"is not a Suunto SML file: its root element is <{prolog.root}>, not <sml>",
            path=source,
        )
    root = _parse(data, source)
    log = child(root, "DeviceLog")
    if log is None:
        raise NotAnActivityError("is a Suunto SML file without a device log", path=source)
    header_element = child(log, "Header")
    samples_element = child(log, "Samples")
    rows = [] if samples_element is None else children(samples_element, "Sample")
    start, warnings = _start(header_element, rows, source)
    header = SuuntoHeader(
        activity=_text(header_element, "Activity"),
        start=start,
        duration_s=parse_float(_text(header_element, "Duration")),
        distance_m=parse_float(_text(header_element, "Distance")),
        device=_text(child(log, "Device"), "Name"),
    )
    samples = [_sample(row, start) for row in rows]
    return [activity(header, samples, source=source, format="sml", warnings=warnings)]


def _parse(data: bytes, source: str) -> ET.Element:
    """Parse the whole document (already checked to declare no DTD, so no entities)."""
    parser = ET.XMLParser()
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as e:
        line, column = e.position
        raise_malformed(source, _FORMAT, expat.errors.messages[e.code], line, column)


def _start(
    header: ET.Element | None, rows: list[ET.Element], source: str
) -> tuple[pd.Timestamp, tuple[str, ...]]:
    """The UTC start: from the first sample with ``<UTC>``, else the header's local time."""
    for row in rows:
        utc = _utc(_text(row, "UTC"))
        offset = parse_float(_text(row, "Time"))
        if utc is not None and math.isfinite(offset):
            return utc - pd.Timedelta(seconds=offset), ()
    local = _utc(_text(header, "DateTime"))
    if local is None:
        raise CorruptFileError(
            "is a Suunto SML file without a readable start time (no DateTime, no UTC)",
            path=source,
        )
    return local, (_LOCAL_TIME_NOTE,)


def _utc(text: str | None) -> pd.Timestamp | None:
    """An ISO 8601 time as UTC (no zone read as UTC); None when missing or implausible."""
    if text is None:
        return None
    parsed = pd.to_datetime(pd.Series([text.strip()]), format="ISO8601", errors="coerce", utc=True)
    return pd.Timestamp(parsed.iloc[0]) if usable_times(parsed)[0] else None


def _sample(row: ET.Element, start: pd.Timestamp) -> SuuntoSample:
    """One ``<Sample>``: its measurements, timed from the start."""
    offset = parse_float(_text(row, "Time"))
    values = {field: parse_float(_text(row, name)) for name, field in SAMPLE_FIELDS.items()}
    time = start + pd.Timedelta(seconds=offset) if math.isfinite(offset) else None
    return SuuntoSample(time=time, **values)


def _text(element: ET.Element | None, name: str) -> str | None:
    """The stripped text of the first direct child with this local name, or ``None``."""
    found = child(element, name)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None
