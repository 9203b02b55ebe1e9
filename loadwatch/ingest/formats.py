"""The format registry: every file format loadwatch reads, declared once.

Each :class:`FileFormat` entry says how to recognise a format from a file's first bytes, which
reader turns it into activities (imported only when a file of it is read, so that
``import loadwatch`` does not pay for every parser), that reader's version for the cache, which
copy to keep when one activity is in files of several formats, the file names it goes by, and
the name users read. Discovery (:mod:`~loadwatch.ingest.sources`), the readers
(:func:`loadwatch.ingest.readers.read_source`), the duplicate check
(:mod:`~loadwatch.ingest.usable`), the cache's versions
(:data:`loadwatch.ingest.readers.READER_VERSIONS`) and every message that names the formats
("is not a FIT, GPX or TCX file") read :data:`FORMATS`: none of them names a format itself.

Adding a format (say KML):

1. Add its member to :class:`Format` below (``KML = "kml"``).
2. Write its reader, ``loadwatch/ingest/readers/kml.py``, with
   ``read_kml(data: bytes, source: str) -> list[Activity]``: every activity in the file, with
   canonical samples, raising only :class:`~loadwatch.errors.LoadwatchError` subclasses
   (``raise ... from`` the parser's own error). ``tests/test_kml_reader.py`` tests it.
3. Here, write its sniff test (``_is_kml(head)``: true only for this format's first bytes;
   :func:`~loadwatch.ingest.xmlhead.xml_root` helps for XML), then add one
   :class:`FileFormat` to :data:`FORMATS` with ``load_reader=_reader("kml", "read_kml")``
   (imported when first used), ``version=1``, a
   ``rank`` of its own, its suffixes, its label, and whether it is XML and has only summed
   distances. ``tests/test_formats.py`` checks that every :class:`Format`
   member has one entry and that suffixes and ranks do not clash.
4. If ``sample_data/`` or the corpus holds files of it, record what they give for the cache
   check (the command is in ``tests/test_reader_versions.py``).

Changing a reader: whenever the same bytes would give different activities, bump that format's
``version`` below. The cache keeps each file's results under the version that read it, so the
files of that format (and only those) are read again; forget it and users keep the old numbers.
``tests/test_reader_versions.py`` fails on a forgotten bump.

Tests may add a toy format for the length of one test by replacing :data:`FORMATS` with
``monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, toy))``: every function here reads
:data:`FORMATS` when called. (:data:`~loadwatch.ingest.readers.READER_VERSIONS` is built once,
at import, and does not see it.)
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import re
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

from loadwatch.ingest.xmlhead import SNIFF_BYTES as SNIFF_BYTES  # what sources read from here
from loadwatch.ingest.xmlhead import ascii_xml, xml_root

if TYPE_CHECKING:
    from loadwatch.ingest.activity import Activity


class Format(enum.StrEnum):
    """An activity file format loadwatch reads: one member per entry of :data:`FORMATS`.

    A :class:`enum.StrEnum` like the vocabulary of :mod:`loadwatch.vocab`: ``Format.FIT ==
    "fit"``.
    """

    FIT = "fit"
    GPX = "gpx"
    TCX = "tcx"
    HRM = "hrm"
    POLAR_FLOW = "polar_flow"
    SML = "sml"
    SUUNTO_JSON = "suunto_json"
    GARMIN_SUMMARY = "garmin_summary"
    APPLE_HEALTH = "apple-health"


#: A reader: a file's bytes and its ``source`` label in, every activity the file holds out.
Reader = Callable[[bytes, str], "list[Activity]"]

#: A streamed reader (:attr:`FileFormat.load_stream_reader`): the file opened for reading
#: bytes, its ``source`` label, and a function giving the bytes of a file named relative to
#: the folder holding it (None when there is no such file); every activity out, one at a time.
StreamReader = Callable[[IO[bytes], str, Callable[[str], "bytes | None"]], "Iterable[Activity]"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class FileFormat:
    """One format loadwatch reads: how to know it, how to read it, how to name it.

    Attributes:
        format: Its :class:`Format` member, what ``Source.format`` and
            ``Activity.format`` hold.
        label: Its name in what users read: ``"FIT"``.
        suffixes: The endings of its file names, lower-case with the dot (``".fit"``). A file
            named so (or ``.fit.gz``, ``.fit.zip``) is reported when it cannot be used, while
            other unrecognised files pass quietly; the content, never the name, says what a
            file is.
        sniff: Whether a file's first bytes (up to :data:`SNIFF_BYTES`) are of this format.
        load_reader: Imports its reader and returns it.
        version: Its reader's version, a positive integer: bump it whenever the same bytes
            would give different activities, and the cache reads those files again.
        rank: Which copy to keep when one activity is in files of several formats: the lowest
            rank (the richest format). Every format has a rank of its own.
        xml: Whether it is an XML format: an XML file that no XML format claims is reported as
            "XML, but neither GPX nor TCX".
        summed_distance: Whether its distance is summed from the points of its track rather
            than a device's own total (GPX files have none): duplicates are then matched with a
            looser distance tolerance, since GPS jitter adds to such sums.
        positions: Whether its files hold positions when recorded outdoors, so that a run in
            one without any was indoors (a treadmill: see :mod:`loadwatch.metrics.surfaces`).
            False for a format that never holds them (Polar HRM), holds only totals (Garmin's
            summaries) or says indoor itself (Apple Health).
        load_stream_reader: For a format whose files may be far larger than any activity
            file (Apple Health's ``export.xml``, several GB): imports its streamed reader.
            Discovery then never reads such a file whole, whatever its size, and hands the
            reader the open file and its neighbours (see
            :class:`loadwatch.ingest.exports.Opener`). None for the others.
    """

    format: Format
    label: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    load_reader: Callable[[], Reader]
    version: int
    rank: int
    xml: bool
    summed_distance: bool
    positions: bool = True
    load_stream_reader: Callable[[], StreamReader] | None = None

    def read(self, data: bytes, source: str) -> list[Activity]:
        """Every activity in ``data``, a file of this format, through its reader.

        Raises:
            LoadwatchError: For anything that stops the file from being read.
        """
        return self.load_reader()(data, source)


def _is_fit(head: bytes) -> bool:
    """A FIT file header: its size (12 or 14 bytes) first, ``.FIT`` at bytes 8 to 11."""
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def _is_gpx(head: bytes) -> bool:
    return xml_root(head) == b"gpx"


def _is_tcx(head: bytes) -> bool:
    # A TCX whose <TrainingCenterDatabase> wrapper was lost still starts with <Activities>: let
    # the TCX reader say what is wrong with it rather than passing it over as unknown XML.
    return xml_root(head) in (b"TrainingCenterDatabase", b"Activities")


def _json_head(head: bytes) -> bytes | None:
    """A JSON object's first bytes with any byte-order mark and leading space removed."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text if text.startswith(b"{") else None


def _is_hrm(head: bytes) -> bool:
    # Polar HRM: a text file whose first section is [Params], opening with its Version line.
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"[Params]") and b"Version=" in text[:64]


