"""One streaming pass over an Apple Health ``export.xml``: its workouts and its heart rate.

An ``export.xml`` holds every sample the phone ever kept (steps, heart rate, sleep...) and runs
to several GB, so it is never held: :func:`collect` reads it with
:func:`xml.etree.ElementTree.iterparse` from a file object, a top-level element at a time,
clearing each once read. Heart-rate ``Record`` elements are not nested in the workouts, so the
pass keeps every heart-rate reading as two numbers in compact arrays (8 bytes each: ten years
of readings are a few hundred MB at most, never Python objects) and the workouts as small
records; :mod:`loadwatch.ingest.readers.apple` then gives each workout the readings in its span.

The DTD: every modern export starts with an internal DTD (element and attribute declarations
only). It is **stripped before parsing**: the parser never sees a DTD, so it never resolves one
nor expands an entity. Before stripping, the DTD is checked to hold nothing but ``<!ELEMENT``,
``<!ATTLIST`` and comments, as Apple's does: a document whose DTD declares an entity or names
an external file (``SYSTEM``, ``PUBLIC``) is refused whole.

Bounds (:mod:`~loadwatch.ingest.limits`): the parser holds a top-level element until its end,
and a tag or a text whole, so an export with a top-level element of more than
:data:`~loadwatch.ingest.limits.MAX_APPLE_ELEMENT_PARTS` elements, a stretch of more than
:data:`~loadwatch.ingest.limits.MAX_XML_STRETCH_BYTES` without a ``>``, or more than
:data:`~loadwatch.ingest.limits.MAX_APPLE_HR_READINGS` heart-rate readings is refused; a
workout keeps its first :data:`~loadwatch.ingest.limits.MAX_APPLE_ROUTES` route files.
"""

from __future__ import annotations

import array
import dataclasses
import re
from datetime import datetime
from typing import IO
from xml.etree import ElementTree

from loadwatch.errors import CorruptFileError, UnsupportedFileError
from loadwatch.ingest.limits import (
    MAX_APPLE_ELEMENT_PARTS,
    MAX_APPLE_HR_READINGS,
    MAX_APPLE_ROUTES,
    MAX_XML_STRETCH_BYTES,
)
from loadwatch.ingest.readers._xml import raise_malformed

#: How far into the document the DTD may end: Apple's is 10-20 kB; past this it is not Apple's.
MAX_DTD_BYTES = 1024 * 1024
_CHUNK = 1 << 20
_HR_TYPE = "HKQuantityTypeIdentifierHeartRate"
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+HealthData\s*\[", re.IGNORECASE)
_DTD_END = re.compile(rb"\]\s*>")
_DTD_ALLOWED = re.compile(rb"^(?:\s|<!--.*?-->|<!ELEMENT\s[^>]*>|<!ATTLIST\s[^>]*>)*$", re.DOTALL)
# Units of length and time as Apple writes them, in metres and seconds.
_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "cm": 0.01}
_SECONDS = {"s": 1.0, "sec": 1.0, "min": 60.0, "hr": 3600.0, "h": 3600.0}
_DISTANCE_STATISTICS = (
    "HKQuantityTypeIdentifierDistanceWalkingRunning",
    "HKQuantityTypeIdentifierDistanceCycling",
    "HKQuantityTypeIdentifierDistanceSwimming",
    "HKQuantityTypeIdentifierDistanceWheelchair",
    "HKQuantityTypeIdentifierDistanceDownhillSnowSports",
)


@dataclasses.dataclass
class Workout:
    """What one ``Workout`` element says (times in seconds since 1970, UTC).

    Attributes:
        activity_type: ``workoutActivityType`` (``HKWorkoutActivityTypeRunning``).
        start: ``startDate``.
        end: ``endDate``.
        duration_s: ``duration`` in seconds, else None.
        distance_m: ``totalDistance`` (older exports), else the distance ``WorkoutStatistics``
            (iOS 16 and later), in metres; None when neither is given.
        energy_kcal: ``totalEnergyBurned`` or the active-energy statistics, in kcal.
        indoor: The ``HKIndoorWorkout`` metadata (None when absent).
        device: ``sourceName`` (``source`` in iOS 8 exports).
        routes: The ``FileReference`` paths of its ``WorkoutRoute`` elements.
        locations: Inline ``Location`` elements (older exports): rows of time, latitude,
            longitude, altitude and speed.
    """

    activity_type: str
    start: float
    end: float
    duration_s: float | None = None
    distance_m: float | None = None
    energy_kcal: float | None = None
    indoor: bool | None = None
    device: str | None = None
    routes: list[str] = dataclasses.field(default_factory=list)
    locations: list[tuple[float, float, float, float, float]] = dataclasses.field(
        default_factory=list
    )


