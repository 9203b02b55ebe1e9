"""The streaming TCX path: each ``<Activity>``'s values read by expat callbacks as text.

The TCX reader used to build the whole tree, then walk it comparing local names in Python; this
reads the same texts in one pass, without a tree, into :class:`ActivityTexts`, which the reader
turns into an activity exactly as it does the texts it takes from a tree
(:func:`~loadwatch.ingest.readers.tcx.read_tcx_reference`, kept as the reference). Elements are
matched on their local names in any namespace, as there. Trackpoints in Garmin's shape are
taken by a strict-shape scan (:mod:`~loadwatch.ingest.readers._xmlscan`) before the callbacks
run over the rest, each in its place.

It takes UTF-8 files (declared so or undeclared) with at least one activity. It declines
(:func:`read_activity_texts` returns None, and the tree is built as before) a file in another
encoding, broken XML, an ``<Activity>`` inside another, and a trackpoint whose extensions hold
two ``Speed`` or two ``RunCadence`` values (the reference keeps the first readable one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from loadwatch.ingest.readers._xmlscan import (
    ATTRIBUTES,
    PLACEHOLDER_TARGET,
    PREFIX,
    PointRuns,
    Scan,
    leaf,
    scan_points,
    skipped,
)

#: What a start tag's parent does with it: read it, and return what to do with its children.
Handler = Callable[[str, dict[str, str]], Any]

# A trackpoint's text columns, as ActivityTexts names them.
_COLUMNS = (
    "time",
    "lat",
    "lon",
    "altitude",
    "distance",
    "hr",
    "cadence",
    "run_cadence",
    "speed",
)
_LAP_VALUES = {"TotalTimeSeconds": 1, "DistanceMeters": 2}

# A trackpoint as Garmin writes it, each child at most once, in the schema's order (Speed and
# RunCadence in either): its values are groups 1-11, as Time, latitude, longitude, altitude,
# distance, heart rate, cadence, then Speed and RunCadence, or RunCadence and Speed (see
# loadwatch.ingest.readers._xmlscan for why it reads what the callbacks read).
TRACKPOINT = re.compile(
    rf"<{PREFIX}Trackpoint{ATTRIBUTES}>\s*"
    + leaf("Time")
    + rf"(?:<{PREFIX}Position{ATTRIBUTES}>\s*"
    + leaf("LatitudeDegrees")
    + leaf("LongitudeDegrees")
    + rf"</{PREFIX}Position>\s*)?"
    + leaf("AltitudeMeters")
    + leaf("DistanceMeters")
    + rf"(?:<{PREFIX}HeartRateBpm{ATTRIBUTES}>\s*"
    + leaf("Value")
    + rf"</{PREFIX}HeartRateBpm>\s*)?"
    + leaf("Cadence")
    + skipped("SensorState")
    + rf"(?:<{PREFIX}Extensions{ATTRIBUTES}>\s*<{PREFIX}TPX{ATTRIBUTES}>\s*"
    + rf"(?:{leaf('Speed')}{leaf('RunCadence')}|{leaf('RunCadence')}{leaf('Speed')})"
    + skipped("Watts")
    + rf"</{PREFIX}TPX>\s*</{PREFIX}Extensions>\s*)?"
    + rf"</{PREFIX}Trackpoint>"
)
# The pattern's groups (counted from 0) giving each of _COLUMNS; of two, one at most matched.
_SCAN_ORDER = ((0,), (1,), (2,), (3,), (4,), (5,), (6,), (8, 9), (7, 10))


class Declined(Exception):
    """Raised inside the parse: this file goes to the tree reader."""


@dataclass
class ActivityTexts:
    """One ``<Activity>`` as the texts the TCX reader uses (None where absent).

    Trackpoint values are one entry per trackpoint, in file order; ``segment`` numbers each
    trackpoint's ``<Track>``, from 1. ``laps`` holds each lap's ``StartTime``,
    ``TotalTimeSeconds`` and ``DistanceMeters``.
    """

    sport: str | None = None
    id: str | None = None
    notes: str | None = None
    creator_name: str | None = None
    laps: list[list[str | None]] = field(default_factory=list)
    time: list[str | None] = field(default_factory=list)
    lat: list[str | None] = field(default_factory=list)
    lon: list[str | None] = field(default_factory=list)
    altitude: list[str | None] = field(default_factory=list)
    distance: list[str | None] = field(default_factory=list)
    hr: list[str | None] = field(default_factory=list)
    cadence: list[str | None] = field(default_factory=list)
    run_cadence: list[str | None] = field(default_factory=list)
    speed: list[str | None] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)


def read_activity_texts(data: bytes, encoding: str | None) -> list[ActivityTexts] | None:
    """Every ``<Activity>``'s texts, in file order, or None to have the tree reader read it.

    Args:
        data: The file's bytes, already checked to declare no DTD and within the point cap.
        encoding: The encoding its XML declaration names, if any.
    """
    if encoding is not None and encoding.lower() != "utf-8":
        return None
    if b"\0" in data[:4]:  # UTF-16 or UTF-32 without a declaration
        return None
    reader = _Reader()
    try:
        scan = scan_points(data, TRACKPOINT)
        reader.parse(data if scan is None else scan.skeleton, scan)
    except (Declined, expat.ExpatError, ValueError, LookupError):
        return None
    return reader.activities or None


class _Slot(list):  # type: ignore[type-arg]
    """A one-place column whose value goes to an attribute (an activity's Id, say)."""

    def __init__(self, owner: object, attribute: str) -> None:
        super().__init__([None])
        self.owner, self.attribute = owner, attribute

    def __setitem__(self, index: Any, value: Any) -> None:
        setattr(self.owner, self.attribute, value)


class _Reader(PointRuns):
    """expat callbacks: a stack of handlers, each reading the children of one open element."""

    def __init__(self) -> None:
        self.activities: list[ActivityTexts] = []
        self.activity = ActivityTexts()
        self.handlers: list[Handler] = [self._in_document]
        self.names: dict[str, str] = {}
        self.parts: list[str] = []  # all text met since the trackpoint began
        self.mark = 0
        self.capture: list[str | None] | None = None
        self.seen: set[str] = set()  # the trackpoint's children met: the first of each counts
        self.inner_seen: set[str] = set()  # the same inside its Position or HeartRateBpm
        self.scope_seen: set[str] = set()  # the same for the activity, lap or creator
        self.lap_seen: set[str] = set()
        self.track_no = 0
        self.columns: list[list[str | None]] = []
        self.point_targets: dict[str, Any] = {}
        self.position_targets: dict[str, list[str | None]] = {}
        self.extension_targets: dict[str, list[str | None]] = {}
        self.scanned: list[list[str | None]] = []  # the scanned trackpoints' values, by column
        self.taken = 0  # how many of them are in the columns
        self.run = 0  # how many placeholders met since, each a trackpoint of the current track

    def parse(self, data: bytes, scan: Scan | None = None) -> None:
        """Run expat over the bytes, with namespaces resolved (``uri local``).

        With a scan, the bytes are its skeleton, and each placeholder met is its next point.
        """
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.parts.append
        parser.StartDoctypeDeclHandler = self.refuse
        parser.EntityDeclHandler = self.refuse
        if scan is not None:
            self.scanned = [scan.column(groups) for groups in _SCAN_ORDER]
            parser.StartElementHandler = self.start_after_points
            parser.EndElementHandler = self.end_after_points
            parser.ProcessingInstructionHandler = self._placeholder
        parser.Parse(data, True)
        if scan is not None and self.taken != scan.count:
            raise Declined  # a placeholder expat did not report: in a comment, say

    def _placeholder(self, target: str, data: str) -> None:
        """A scanned trackpoint: counted, its values taken when the next tag comes."""
        if target == PLACEHOLDER_TARGET:
            if self.handlers[-1] != self._in_track:
                raise Declined  # somewhere a trackpoint is not read, or read otherwise
            self.run += 1

    def _take_points(self) -> None:
        """Put the placeholders met since the last tag in the columns, as trackpoints."""
        start, end = self.taken, self.taken + self.run
        for column, values in zip(self.columns, self.scanned, strict=True):
            column.extend(values[start:end])
        self.activity.segment.extend([self.track_no] * self.run)
        self.taken, self.run = end, 0

    def refuse(self, *args: object) -> None:
        """A DTD or entity: never reached after the prolog check, declined all the same."""
        raise Declined

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """Open an element: its parent's handler reads it."""
        if self.capture is not None:  # a value's text is what comes before its first child
            self.capture[-1] = "".join(self.parts[self.mark :]) or None
            self.capture = None
        local = self.names.get(name) or self._local(name)
        handlers = self.handlers
        handlers.append(handlers[-1](local, attributes))

    def _local(self, name: str) -> str:
        """An expat name's local name (``uri local`` gives ``local``), remembered."""
        local = self.names[name] = name.rpartition(" ")[2]
        return local

    def end(self, name: str) -> None:
        """Close an element: store the value it held, if it is one being read."""
        self.handlers.pop()
        capture = self.capture
        if capture is not None:
            capture[-1] = "".join(self.parts[self.mark :]) or None
            self.capture = None

    def _read(self, column: list[str | None]) -> Handler:
        """Read the element's text into the last place of ``column``."""
        self.capture, self.mark = column, len(self.parts)
        return self._in_activity_other

    def _in_document(self, local: str, attributes: dict[str, str]) -> Handler:
        """The root: anything else than TrainingCenterDatabase is the reference's to refuse."""
        if local != "TrainingCenterDatabase":
            raise Declined
        return self._outside

    def _outside(self, local: str, attributes: dict[str, str]) -> Handler:
        """Outside any activity: an ``<Activity>`` may be at any depth."""
        if local != "Activity":
            return self._outside
        self.activity = ActivityTexts(sport=attributes.get("Sport"))
        self.activities.append(self.activity)
        self.scope_seen = set()
        self.track_no = 0
        self._targets(self.activity)
        return self._in_activity

    def _in_activity_other(self, local: str, attributes: dict[str, str]) -> Handler:
        """Inside an activity, in an element not read: only a nested activity matters."""
        if local == "Activity":
            raise Declined
        return self._in_activity_other

    def _in_activity(self, local: str, attributes: dict[str, str]) -> Handler:
        """A child of ``<Activity>``: its Id, Notes, Creator and laps."""
        if local == "Lap":
            self.activity.laps.append([attributes.get("StartTime"), None, None])
            self.lap_seen = set()
            return self._in_lap
        if local in self.scope_seen or local not in ("Id", "Notes", "Creator"):
            return self._in_activity_other(local, attributes)
        self.scope_seen.add(local)
        if local == "Creator":
            return self._in_creator
        return self._read(_Slot(self.activity, local.lower()))

    def _in_creator(self, local: str, attributes: dict[str, str]) -> Handler:
        """A child of the activity's first ``<Creator>``: its first ``<Name>``."""
        if local != "Name" or "Creator/Name" in self.scope_seen:
            return self._in_activity_other(local, attributes)
        self.scope_seen.add("Creator/Name")
        return self._read(_Slot(self.activity, "creator_name"))

    def _in_lap(self, local: str, attributes: dict[str, str]) -> Handler:
        """A child of ``<Lap>``: its totals and tracks."""
        if local == "Track":
            self.track_no += 1
            return self._in_track
        index = _LAP_VALUES.get(local)
        if index is None or local in self.lap_seen:
            return self._in_activity_other(local, attributes)
        self.lap_seen.add(local)
        lap = self.activity.laps[-1]
        self.capture, self.mark = _LapSlot(lap, index), len(self.parts)
        return self._in_activity_other

    def _in_track(self, local: str, attributes: dict[str, str]) -> Handler:
        """A ``<Trackpoint>`` opens a point; its values come as its children."""
        if local != "Trackpoint":
            return self._in_activity_other(local, attributes)
        for column in self.columns:
            column.append(None)
        self.activity.segment.append(self.track_no)
        self.seen = set()
        self.parts.clear()
        return self._in_point

    def _in_point(self, local: str, attributes: dict[str, str]) -> Handler:
        """A child of ``<Trackpoint>``: the first of each kind counts."""
        seen = self.seen
        target = self.point_targets.get(local)
        if target is None or local in seen:
            return self._in_activity_other(local, attributes)
        seen.add(local)
        if target.__class__ is list:  # a value
            self.capture, self.mark = target, len(self.parts)
            return self._in_activity_other
        self.inner_seen = set()
        return target  # type: ignore[no-any-return]

    def _in_position(self, local: str, attributes: dict[str, str]) -> Handler:
        """A child of the trackpoint's first ``<Position>``."""
        column = self.position_targets.get(local)
        if column is None or local in self.inner_seen:
            return self._in_activity_other(local, attributes)
        self.inner_seen.add(local)
        self.capture, self.mark = column, len(self.parts)
        return self._in_activity_other

    def _in_heart_rate(self, local: str, attributes: dict[str, str]) -> Handler:
        """A child of the trackpoint's first ``<HeartRateBpm>``: its first ``<Value>``."""
        if local != "Value" or local in self.inner_seen:
            return self._in_activity_other(local, attributes)
        self.inner_seen.add(local)
        self.capture, self.mark = self.activity.hr, len(self.parts)
        return self._in_activity_other

    def _in_extensions(self, local: str, attributes: dict[str, str]) -> Handler:
        """Anything inside the trackpoint's first ``<Extensions>``, at any depth."""
        column = self.extension_targets.get(local)
        if column is None:
            if local == "Activity":
                raise Declined
            return self._in_extensions
        if local in self.inner_seen:
            raise Declined  # a second one: the reference keeps the first readable one
        self.inner_seen.add(local)
        self.capture, self.mark = column, len(self.parts)
        return self._in_extensions

    def _targets(self, activity: ActivityTexts) -> None:
        """Where a new activity's trackpoint values go: its columns, by element."""
        self.columns = [getattr(activity, name) for name in _COLUMNS]
        self.point_targets = {
            "Time": activity.time,
            "AltitudeMeters": activity.altitude,
            "DistanceMeters": activity.distance,
            "Cadence": activity.cadence,
            "Position": self._in_position,
            "HeartRateBpm": self._in_heart_rate,
            "Extensions": self._in_extensions,
        }
        self.position_targets = {"LatitudeDegrees": activity.lat, "LongitudeDegrees": activity.lon}
        self.extension_targets = {"Speed": activity.speed, "RunCadence": activity.run_cadence}


class _LapSlot(list):  # type: ignore[type-arg]
    """A one-place column whose value goes to one of a lap's texts."""

    def __init__(self, lap: list[str | None], index: int) -> None:
        super().__init__([None])
        self.lap, self.place = lap, index

    def __setitem__(self, index: Any, value: Any) -> None:
        self.lap[self.place] = value
