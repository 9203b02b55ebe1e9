"""The expat callbacks of the streaming GPX path: a file's track points as text columns.

One pass, no tree and no object per point: a stack of element roles says where each start tag
is, and the text of the values read is kept as it is, to be converted a column at a time by
:mod:`~loadwatch.ingest.readers._gpxfast`, which decides which files come here. Whatever this
reader is not sure to read as gpxpy does raises :class:`Declined`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from loadwatch.ingest.readers._xmlscan import (
    PLACEHOLDER_TARGET,
    PREFIX,
    TEXT,
    PointRuns,
    Scan,
    skipped,
)


class Declined(Exception):
    """Raised inside the parse: this file is not one the fast path is sure of."""


_POINT_FLOATS = frozenset({"magvar", "geoidheight", "hdop", "vdop", "pdop", "ageofdgpsdata"})
_POINT_INTS = frozenset({"sat", "dgpsid"})
_FIXES = frozenset({"none", "2d", "3d", "dgps", "pps", "3"})
_BOUNDS = ("minlat", "maxlat", "minlon", "maxlon")
# Extension elements read, by lower-case local name, and the column each fills.
_EXTENSION_COLUMNS = {
    "hr": "hr",
    "heartrate": "hr",
    "cad": "cad",
    "cadence": "cad",
    "speed": "speed",
}
_POINT_CHECKED = _POINT_FLOATS | _POINT_INTS | {"fix"}

# A GPX 1.1 track point as Strava, Garmin and Apple write it, no attribute but its position
# (so no namespace declared inside it), each child at most once: ``lat``, ``lon``, ``ele``,
# ``time``, then extensions, a Garmin TrackPointExtension or Apple's values (see
# loadwatch.ingest.readers._xmlscan for why it reads what the callbacks read). ``ele``, ``time``
# and Apple's values are unprefixed: in the GPX namespace, where a point is read.
_POSITION = r'([^"<&\s]+)"'
_GARMIN_EXTENSION = (
    rf"<{PREFIX}TrackPointExtension>\s*"
    + skipped("atemp")
    + skipped("wtemp")
    + skipped("depth")
    + rf"(?:<{PREFIX}hr>{TEXT}</{PREFIX}hr>\s*)?"
    + rf"(?:<{PREFIX}cad>{TEXT}</{PREFIX}cad>\s*)?"
    + rf"(?:<{PREFIX}speed>{TEXT}</{PREFIX}speed>\s*)?"
    + skipped("course")
    + skipped("bearing")
    + rf"</{PREFIX}TrackPointExtension>\s*"
)
_APPLE_EXTENSION = (
    rf"(?:<speed>{TEXT}</speed>\s*)?" + skipped("course") + skipped("hAcc") + skipped("vAcc")
)
POINT_1_1 = re.compile(
    rf'<trkpt\s+(?:lat="{_POSITION}\s+lon="{_POSITION}|lon="{_POSITION}\s+lat="{_POSITION})\s*>\s*'
    rf"(?:<ele>{TEXT}</ele>\s*)?(?:<time>{TEXT}</time>\s*)?"
    rf"(?:<extensions>\s*(?:{_GARMIN_EXTENSION}|{_APPLE_EXTENSION})</extensions>\s*)?"
    r"</trkpt>"
)
# Texts' columns, and POINT_1_1's groups (counted from 0) that give each.
_SCAN_COLUMNS = {
    "lat": (0, 3),
    "lon": (1, 2),
    "ele": (4,),
    "time": (5,),
    "hr": (6,),
    "cad": (7,),
    "speed": (8, 9),
}


class Texts:
    """One track's point values as text, one entry per ``<trkpt>`` (None where absent)."""

    def __init__(self) -> None:
        self.lat: list[str] = []
        self.lon: list[str] = []
        self.time: list[str | None] = []
        self.ele: list[str | None] = []
        self.speed: list[str | None] = []
        self.hr: list[str | None] = []
        self.cad: list[str | None] = []
        self.segment: list[int] = []
        self.name: str | None = None
        self.activity_type: str | None = None


#: What a start tag's parent does with it: read it, and return what to do with its children.
Handler = Callable[[str, dict[str, str]], Any]