@dataclasses.dataclass
class Export:
    """Everything the pass keeps: the workouts, every heart-rate reading, the bad dates seen."""

    workouts: list[Workout] = dataclasses.field(default_factory=list)
    hr_time: array.array[float] = dataclasses.field(default_factory=lambda: array.array("d"))
    hr_bpm: array.array[float] = dataclasses.field(default_factory=lambda: array.array("d"))
    bad_dates: int = 0


def parse_date(text: str | None) -> float | None:
    """Seconds since 1970 of an Apple date, or None when it is not one.

    Apple writes ``2016-04-02 10:40:38 +0100``; iOS 8 exports ``20140114084347-0800``.
    """
    if not text:
        return None
    try:
        if len(text) == 25 and text[19] == " ":
            return datetime.fromisoformat(text[:19] + text[20:]).timestamp()
        if len(text) == 19 and text[:14].isdigit():
            return datetime.strptime(text, "%Y%m%d%H%M%S%z").timestamp()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None


def collect(stream: IO[bytes], source: str) -> Export:
    """Read the workouts and heart-rate readings of an ``export.xml``, streaming.

    Args:
        stream: The document, opened for reading bytes (a file, or a zip member).
        source: Its label, for errors.

    Raises:
        CorruptFileError: A DTD that is not Apple's plain one, broken XML, a document cut short,
            or one whose root is not ``<HealthData>``.
    """
    found = Export()
    depth = parts = 0
    root: ElementTree.Element | None = None
    try:
        for event, element in ElementTree.iterparse(
            _WithoutDtd(stream, source), events=("start", "end")
        ):
            if event == "start":
                depth += 1
                parts += 1
                if root is None:
                    root = _check_root(element, source)
                elif parts > MAX_APPLE_ELEMENT_PARTS:
                    raise UnsupportedFileError(_TOO_MANY_PARTS, path=source)
                continue
            depth -= 1
            if depth == 1:
                _take(element, found, source)
                root.clear()  # type: ignore[union-attr]  # set at the first start event
                parts = 0
    except ElementTree.ParseError as error:
        line, column = error.position
        raise_malformed(source, "Apple Health export", str(error).split(":")[0], line, column)
    return found


def _check_root(element: ElementTree.Element, source: str) -> ElementTree.Element:
    if element.tag != "HealthData":
        raise CorruptFileError(
            f"is not an Apple Health export: its root element is <{element.tag}>", path=source
        )
    return element


_TOO_MANY_PARTS = (
    f"has a workout or record of more than {MAX_APPLE_ELEMENT_PARTS:,} parts (Apple's have a "
    "few, or one location a second); the export is damaged or was made to be slow"
)

_TOO_MANY_READINGS = (
    f"holds more than {MAX_APPLE_HR_READINGS:,} heart-rate readings, more than loadwatch keeps "
    "from one Apple Health export (decades of a watch worn day and night)"
)


def _take(element: ElementTree.Element, found: Export, source: str) -> None:
    """Keep what a finished top-level element says, if anything."""
    if element.tag == "Record":
        if element.get("type") == _HR_TYPE:
            moment = parse_date(element.get("startDate"))
            bpm = _number(element.get("value"))
            if moment is None:
                found.bad_dates += 1
            elif bpm is not None and bpm > 0:
                if len(found.hr_time) >= MAX_APPLE_HR_READINGS:
                    raise UnsupportedFileError(_TOO_MANY_READINGS, path=source)
                found.hr_time.append(moment)
                found.hr_bpm.append(bpm)
    elif element.tag == "Workout":
        workout = _workout(element)
        if workout is None:
            found.bad_dates += 1
        else:
            found.workouts.append(workout)


def _workout(element: ElementTree.Element) -> Workout | None:
    """A ``Workout`` element as a :class:`Workout`, or None without usable dates."""
    start = parse_date(element.get("startDate"))
    end = parse_date(element.get("endDate"))
    if start is None or end is None:
        return None
    workout = Workout(
        activity_type=element.get("workoutActivityType", ""),
        start=start,
        end=end,
        duration_s=_scaled(element.get("duration"), element.get("durationUnit", "min"), _SECONDS),
        distance_m=_scaled(
            element.get("totalDistance"), element.get("totalDistanceUnit", "km"), _METRES
        ),
        energy_kcal=_energy(element.get("totalEnergyBurned"), element.get("totalEnergyBurnedUnit")),
        device=element.get("sourceName") or element.get("source"),
    )
    for child in element:
        _child(child, workout)
    return workout