def _is_polar_flow(head: bytes) -> bool:
    # A Polar Flow training session: its first keys include exportVersion and, soon after,
    # its exercises (or, in the corpus file, the session's startTime before them).
    text = _json_head(head)
    return text is not None and b'"exportVersion"' in text and b'"startTime"' in text


def _is_sml(head: bytes) -> bool:
    return xml_root(head) == b"sml"


def _is_suunto_json(head: bytes) -> bool:
    # The Suunto app's log: everything nests under "DeviceLog", its first key.
    text = _json_head(head)
    return text is not None and re.match(rb'\{\s*"DeviceLog"\s*:', text) is not None


def _is_garmin_summary(head: bytes) -> bool:
    # Garmin's export: a list whose first object opens with "summarizedActivitiesExport".
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return re.match(rb'\[\s*\{\s*"summarizedActivitiesExport"\s*:', text) is not None


def _is_apple_health(head: bytes) -> bool:
    # Apple's internal DTD is longer than the sniffed bytes: its DOCTYPE names the root.
    return xml_root(head) == b"HealthData" or (
        re.search(rb"<!DOCTYPE\s+HealthData[\s\[>]", ascii_xml(head[:SNIFF_BYTES])) is not None
    )


def _reader(module: str, name: str) -> Callable[[], Any]:
    """A loader of the reader ``name`` of ``loadwatch.ingest.readers.<module>``, imported when
    a file of the format is first read (so that ``import loadwatch`` pays for no parser)."""

    def load() -> Any:
        return getattr(importlib.import_module(f"loadwatch.ingest.readers.{module}"), name)

    return load


