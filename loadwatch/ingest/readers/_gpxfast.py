"""The streaming GPX path: plain tracks read by expat straight into columns, no gpxpy objects.

gpxpy builds a tree, then one object per point with some twenty fields and a deep copy of its
extensions: about three quarters of reading a one-hour run. This module reads the same values
in one pass of expat's callbacks (:mod:`~loadwatch.ingest.readers._gpxstream`), the points in
the usual shapes taken beforehand by a strict-shape scan
(:mod:`~loadwatch.ingest.readers._xmlscan`), into text columns, converted a column at a time
with numpy, and only for files it is sure it reads exactly as gpxpy does. Every other file is
*declined* (:func:`read_plain_gpx` returns None) and the GPX reader gives it to gpxpy, the
reference, as before. A decline is decided before parsing (the bytes) or while parsing (the
elements and values met), never after a difference.

The fast path takes a file when all of these hold:

- It is UTF-8 (declared so or not declared; a UTF-8 byte order mark is fine), so expat reads
  the very bytes the safety checks read.
- Its root is ``<gpx>`` with ``version="1.1"`` in the GPX 1.1 namespace, or ``version="1.0"``
  in the GPX 1.0 namespace, declared as the default namespace on the root, the first
  ``xmlns="..."`` of the text (gpxpy removes that one before parsing), and that namespace is
  declared nowhere else.
- It holds tracks and no waypoints or routes (gpxpy checks their every value; they go to it).
- Every value gpxpy would convert converts: ``lat``/``lon`` present and numbers; the first
  ``ele``, ``magvar``, ``geoidheight``, ``hdop``, ``vdop``, ``pdop``, ``ageofdgpsdata`` (and,
  in GPX 1.0, ``speed`` and ``course``) numbers; ``sat``, ``dgpsid`` and a track's ``number``
  integers; ``fix`` one of gpxpy's words; ``bounds`` numbers. gpxpy refuses a file otherwise.
- Every time is written ``YYYY-MM-DDThh:mm:ss``, with at most six decimals of a second and
  ``Z``, ``+hh:mm`` or ``-hh:mm`` or no zone, and is a real date; anything else (a space for
  ``T``, a zone without a colon, nanoseconds, February 30th) goes to gpxpy's own parsing.
- No name, type or point value has elements inside it.

Heart rate, cadence and speed come from the first ``<extensions>`` of a GPX 1.1 point, as the
GPX reader takes them from gpxpy's copy of it: the ``hr``/``heartrate``, ``cad``/``cadence``
and ``speed`` elements, in any namespace, at any depth, their text up to a first child. A
point where one of a kind follows another that held a value is declined (the reader keeps
the first readable one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

import numpy as np
import numpy.typing as npt
import pandas as pd

from loadwatch.ingest.readers._gpxstream import POINT_1_1, Declined, Reader, Texts
from loadwatch.ingest.readers._xml import parse_floats
from loadwatch.ingest.readers._xmlscan import scan_points

#: The GPX namespace each version's fast path requires.
GPX_NAMESPACES: dict[str, str] = {
    "1.1": "http://www.topografix.com/GPX/1/1",
    "1.0": "http://www.topografix.com/GPX/1/0",
}

# What may come before the root's default namespace declaration for gpxpy to remove that one:
# a byte order mark, an XML declaration and the root's start tag so far.
_BEFORE_ROOT_NAMESPACE = re.compile(
    r"\ufeff?\s*(?:<\?xml[^<>]*\?>\s*)?<gpx(?:\s+[\w:.\-]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*"
)
_TIME = (
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:"
    r"[0-5][0-9](?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?"
)
_TIMES = re.compile(f"(?:{_TIME}\n)*{_TIME}")  # times joined by new lines
FloatArray = npt.NDArray[np.float64]


def _no_floats() -> FloatArray:
    """An empty column."""
    return np.empty(0)


@dataclass
class PlainTrack:
    """One ``<trk>`` as columns, one entry per ``<trkpt>`` in file order (NaN where absent)."""

    name: str | None = None
    activity_type: str | None = None
    utc: pd.Series = field(default_factory=lambda: pd.Series(dtype="datetime64[ns, UTC]"))
    lat: FloatArray = field(default_factory=_no_floats)
    lon: FloatArray = field(default_factory=_no_floats)
    ele: FloatArray = field(default_factory=_no_floats)
    speed: FloatArray = field(default_factory=_no_floats)
    hr: FloatArray = field(default_factory=_no_floats)
    cad: FloatArray = field(default_factory=_no_floats)
    segment: list[int] = field(default_factory=list)


@dataclass
class PlainGpx:
    """What the GPX reader needs of a file the fast path read."""

    creator: str | None
    name: str | None
    tracks: list[PlainTrack]


def read_plain_gpx(data: bytes, text: str, encoding: str | None) -> PlainGpx | None:
    """Read a plain GPX track file, or decline it (None) for gpxpy to read.

    Args:
        data: The file's bytes, already checked to declare no DTD and within the point cap.
        text: The same, decoded.
        encoding: The encoding its XML declaration names, if any.

    Returns:
        The file's tracks as columns, or None when the fast path is not sure of the file.
    """
    if encoding is not None and encoding.lower() != "utf-8":
        return None
    version = _root_namespace_version(text)
    if version is None:
        return None
    reader = Reader(GPX_NAMESPACES[version], version)
    try:
        scan = scan_points(data, POINT_1_1) if version == "1.1" else None
        reader.parse(data if scan is None else scan.skeleton, scan)
        tracks = [_columns(texts, version) for texts in reader.tracks]
    except (Declined, expat.ExpatError, ValueError, LookupError):
        return None
    if not tracks:
        return None
    return PlainGpx(reader.creator, reader.file_name, tracks)


def _columns(texts: Texts, version: str) -> PlainTrack:
    """A track's texts converted as gpxpy and the GPX reader convert them, a column at once."""
    utc = plain_times(texts.time)
    if utc is None:
        raise Declined
    return PlainTrack(
        name=texts.name,
        activity_type=texts.activity_type,
        utc=utc,
        lat=_strict(texts.lat),
        lon=_strict(texts.lon),
        ele=_strict(texts.ele),
        speed=_strict(texts.speed) if version == "1.0" else parse_floats(texts.speed),
        hr=parse_floats(texts.hr),
        cad=parse_floats(texts.cad),
        segment=texts.segment,
    )