def _child(child: ElementTree.Element, workout: Workout) -> None:
    """Take in one child of a ``Workout``: statistics, metadata, a route."""
    if child.tag == "WorkoutStatistics":
        kind = child.get("type")
        if kind in _DISTANCE_STATISTICS and not workout.distance_m:
            workout.distance_m = _scaled(child.get("sum"), child.get("unit", "km"), _METRES)
        elif kind == "HKQuantityTypeIdentifierActiveEnergyBurned" and not workout.energy_kcal:
            workout.energy_kcal = _energy(child.get("sum"), child.get("unit"))
    elif child.tag == "MetadataEntry" and child.get("key") == "HKIndoorWorkout":
        workout.indoor = child.get("value", "").strip() in ("1", "true", "YES")
    elif child.tag == "WorkoutRoute":
        for item in child:
            path = item.get("path")
            if item.tag == "FileReference" and path and path not in workout.routes:
                if len(workout.routes) < MAX_APPLE_ROUTES:
                    workout.routes.append(path)
            elif item.tag == "Location":
                _location(item, workout)


def _location(item: ElementTree.Element, workout: Workout) -> None:
    moment = parse_date(item.get("date"))
    lat, lon = _number(item.get("latitude")), _number(item.get("longitude"))
    if moment is None or lat is None or lon is None:
        return
    altitude = _number(item.get("altitude"))
    speed = _number(item.get("speed"))
    nan = float("nan")
    workout.locations.append(
        (
            moment,
            lat,
            lon,
            nan if altitude is None else altitude,
            nan if speed is None or speed < 0 else speed,
        )
    )


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and value == value and abs(value) != float("inf") else None


def _scaled(text: str | None, unit: str | None, units: dict[str, float]) -> float | None:
    value = _number(text)
    factor = units.get((unit or "").strip())
    if value is None or factor is None or value < 0:
        return None
    return value * factor


def _energy(text: str | None, unit: str | None) -> float | None:
    value = _number(text)
    if value is None:
        return None
    return value / 4.184 if (unit or "").strip() == "kJ" else value


class _WithoutDtd:
    """A read-only stream of the document with its DTD (if Apple's plain one) left out.

    Raises :class:`CorruptFileError` from :meth:`read` for any other DTD.
    """

    def __init__(self, raw: IO[bytes], source: str) -> None:
        self._raw = raw
        self._source = source
        self._pending: bytes | None = None
        self._stretch = 0

    def read(self, size: int = -1) -> bytes:
        if self._pending is None:
            self._pending = self._head()
        if self._pending:
            out, self._pending = self._pending, b""
        else:
            out = self._raw.read(size if size and size > 0 else _CHUNK)
        self._watch(out)
        return out

    def _watch(self, data: bytes) -> None:
        """Refuse a stretch of more than :data:`MAX_XML_STRETCH_BYTES` without a ``>``."""
        first, last = data.find(b">"), data.rfind(b">")
        longest = self._stretch + (len(data) if first < 0 else first)
        if first >= 0 and last - first > MAX_XML_STRETCH_BYTES:  # the head, read whole
            longest = max(longest, *map(len, data[first:last].split(b">")))
        self._stretch = longest if first < 0 else len(data) - last - 1
        if max(longest, self._stretch) > MAX_XML_STRETCH_BYTES:
            raise UnsupportedFileError(
                f"has more than {MAX_XML_STRETCH_BYTES // 1024} kB without an end of tag "
                "(Apple's tags are a few hundred bytes); the export is damaged or was made to "
                "be slow",
                path=self._source,
            )

    def _head(self) -> bytes:
        """The document up to its root element (and a little past), its DTD cut out."""
        head = self._raw.read(_CHUNK)
        while (root := head.find(b"<HealthData")) < 0:
            more = self._raw.read(_CHUNK)
            if not more or len(head) > MAX_DTD_BYTES:
                root = len(head)
                break
            head += more
        prolog = head[:root]
        opening = _DOCTYPE.search(prolog)
        if opening is None:
            if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
                self._refuse("declares a DTD that is not Apple Health's")
            return head
        closing = _DTD_END.search(prolog, opening.end())
        if closing is None:
            self._refuse("has a DTD that never ends")
        body = prolog[opening.end() : closing.start()]  # type: ignore[union-attr]
        if not _DTD_ALLOWED.match(body):
            self._refuse("declares entities or external files in its DTD")
        return head[: opening.start()] + head[closing.end() :]  # type: ignore[union-attr]

    def _refuse(self, why: str) -> None:
        raise CorruptFileError(
            f"{why}, which loadwatch refuses for safety (a DTD can expand without limit or "
            "read other files); Apple's own exports declare only elements and attributes, so "
            "export it again from the Health app",
            path=self._source,
        )