#: Every format loadwatch reads, in the order messages name them.
FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        format=Format.FIT,
        label="FIT",
        suffixes=(".fit",),
        sniff=_is_fit,
        load_reader=_reader("fit", "read_fit"),
        version=4,  # 4: a damaged file with a field that does not fit its type goes to fitparse
        # 3: hr messages fill records' heart rate; a session ending early
        rank=0,  # the device's own record: every field, laps and sessions
        xml=False,
        summed_distance=False,
    ),
    FileFormat(
        format=Format.GPX,
        label="GPX",
        suffixes=(".gpx",),
        sniff=_is_gpx,
        load_reader=_reader("gpx", "read_gpx"),
        # 6: the DTD check on what gpxpy parses; 7: a point without lat/lon left out; 8: the
        # streaming path (same results by design and test; bumped so no cache mixes the two)
        version=8,
        rank=2,  # points only: no laps, no totals
        xml=True,
        summed_distance=True,
    ),
    FileFormat(
        format=Format.TCX,
        label="TCX",
        suffixes=(".tcx",),
        sniff=_is_tcx,
        load_reader=_reader("tcx", "read_tcx"),
        version=6,  # 6: the streaming path (same results by design and test; bumped likewise)
        rank=1,  # laps and the device's totals, fewer fields than FIT
        xml=True,
        summed_distance=False,
    ),
    FileFormat(
        format=Format.SML,
        label="Suunto SML",
        suffixes=(".sml",),
        sniff=_is_sml,
        load_reader=_reader("sml", "read_sml"),
        version=1,
        rank=10,  # the watch's own log: totals and every sample
        xml=True,
        summed_distance=False,
    ),
    FileFormat(
        format=Format.SUUNTO_JSON,
        label="Suunto JSON",
        suffixes=(),  # named .json like many files that are not activities: told by content
        sniff=_is_suunto_json,
        load_reader=_reader("suuntojson", "read_suunto_json"),
        version=1,
        rank=11,  # the same log as SML, from the app
        xml=False,
        summed_distance=False,
    ),
    FileFormat(
        format=Format.POLAR_FLOW,
        label="Polar Flow",
        suffixes=(),  # named .json like many files that are not activities: told by content
        sniff=_is_polar_flow,
        load_reader=_reader("polarflow", "read_polar_flow"),
        version=1,
        rank=12,  # totals, heart rate and route; distance per sample summed from the route
        xml=False,
        summed_distance=False,
    ),
    FileFormat(
        format=Format.HRM,
        label="Polar HRM",
        suffixes=(".hrm",),
        sniff=_is_hrm,
        load_reader=_reader("hrm", "read_hrm"),
        version=1,
        rank=13,  # heart rate (speed, altitude) without position or sport
        xml=False,
        summed_distance=False,
        positions=False,  # heart rate and speed, never a position
    ),
    FileFormat(
        format=Format.GARMIN_SUMMARY,
        label="Garmin summary",
        suffixes=(),  # named .json like many files that are not activities: told by content
        sniff=_is_garmin_summary,
        load_reader=_reader("garminsummary", "read_garmin_summary"),
        version=1,
        rank=14,  # totals only, no samples: any file of the same activity is kept instead
        xml=False,
        summed_distance=False,
        positions=False,  # totals only
    ),
    FileFormat(
        format=Format.APPLE_HEALTH,
        label="Apple Health",
        suffixes=(),  # export.xml: any other .xml file is none of loadwatch's business
        sniff=_is_apple_health,
        load_reader=_reader("apple", "read_apple_health"),
        version=1,
        rank=3,  # totals, heart rate every few seconds, a route only when recorded outdoors
        xml=True,
        summed_distance=False,
        positions=False,  # a workout says itself when it was indoors (HKIndoorWorkout)
        load_stream_reader=_reader("apple", "read_apple_export"),
    ),
)


def find(name: str | None) -> FileFormat | None:
    """The entry of a format, by its :class:`Format` member or its string.

    Returns:
        The entry, or None for anything that is not a format loadwatch reads (``"gzip"``,
        ``"zip"``, None).
    """
    return next((entry for entry in FORMATS if entry.format == name), None)


def recognise(head: bytes) -> FileFormat | None:
    """The format whose sniff test a file's first bytes pass (the first, in registry order)."""
    return next((entry for entry in FORMATS if entry.sniff(head)), None)


def records_positions(name: str | None) -> bool:
    """Whether a run of this format without positions was indoors (:attr:`FileFormat.positions`);
    false for activities of no registered format (Strava's activities.csv rows)."""
    entry = find(name)
    return entry is not None and entry.positions


def described(conjunction: str = "or", *, xml: bool = False) -> str:
    """The formats' labels as a sentence names them: ``"FIT, GPX or TCX"``.

    Args:
        conjunction: The word before the last label: ``"or"``, ``"and"``, ``"nor"``.
        xml: Name only the XML formats (``"GPX or TCX"``).

    Only the formats a file is named as (those with :attr:`FileFormat.suffixes`) are named:
    these messages are about files named like activities that are not, and nobody names a
    file as an Apple Health export.
    """
    labels = [entry.label for entry in FORMATS if (entry.xml or not xml) and entry.suffixes]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {conjunction} {labels[-1]}"


def suffix_pattern() -> str:
    """A regular expression (not compiled) matching any format's suffix: ``\\.fit|\\.gpx|...``.

    Callers add what may follow (``.gz``) and anchor it; it matches lower-case suffixes, so
    compile it with :data:`re.IGNORECASE` to accept ``Run.FIT``.
    """
    return "|".join(re.escape(suffix) for entry in FORMATS for suffix in entry.suffixes)


def duplicate_rank(name: str) -> int:
    """The rank of a format when one activity is in several files (lower is kept).

    A format loadwatch does not read ranks after all of those it does.
    """
    entry = find(name)
    if entry is not None:
        return entry.rank
    return 1 + max((other.rank for other in FORMATS), default=0)


def reader_versions() -> dict[str, int]:
    """Each format's reader version, keyed by its :class:`Format` member."""
    return {entry.format: entry.version for entry in FORMATS}
