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
   :func:`xml_root` helps for XML) and its loader (``_kml_reader``, importing the reader inside
   the function), then add one :class:`FileFormat` to :data:`FORMATS` with ``version=1``, a
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
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

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


#: A reader: a file's bytes and its ``source`` label in, every activity the file holds out.
Reader = Callable[[bytes, str], "list[Activity]"]

#: How many of a file's first bytes the sniff tests see.
SNIFF_BYTES = 4096

_XML_ROOT = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)",
    re.DOTALL,
)
#: A DOCTYPE with an internal subset (``<!DOCTYPE gpx [ ... ]>``), which :data:`_XML_ROOT` does
#: not pass over: its name is the root element's, so the reader is the one to refuse the DTD
#: with its reason, rather than the file passing as "XML of no format loadwatch reads".
_XML_DOCTYPE = re.compile(
    rb"^(?:\s|<\?.*?\?>|<!--.*?-->)*<!DOCTYPE\s+([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)",
    re.DOTALL,
)


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

    def read(self, data: bytes, source: str) -> list[Activity]:
        """Every activity in ``data``, a file of this format, through its reader.

        Raises:
            LoadwatchError: For anything that stops the file from being read.
        """
        return self.load_reader()(data, source)


def xml_root(head: bytes) -> bytes | None:
    """The local name of an XML document's root element (``b"gpx"``), or None if not XML.

    Args:
        head: The file's first bytes: plain, UTF-8 with a byte-order mark, or UTF-16.
    """
    text = _as_ascii_xml(head[:SNIFF_BYTES])
    match = _XML_ROOT.match(text) or _XML_DOCTYPE.match(text)
    return None if match is None else match.group(2)


def _as_ascii_xml(head: bytes) -> bytes:
    """Bring the start of a possibly BOM-prefixed or UTF-16 XML file to plain bytes."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            usable = head[2 : 2 + (len(head) - 2) // 2 * 2]
            return usable.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return head


def _is_fit(head: bytes) -> bool:
    """A FIT file header: its size (12 or 14 bytes) first, ``.FIT`` at bytes 8 to 11."""
    return len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT"


def _is_gpx(head: bytes) -> bool:
    return xml_root(head) == b"gpx"


def _is_tcx(head: bytes) -> bool:
    # A TCX whose <TrainingCenterDatabase> wrapper was lost still starts with <Activities>: let
    # the TCX reader say what is wrong with it rather than passing it over as unknown XML.
    return xml_root(head) in (b"TrainingCenterDatabase", b"Activities")


def _fit_reader() -> Reader:
    from loadwatch.ingest.readers.fit import read_fit

    return read_fit


def _gpx_reader() -> Reader:
    from loadwatch.ingest.readers.gpx import read_gpx

    return read_gpx


def _tcx_reader() -> Reader:
    from loadwatch.ingest.readers.tcx import read_tcx

    return read_tcx


#: Every format loadwatch reads, in the order messages name them.
FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        format=Format.FIT,
        label="FIT",
        suffixes=(".fit",),
        sniff=_is_fit,
        load_reader=_fit_reader,
        version=2,
        rank=0,  # the device's own record: every field, laps and sessions
        xml=False,
        summed_distance=False,
    ),
    FileFormat(
        format=Format.GPX,
        label="GPX",
        suffixes=(".gpx",),
        sniff=_is_gpx,
        load_reader=_gpx_reader,
        version=6,
        rank=2,  # points only: no laps, no totals
        xml=True,
        summed_distance=True,
    ),
    FileFormat(
        format=Format.TCX,
        label="TCX",
        suffixes=(".tcx",),
        sniff=_is_tcx,
        load_reader=_tcx_reader,
        version=5,
        rank=1,  # laps and the device's totals, fewer fields than FIT
        xml=True,
        summed_distance=False,
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


def described(conjunction: str = "or", *, xml: bool = False) -> str:
    """The formats' labels as a sentence names them: ``"FIT, GPX or TCX"``.

    Args:
        conjunction: The word before the last label: ``"or"``, ``"and"``, ``"nor"``.
        xml: Name only the XML formats (``"GPX or TCX"``).
    """
    labels = [entry.label for entry in FORMATS if entry.xml or not xml]
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
