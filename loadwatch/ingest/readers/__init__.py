"""Readers: one per format, one shape out (a list of :class:`~loadwatch.ingest.activity.Activity`).

Each reader takes the file's bytes and a ``source`` label (used in errors and on the
activity) and returns every activity the file holds; a multisport FIT file gives one activity
per session. Readers raise only :class:`~loadwatch.errors.LoadwatchError` subclasses.
"""

from __future__ import annotations

from pathlib import Path

from loadwatch.errors import LoadwatchError, SourceError, UnsupportedFileError
from loadwatch.ingest.activity import Activity
from loadwatch.ingest.sources import Source, gunzip, iter_sources, sniff
from loadwatch.model import Skipped

#: Bump a format's number whenever its reader would give different activities for the same
#: bytes: the incremental cache then reads those files again (and only those).
READER_VERSIONS: dict[str, int] = {"fit": 2, "gpx": 5, "tcx": 5}


def read_source(data: bytes, format: str, source: str) -> list[Activity]:
    """Read every activity in ``data``, already known to be ``format`` (fit, gpx or tcx).

    Raises:
        LoadwatchError: For anything that stops the file from being read.
    """
    if format == "fit":
        from loadwatch.ingest.readers.fit import read_fit

        return read_fit(data, source)
    if format == "gpx":
        from loadwatch.ingest.readers.gpx import read_gpx

        return read_gpx(data, source)
    if format == "tcx":
        from loadwatch.ingest.readers.tcx import read_tcx

        return read_tcx(data, source)
    raise UnsupportedFileError(f"unknown format {format!r}", path=source)


def read_activities(source: str | Path | bytes) -> list[Activity]:
    """Read all activities of one FIT, GPX or TCX file (plain or gzipped), or of its bytes.

    A multisport FIT file gives one activity per session (transitions left out).

    Args:
        source: A path, or the file's content as bytes.

    Raises:
        LoadwatchError: The file is missing, not an activity file, or cannot be read; the
            message says which and why.
    """
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        kind = sniff(data[:4096])
        if kind == "gzip":
            data = gunzip(data)
            kind = sniff(data[:4096])
        if kind not in ("fit", "gpx", "tcx"):
            raise UnsupportedFileError("is not a FIT, GPX or TCX file", path="<bytes>")
        return read_source(data, kind, "<bytes>")
    found = list(iter_sources(source))
    files = [item for item in found if isinstance(item, Source)]
    if not files:
        reasons = [item.reason for item in found if isinstance(item, Skipped)]
        message = reasons[0] if reasons else "is not a FIT, GPX or TCX file"
        raise UnsupportedFileError(message, path=source)
    if len(files) > 1:
        raise SourceError(
            f"holds {len(files)} activity files; use loadwatch.timeline() for a folder or archive",
            path=source,
        )
    return read_source(files[0].data, files[0].format, str(source))


def read_activity(source: str | Path | bytes) -> Activity:
    """Read the one activity in a FIT, GPX or TCX file (plain or gzipped), or in its bytes.

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
