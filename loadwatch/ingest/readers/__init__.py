"""Readers: one per format, one shape out (a list of :class:`~loadwatch.ingest.activity.Activity`).

Each reader takes the file's bytes and a ``source`` label (used in errors and on the activity)
and returns every activity the file holds; a multisport FIT file gives one activity per session.
Readers raise only :class:`~loadwatch.errors.LoadwatchError` subclasses. Which reader reads
which format, and at which version, is declared in the format registry,
:mod:`loadwatch.ingest.formats`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from loadwatch.errors import LoadwatchError, SourceError, UnsupportedFileError
from loadwatch.ingest import formats
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.exports import Opener
from loadwatch.ingest.formats import SNIFF_BYTES
from loadwatch.ingest.sources import Source, gunzip, iter_sources, sniff
from loadwatch.model import Skipped

#: Each format's reader version, as the cache reads it. The numbers live (and are bumped) in
#: :data:`loadwatch.ingest.formats.FORMATS`; this is built from them at import. The cache keeps
#: each file's results under the version that read it, so a bump reads that format's files
#: again (and only those).
READER_VERSIONS: dict[str, int] = formats.reader_versions()


def read_source(
    data: bytes, format: str, source: str, opener: Opener | None = None
) -> list[Activity] | Iterator[Activity]:
    """Read every activity in ``data``, already known to be ``format`` (a registry format).

    With an ``opener`` (discovery gives one for a file read streamed, see
    :attr:`Source.opener <loadwatch.ingest.sources.Source.opener>`), the file is read from it,
    one activity at a time, and ``data`` is not used.

    Raises:
        LoadwatchError: For anything that stops the file from being read.
    """
    if opener is not None:
        return read_streamed(opener, format, source)
    entry = formats.find(format)
    if entry is None:
        raise UnsupportedFileError(f"unknown format {format!r}", path=source)
    return entry.read(data, source)


def read_streamed(opener: Opener, format: str, source: str) -> Iterator[Activity]:
    """Read every activity of a file too large to hold (see :class:`Source.opener`), one at a time.

    Raises:
        LoadwatchError: For anything that stops the file from being read.
    """
    entry = formats.find(format)
    if entry is None or entry.load_stream_reader is None:
        raise UnsupportedFileError(f"unknown streamed format {format!r}", path=source)
    reader = entry.load_stream_reader()
    with opener.open() as stream:
        yield from reader(stream, source, opener.nearby)


def read_activities(source: str | Path | bytes) -> list[Activity]:
    """Read all activities of one activity file (plain or gzipped), or of its bytes.

    Every format of the registry is read (:data:`loadwatch.ingest.formats.FORMATS`); a
    multisport FIT file gives one activity per session (transitions left out).

    Args:
        source: A path, or the file's content as bytes.

    Raises:
        LoadwatchError: The file is missing, not an activity file, or cannot be read; the
            message says which and why.
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        kind = sniff(data[:SNIFF_BYTES])
        if kind == "gzip":
            data = gunzip(data)
            kind = sniff(data[:SNIFF_BYTES])
        entry = formats.find(kind)
        if entry is None:
            raise UnsupportedFileError(f"is not a {formats.described()} file", path="<bytes>")
        return entry.read(data, "<bytes>")
    found: list[Source | Skipped] = []
    streamed: list[Activity] | None = None
    for item in iter_sources(source):
        found.append(item)
        if isinstance(item, Source) and item.opener is not None and streamed is None:
            # An opener is valid only while discovery is at its file (a zip stays open).
            streamed = list(read_source(item.data, item.format, str(source), item.opener))
    files = [item for item in found if isinstance(item, Source)]
    if not files:
        reasons = [item.reason for item in found if isinstance(item, Skipped)]
        message = reasons[0] if reasons else f"is not a {formats.described()} file"
        raise UnsupportedFileError(message, path=source)
    if len(files) > 1:
        raise SourceError(
            f"holds {len(files)} activity files; use loadwatch.timeline() for a folder or archive",
            path=source,
        )
    if streamed is not None:
        return streamed
    return list(read_source(files[0].data, files[0].format, str(source)))


def read_activity(source: str | Path | bytes) -> Activity:
    """Read the one activity in an activity file (plain or gzipped), or in its bytes.

    Every format of the registry is read (:data:`loadwatch.ingest.formats.FORMATS`).

    Args:
        source: A path, or the file's content as bytes.

    Returns:
        The activity, with canonical samples.

    Raises:
        LoadwatchError: The file cannot be read, holds no activity, or holds several (a
            multisport file: use :func:`read_activities`).
    """
    activities = read_activities(source)
    if len(activities) != 1:
        label = "<bytes>" if isinstance(source, bytes | bytearray) else str(source)
        raise LoadwatchError(
            f"holds {len(activities)} activities (a multisport file?); "
            "use loadwatch.read_activities() to get them all",
            path=label,
        )
    return activities[0]