def _strict(texts: list[Any]) -> FloatArray:
    """Numbers gpxpy converts with ``float`` (an unreadable one declines), NaN where absent or
    not finite."""
    values = np.array(texts, dtype=np.float64)  # float() on each: a ValueError declines
    values[~np.isfinite(values)] = np.nan
    return values


def plain_times(texts: list[str | None]) -> pd.Series | None:
    """Times as UTC (no zone means UTC, as in gpxpy), NaT where absent; None to decline."""
    present = [t for t in texts if t is not None]
    joined = "\n".join(present)  # checked in one call: no time holds a new line, each matches
    if present and (joined.count("\n") != len(present) - 1 or not _TIMES.fullmatch(joined)):
        return None
    try:
        times = pd.to_datetime(
            pd.Series(texts, dtype=object), utc=True, format="ISO8601", errors="coerce"
        )
    except (ValueError, TypeError, OverflowError):
        return None
    if int(times.notna().sum()) != len(present):  # a date that does not exist: gpxpy's call
        return None
    return times


def takes_root(text: str) -> bool:
    """Whether the root is one the fast path reads: ``<gpx>`` whose default namespace, a GPX
    one, is the first ``xmlns="..."`` of the text (so gpxpy's removing it changes nothing
    before the root's start tag)."""
    return _root_namespace_version(text) is not None


def _root_namespace_version(text: str) -> str | None:
    """The GPX version whose namespace is the root's default one, the one gpxpy removes.

    Its declaration must be the first ``xmlns="..."`` in the text, inside the root's start
    tag, with nothing but an XML declaration before that tag.
    """
    match = re.search(r"""\sxmlns=(['"])([^'"]+)\1""", text)
    if match is None or not _BEFORE_ROOT_NAMESPACE.fullmatch(text, 0, match.start()):
        return None
    uri = match.group(2)
    return next((v for v, namespace in GPX_NAMESPACES.items() if namespace == uri), None)
