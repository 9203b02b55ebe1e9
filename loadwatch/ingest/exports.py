"""Exports: the files an app's export bundles beside its activity files, and who owns them.

Two kinds of export hold files discovery must not take at face value:

- Apple Health's ``export.xml`` may be several GB, so it is never read whole: discovery hands
  its reader an :class:`Opener` (the file or zip member, opened when read, and its neighbours,
  the route GPX files) instead of its bytes. The GPX files of its ``workout-routes/`` folder
  are the routes of its workouts, read with them: never activities of their own.
- A Strava bulk export's ``routes/`` folder holds the routes the athlete planned (some with
  made-up times): never activities, whatever they hold.

Nothing is extracted or written. What an export costs is bounded as it is read (the limits are
in :mod:`~loadwatch.ingest.limits`): inside an archive, every byte the reader decompresses, the
document's and the routes', is spent from the archive's work budget; outside one, the document
may not pass :data:`~loadwatch.ingest.limits.MAX_APPLE_EXPORT_BYTES` nor its routes, all read,
:data:`~loadwatch.ingest.limits.MAX_APPLE_ROUTE_BYTES`. Past a limit the reader stops with
:class:`~loadwatch.ingest.limits.TooMuchWork`, and the export is skipped with its reason.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from loadwatch.errors import SourceError
from loadwatch.ingest import formats
from loadwatch.ingest.formats import SNIFF_BYTES
from loadwatch.ingest.limits import (
    MAX_APPLE_EXPORT_BYTES,
    MAX_APPLE_ROUTE_BYTES,
    MAX_APPLE_ZIP_RATIO,
    ArchiveBudget,
    OverBudget,
    TooMuchWork,
    zip_bomb,
)
from loadwatch.ingest.walk import open_regular

#: The file beside a ``workout-routes/`` folder that owns its GPX files.
APPLE_EXPORT_XML = "export.xml"
#: The file beside a ``routes/`` folder that makes it a Strava export's planned routes.
STRAVA_CSV = "activities.csv"
#: A route file larger than this is not a route (Apple's are tens of kB an hour).
MAX_ROUTE_BYTES = 64 * 1024 * 1024
#: Why a Strava export's planned route is not counted.
STRAVA_ROUTE = (
    "is a route planned in Strava (its export's routes/ folder), not a recorded activity; "
    "not counted"
)


@dataclasses.dataclass(frozen=True)
class Opener:
    """A large file discovery does not read: how to open it, and the files near it.

    Attributes:
        open: Opens the file for reading bytes (the caller closes it).
        nearby: The bytes of a file named relative to the folder holding it (``/`` separators),
            or None when there is no such file (or it is too large to be a route).
    """

    open: Callable[[], IO[bytes]]
    nearby: Callable[[str], bytes | None]


def on_disk(path: Path) -> Opener:
    """The :class:`Opener` of a file in a folder, its reads bounded (module docstring)."""
    routes = ArchiveBudget(MAX_APPLE_ROUTE_BYTES)

    def nearby(relative: str) -> bytes | None:
        if ".." in Path(relative).parts:
            return None
        try:
            handle, _ = open_regular(path.parent / relative)  # never a pipe or a device
            with handle:
                data = handle.read(MAX_ROUTE_BYTES + 1)
        except (OSError, SourceError):
            return None
        if len(data) > MAX_ROUTE_BYTES:
            return None
        _spend(routes, len(data), _too_many_routes)
        return data

    def opened() -> IO[bytes]:
        handle, _ = open_regular(path)
        return counted(handle, ArchiveBudget(MAX_APPLE_EXPORT_BYTES), too_large_export)

    return Opener(opened, nearby)


def in_zip(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ArchiveBudget) -> Opener:
    """The :class:`Opener` of a zip member; valid while the archive is open.

    Every byte decompressed from the archive (the member's, its routes') is spent from
    ``budget``, the archive's work budget, first raised to let the member decompress
    :data:`~loadwatch.ingest.limits.MAX_APPLE_ZIP_RATIO` times its compressed size.
    """
    folder = info.filename.rpartition("/")[0]
    budget.total = max(budget.total, budget.spent + MAX_APPLE_ZIP_RATIO * info.compress_size)

    def nearby(relative: str) -> bytes | None:
        name = f"{folder}/{relative}" if folder else relative
        try:
            member = archive.getinfo(name)
            if member.file_size > MAX_ROUTE_BYTES or member.flag_bits & 0x1:
                return None
            with archive.open(member) as handle:
                data = handle.read(MAX_ROUTE_BYTES + 1)  # declared sizes can lie
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
            return None
        _spend(budget, len(data), zip_bomb)
        return data if len(data) <= MAX_ROUTE_BYTES else None

    return Opener(lambda: counted(archive.open(info), budget, zip_bomb), nearby)


def too_large_export(total: int) -> str:
    """The reason an ``export.xml`` outside an archive larger than ``total`` bytes is skipped."""
    return (
        f"is larger than {total / 2**30:,.0f} GB, more than loadwatch reads from one Apple "
        "Health export (years of a watch make a few GB)"
    )


def _too_many_routes(total: int) -> str:
    return (
        f"names route files adding up to more than {total / 2**30:,.0f} GB, more than loadwatch "
        "reads for one Apple Health export (the same file named again and again?)"
    )


def _spend(budget: ArchiveBudget, count: int, reason: Callable[[int], str]) -> None:
    try:
        budget.spend(count)
    except OverBudget as over:
        raise TooMuchWork(reason(over.total)) from None


def counted(raw: IO[bytes], budget: ArchiveBudget, reason: Callable[[int], str]) -> IO[bytes]:
    """``raw``, read through: every byte read is spent from ``budget``; past it, a read raises
    :class:`~loadwatch.ingest.limits.TooMuchWork` saying ``reason(budget.total)``."""
    return io.BufferedReader(_Counted(raw, budget, reason), buffer_size=1 << 16)


class _Counted(io.RawIOBase):
    """The raw stream under :func:`counted`."""

    def __init__(self, raw: IO[bytes], budget: ArchiveBudget, reason: Callable[[int], str]) -> None:
        super().__init__()
        self._raw = raw
        self._budget = budget
        self._reason = reason

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._raw.read(len(view))
        _spend(self._budget, len(data), self._reason)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def owner(folder: str, beside: Callable[[str], bool]) -> str | None:
    """Whether an export owns a file, so that discovery must not count it as an activity.

    Args:
        folder: The name of the folder holding the file (``""`` at the top).
        beside: Whether a file of a given name is beside that folder.

    Returns:
        None for a file of its own; ``""`` for a route of an Apple Health workout (read with
        its ``export.xml``, so passed over quietly); else why it is not counted (a Strava
        export's planned route).
    """
    folder = folder.lower()
    if folder == "workout-routes" and beside(APPLE_EXPORT_XML):
        return ""
    if folder == "routes" and beside(STRAVA_CSV):
        return STRAVA_ROUTE
    return None


def owner_on_disk(path: Path) -> str | None:
    """:func:`owner` of a file on disk."""
    return owner(path.parent.name, lambda name: (path.parent.parent / name).is_file())


def owner_in_zip(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """:func:`owner` of a zip member."""
    folder, _, _ = info.filename.rpartition("/")
    parent, _, folder = folder.rpartition("/")
    return owner(folder, lambda name: f"{parent}/{name}".lstrip("/") in archive.NameToInfo)


def streamed(kind: str | None) -> bool:
    """Whether files of a kind are read streamed, never whole (Apple Health's export)."""
    return streamed_entry(formats.find(kind))


def streamed_entry(entry: formats.FileFormat | None) -> bool:
    """Whether a format's files are read streamed (it has a stream reader)."""
    return entry is not None and entry.load_stream_reader is not None


def streamed_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is of a format read streamed, by its first bytes."""
    try:
        with archive.open(info) as member:
            return streamed_entry(formats.recognise(member.read(SNIFF_BYTES)))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
        return False