class Reader(PointRuns):
    """expat callbacks filling a track's text columns.

    A stack holds, for each open element, the handler of its children: each start tag is
    given to its parent's handler, which returns the one for the children of the new element.
    """

    def __init__(self, namespace: str, version: str) -> None:
        self.namespace = namespace
        self.version = version
        self.creator: str | None = None
        self.file_name: str | None = None
        self.tracks: list[Texts] = []
        self.track = Texts()
        self.handlers: list[Handler] = [self._in_document]
        self.names: dict[str, tuple[str, bool, str | None]] = {}
        self.parts: list[str] = []  # all text met since the point began (cleared per point)
        self.mark = 0  # where the value being read starts in parts
        self.capture: list[str | None] | None = None  # the column the value goes to
        self.checks: list[tuple[str, str | None]] = []  # values gpxpy converts, unused here
        # The values already met, per scope: gpxpy reads the first of each kind only.
        self.file_seen: set[str] = set()
        self.track_seen: set[str] = set()
        self.point_seen: set[str] = set()
        self.point_columns = {"ele": "ele", "time": "time"}
        if version == "1.0":
            self.point_columns.update(speed="speed", course="")
        self.segment = -1
        self.scanned: dict[str, list[str | None]] = {}  # the scanned points' values
        self.taken = 0  # how many scanned points are in the columns
        self.run = 0  # how many placeholders met since, each a point of the current segment

    def parse(self, data: bytes, scan: Scan | None = None) -> None:
        """Run expat over the bytes, with namespaces resolved (``uri local``).

        With a scan (of :data:`POINT_1_1`), the bytes are its skeleton, and each placeholder
        met is its next point.
        """
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.parts.append
        parser.StartNamespaceDeclHandler = self.namespace_declared
        parser.StartDoctypeDeclHandler = self.refuse
        parser.EntityDeclHandler = self.refuse
        if scan is not None:
            self.scanned = {name: scan.column(groups) for name, groups in _SCAN_COLUMNS.items()}
            parser.StartElementHandler = self.start_after_points
            parser.EndElementHandler = self.end_after_points
            parser.ProcessingInstructionHandler = self._placeholder
        parser.Parse(data, True)
        if scan is not None and self.taken != scan.count:
            raise Declined  # a placeholder expat did not report: in a comment, say
        for key, text in self.checks:
            _check(key, text)

    def _placeholder(self, target: str, data: str) -> None:
        """A scanned point: counted, its values taken when the next tag comes."""
        if target == PLACEHOLDER_TARGET:
            if self.handlers[-1] != self._in_segment:
                raise Declined  # somewhere a point is not read, or read otherwise
            self.run += 1

    def _take_points(self) -> None:
        """Put the placeholders met since the last tag in the columns, as points."""
        start, end = self.taken, self.taken + self.run
        track = self.track
        for name, values in self.scanned.items():
            getattr(track, name).extend(values[start:end])
        track.segment.extend([self.segment] * self.run)
        self.taken, self.run = end, 0

    def refuse(self, *args: object) -> None:
        """A DTD or entity: never reached after the prolog check, declined all the same."""
        raise Declined

    def namespace_declared(self, prefix: str | None, uri: str) -> None:
        """The GPX namespace bound anywhere but the root's default declaration: decline."""
        if uri == self.namespace and (len(self.handlers) > 1 or prefix is not None):
            raise Declined

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """Open an element: its parent's handler reads it."""
        handlers = self.handlers
        handlers.append(handlers[-1](name, attributes))

    def end(self, name: str) -> None:
        """Close an element: store the value it held, if it is one being read."""
        self.handlers.pop()
        capture = self.capture
        if capture is not None:
            capture[-1] = "".join(self.parts[self.mark :]) or None
            self.capture = None

    def _name(self, name: str) -> tuple[str, bool, str | None]:
        """An expat name as its local name, whether gpxpy sees a GPX element in it, and the
        column it fills inside extensions (None for none)."""
        known = self.names.get(name)
        if known is None:
            uri, _, local = name.rpartition(" ")
            column = _EXTENSION_COLUMNS.get(local.lower())
            known = self.names[name] = (local, uri in ("", self.namespace), column)
        return known

    def _ignore(self, name: str, attributes: dict[str, str]) -> Handler:
        """Inside an element gpxpy does not read: nothing is read."""
        return self._ignore

    def _in_value(self, name: str, attributes: dict[str, str]) -> Handler:
        """An element inside a value: gpxpy would read only the text before it."""
        raise Declined

    def _in_extensions(self, name: str, attributes: dict[str, str]) -> Handler:
        """Inside a point's first ``<extensions>``: the first value of each column kept."""
        column = (self.names.get(name) or self._name(name))[2]
        if column is None:
            return self._in_extensions
        values: list[str | None] = getattr(self.track, column)
        if values[-1] is not None:
            raise Declined  # two: the reader would keep the first readable one; gpxpy does
        self.capture, self.mark = values, len(self.parts)
        return self._in_extension_value

    def _in_extension_value(self, name: str, attributes: dict[str, str]) -> Handler:
        """An element inside an extension value: the value is the text before it."""
        if self.capture is not None:
            self.capture[-1] = "".join(self.parts[self.mark :]) or None
            self.capture = None
        return self._in_extensions(name, attributes)

    def _in_point(self, name: str, attributes: dict[str, str]) -> Handler:
        """A child of ``<trkpt>``: only the first of each kind counts, as in gpxpy."""
        local, gpx, _ = self.names.get(name) or self._name(name)
        if not gpx or local in self.point_seen:
            return self._ignore
        self.point_seen.add(local)
        column = self.point_columns.get(local)
        if column:
            self.capture, self.mark = getattr(self.track, column), len(self.parts)
            return self._in_value
        if local == "extensions" and self.version == "1.1":
            return self._in_extensions
        if local in _POINT_CHECKED or column == "":
            return self._check_later(local)
        return self._ignore

    def _in_segment(self, name: str, attributes: dict[str, str]) -> Handler:
        """A ``<trkpt>`` opens a point: its position now, its values as they come."""
        local, gpx, _ = self.names.get(name) or self._name(name)
        if local != "trkpt" or not gpx:
            return self._ignore
        lat, lon = attributes.get("lat"), attributes.get("lon")
        if lat is None or lon is None:
            raise Declined  # gpxpy refuses it; the reader then takes such points out
        track = self.track
        track.lat.append(lat)
        track.lon.append(lon)
        track.time.append(None)
        track.ele.append(None)
        track.speed.append(None)
        track.hr.append(None)
        track.cad.append(None)
        track.segment.append(self.segment)
        self.point_seen = set()
        self.parts.clear()
        return self._in_point

    def _check_later(self, key: str) -> Handler:
        """Read a value gpxpy converts but the reader does not use, to check it once read."""
        self.checks.append((key, None))
        self.capture, self.mark = _CheckSlot(self.checks), len(self.parts)
        return self._in_value

    def _in_document(self, name: str, attributes: dict[str, str]) -> Handler:
        """The root: ``<gpx>`` of the version its namespace says."""
        local, gpx, _ = self._name(name)
        if not gpx or local != "gpx" or attributes.get("version") != self.version:
            raise Declined
        self.creator = attributes.get("creator")
        return self._in_root

    def _in_root(self, name: str, attributes: dict[str, str]) -> Handler:
        """A child of ``<gpx>``: a track, the metadata, or (GPX 1.0) the file's own values."""
        local, gpx, _ = self._name(name)
        if not gpx:
            return self._ignore
        if local == "trk":
            self.track = Texts()
            self.tracks.append(self.track)
            self.track_seen = set()
            self.segment = -1
            return self._in_track
        if local in ("wpt", "rte"):
            raise Declined
        if self.version == "1.0":
            return self._in_metadata(name, attributes)
        if local == "metadata" and "metadata" not in self.file_seen:
            self.file_seen.add("metadata")
            return self._in_metadata
        return self._ignore

    def _in_metadata(self, name: str, attributes: dict[str, str]) -> Handler:
        """The file's name (its first ``<name>``) and bounds (checked as gpxpy does)."""
        local, gpx, _ = self._name(name)
        if gpx and local == "bounds" and "bounds" not in self.file_seen:
            self.file_seen.add("bounds")
            for key in _BOUNDS:
                self.checks.append(("bounds", attributes.get(key)))
        if gpx and local == "name" and "name" not in self.file_seen:
            self.file_seen.add("name")
            return self._text_value(_Slot(self, "file_name"))
        return self._ignore

    def _in_track(self, name: str, attributes: dict[str, str]) -> Handler:
        """A child of ``<trk>``: its name, type, number, or a new segment."""
        local, gpx, _ = self._name(name)
        if not gpx or local in self.track_seen:
            return self._ignore
        if local == "trkseg":
            self.segment += 1
            return self._in_segment
        if local == "name" or (local == "type" and self.version == "1.1"):
            self.track_seen.add(local)
            attribute = "name" if local == "name" else "activity_type"
            return self._text_value(_Slot(self.track, attribute))
        if local == "number":
            self.track_seen.add(local)
            self.parts.clear()
            return self._check_later("number")
        return self._ignore

    def _text_value(self, slot: _Slot) -> Handler:
        """Read a file or track value into an attribute."""
        self.parts.clear()
        self.capture, self.mark = slot, 0
        return self._in_value


class _Slot(list):  # type: ignore[type-arg]
    """A one-place column whose value goes to an attribute (a track's name, say)."""

    def __init__(self, owner: object, attribute: str) -> None:
        super().__init__([None])
        self.owner, self.attribute = owner, attribute

    def __setitem__(self, index: Any, value: Any) -> None:
        setattr(self.owner, self.attribute, value)


class _CheckSlot(list):  # type: ignore[type-arg]
    """A one-place column whose value replaces the text of the last check to make."""

    def __init__(self, checks: list[tuple[str, str | None]]) -> None:
        super().__init__([None])
        self.checks = checks

    def __setitem__(self, index: Any, value: Any) -> None:
        key, _ = self.checks[-1]
        self.checks[-1] = (key, value)


def _check(key: str, text: str | None) -> None:
    """Decline unless gpxpy's conversion of this value succeeds."""
    if text is None:
        return
    if key == "fix":
        if text not in _FIXES:
            raise Declined
        return
    try:
        int(text.strip()) if key in _POINT_INTS or key == "number" else float(text.strip())
    except ValueError:
        raise Declined from None
