"""Discovery: find the activity files in a folder a watch or app syncs into.

Walks a path (:mod:`~loadwatch.ingest.walk`) or takes a single file, recognises each format
of the registry (:mod:`~loadwatch.ingest.formats`) by its first bytes whatever the file is
called, and looks inside ``.gz`` files and ``.zip`` archives (Strava bulk exports are a zip of
``activities/*.fit.gz``) without ever extracting them to disk. Nothing under the path is
written, renamed or touched.

Everything is yielded lazily, one file at a time, so a folder of thousands of runs never sits in
memory at once; no archive decompresses more than :mod:`~loadwatch.ingest.limits` allows.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO, Literal, Protocol

from loadwatch.errors import SourceError
from loadwatch.ingest import formats
from loadwatch.ingest.exports import (
    Opener,
    in_zip,
    on_disk,
    owner_in_zip,
    owner_on_disk,
    streamed,
    streamed_member,
    too_large_export,
)
from loadwatch.ingest.formats import SNIFF_BYTES, Format
from loadwatch.ingest.limits import (
    MAX_APPLE_EXPORT_BYTES,
    MAX_ARCHIVE_DEPTH,
    MAX_ARCHIVE_RATIO,
    MAX_FILE_BYTES,
    ArchiveBudget,
    OverBudget,
    archive_refusal,
)
from loadwatch.ingest.walk import (
    iter_files,
    named_like_activity,
    named_like_archive,
    open_regular,
    unrecognised,
)
from loadwatch.model import Skipped

__all__ = ["MAX_FILE_BYTES", "Source", "gunzip", "iter_files", "iter_sources", "sniff"]

#: Archive members are decompressed this many bytes at a time, counted against the archive's
#: work (:data:`~loadwatch.ingest.limits.MAX_ARCHIVE_RATIO`).
_CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class Source:
    """One activity file found: its label, format and bytes.

    Attributes:
        label: Where it is, relative to the scanned path, with ``/`` separators; archive members
            read as ``export.zip/activities/1.fit.gz``.
        format: Its format (a :class:`~loadwatch.ingest.formats.Format`, so it equals ``"fit"``...).
        data: The file's (decompressed) bytes.
        path: The file on disk that holds it (the archive, for a member).
        opener: For a format read streamed (an Apple Health ``export.xml``): how to open it
            and its neighbours, valid while discovery is at this file; ``data`` is then empty.
    """

    label: str
    format: Format
    data: bytes = dataclasses.field(repr=False)
    path: Path
    opener: Opener | None = dataclasses.field(default=None, repr=False, compare=False)


class Hasher(Protocol):
    """What :func:`sources_in_file` feeds the bytes it reads to (a :mod:`hashlib` object)."""

    def update(self, data: bytes, /) -> None:
        """Add ``data``."""


def sniff(head: bytes) -> Format | Literal["gzip", "zip"] | None:
    """Tell the format from a file's first bytes.

    Returns:
        The :class:`~loadwatch.ingest.formats.Format` whose sniff test they pass
        (:mod:`~loadwatch.ingest.formats`), ``"gzip"`` or ``"zip"`` for an archive to look
        into, or ``None`` for anything else.
    """
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    entry = formats.recognise(head[:SNIFF_BYTES])
    return None if entry is None else entry.format


def iter_sources(path: str | Path) -> Iterator[Source | Skipped]:
    """Yield every activity file under ``path``, and every unusable one with its reason.

    Args:
        path: A folder or a single file, as for :func:`~loadwatch.ingest.walk.iter_files`.

    Yields:
        :class:`Source` for each file of a format loadwatch reads, in a stable order;
        :class:`Skipped` for files that look like activities (by name or content) but cannot
        be used.

    Raises:
        SourceError: When ``path`` does not exist or cannot be read at all.
    """
    for item in iter_files(path):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from sources_in_file(*item)


def sources_in_file(
    file_path: Path, label: str, *, digest: Hasher | None = None
) -> Iterator[Source | Skipped]:
    """The activity files in one file on disk: itself, or the members of a gz or zip archive.

    Unrelated files give nothing; files that look like activities but cannot be used give a
    :class:`Skipped` with the reason. The file is opened without blocking and must be a
    regular file (a named pipe or device named like an activity is skipped, saying so).

    Args:
        file_path: The file.
        label: Its label.
        digest: Fed every byte of the file that was read, as it was read, so that what is
            kept can be filed under the content that gave it (a file rewritten while it was
            read then has another digest than the one taken before).
    """
    looks_like_activity = named_like_activity(label)
    owned = owner_on_disk(file_path)
    if owned is not None:  # a route of an export (exports.py says why)
        yield from [Skipped(label, owned)] if owned else []
        return
    try:
        handle, info = open_regular(file_path)
    except (OSError, SourceError) as error:
        if looks_like_activity or named_like_archive(label):
            reason = error.message if isinstance(error, SourceError) else _cannot_read(error)
            yield Skipped(label, reason)
        return
    with handle:
        try:
            head = handle.read(SNIFF_BYTES)
            kind = sniff(head)
            if kind == "zip":
                yield from _zip_on_disk(file_path, label, handle, info, digest)
                return
            if streamed(kind):  # read by its reader as it streams, never held here
                yield _streamed_on_disk(file_path, label, Format(str(kind)), handle, digest)
                return
            data = head + handle.read(max(0, MAX_FILE_BYTES + 1 - len(head))) if kind else head
        except OSError as error:
            if looks_like_activity or named_like_archive(label):
                yield Skipped(label, _cannot_read(error))
            return
    if digest is not None:
        digest.update(data)
    if kind is None:
        if looks_like_activity:
            yield Skipped(label, unrecognised(head))
        return
    if len(data) > MAX_FILE_BYTES:
        size = max(len(data), info.st_size)
        yield Skipped(label, f"is {size / 2**20:.0f} MB, too large for an activity file")
        return
    yield from _from_bytes(data, label, file_path, kind, looks_like_activity, depth=0)


def _streamed_on_disk(
    file_path: Path, label: str, kind: Format, handle: BinaryIO, digest: Hasher | None
) -> Source | Skipped:
    """A file read streamed (an Apple Health ``export.xml``), unless too large to read."""
    if os.fstat(handle.fileno()).st_size > MAX_APPLE_EXPORT_BYTES:
        return Skipped(label, too_large_export(MAX_APPLE_EXPORT_BYTES))
    _digest_whole(handle, digest)
    return Source(label, kind, b"", file_path, on_disk(file_path))


def _cannot_read(error: OSError) -> str:
    return f"cannot be read: {error.strerror or error}"


def _zip_on_disk(
    file_path: Path,
    label: str,
    handle: BinaryIO,
    info: os.stat_result,
    digest: Hasher | None,
) -> Iterator[Source | Skipped]:
    """The members of a zip archive on disk, its whole content fed to ``digest`` first."""
    _digest_whole(handle, digest)
    budget = ArchiveBudget.for_size(info.st_size)
    yield from _from_zip(file_path, label, handle, depth=1, budget=budget)
    if digest is not None and _changed(info, os.fstat(handle.fileno())):
        digest.update(b"changed while it was read")  # not the content hashed: never kept


def _changed(before: os.stat_result, after: os.stat_result) -> bool:
    return any(getattr(before, k) != getattr(after, k) for k in _STAMPS)


_STAMPS = ("st_size", "st_mtime_ns", "st_ctime_ns")


def _from_bytes(
    data: bytes,
    label: str,
    holder: Path,
    kind: str,
    named_like: bool,
    depth: int,
    budget: ArchiveBudget | None = None,
) -> Iterator[Source | Skipped]:
    entry = formats.find(kind)
    if entry is not None:
        yield Source(label, entry.format, data, holder)
        return
    if kind == "gzip":
        try:
            inner = gunzip(data)
        except SourceError as error:
            if named_like:
                yield Skipped(label, error.message)
            return
        if budget is not None:
            budget.spend(len(inner))
        inner_kind = sniff(inner[:SNIFF_BYTES])
        inner_entry = formats.find(inner_kind)
        if inner_entry is not None:
            yield Source(label, inner_entry.format, inner, holder)
        elif inner_kind == "zip" and depth < MAX_ARCHIVE_DEPTH:
            yield from _nested_zip(holder, label, inner, depth + 1, budget)
        elif named_like:
            yield Skipped(label, f"is a gzip file, but what it holds is not {formats.described()}")
        return
    if kind == "zip":
        if depth < MAX_ARCHIVE_DEPTH:
            yield from _nested_zip(holder, label, data, depth + 1, budget)
        else:
            yield Skipped(label, "is an archive nested too deep inside other archives")


def _nested_zip(
    holder: Path, label: str, data: bytes, depth: int, budget: ArchiveBudget | None
) -> Iterator[Source | Skipped]:
    """A zip inside another file: it shares its holder's budget, or has one of its own."""
    if budget is None:
        budget = ArchiveBudget.for_size(len(data))
    yield from _from_zip(holder, label, io.BytesIO(data), depth=depth, budget=budget)


def gunzip(data: bytes) -> bytes:
    """Decompress gzip data, refusing anything that inflates past :data:`MAX_FILE_BYTES`."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inner = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise SourceError(f"is a damaged gzip file ({error})") from error
    if len(inner) > MAX_FILE_BYTES:
        raise SourceError(
            f"decompresses to more than {MAX_FILE_BYTES // 2**20} MB, too large for an activity"
        )
    return inner


def _from_zip(
    holder: Path, label: str, stream: IO[bytes], depth: int, budget: ArchiveBudget
) -> Iterator[Source | Skipped]:
    """Yield the activities inside a zip archive, read member by member in memory."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield Skipped(label, f"is a damaged zip archive ({error})")
        return
    with archive:
        refusal = archive_refusal(archive.infolist())
        if refusal is not None:
            yield Skipped(label, refusal)
            return
        members = [info for info in archive.infolist() if not info.is_dir()]
        try:
            for info in sorted(members, key=lambda member: member.filename):
                yield from _named_member(archive, info, label, holder, depth, budget)
        except OverBudget as over:
            if depth > 1:
                raise  # the outermost archive says it, once
            yield Skipped(
                label,
                f"decompresses to more than {over.total / 2**20:,.0f} MB, more than loadwatch "
                f"reads from an archive of its size ({MAX_ARCHIVE_RATIO} times it); the rest of "
                "it was not read (a zip bomb?)",
            )


def _named_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    holder: Path,
    depth: int,
    budget: ArchiveBudget,
) -> Iterator[Source | Skipped]:
    """One member, unless its name hides it (``.stversions``, ``__MACOSX``) or leads out."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if ".." in parts or name.startswith(("/", "\\")) or ":" in parts[0]:
        yield Skipped(f"{label}/{name}", "has a name that leads out of its archive; not read")
        return
    if any(part.startswith(".") or part == "__MACOSX" for part in parts):
        return
    yield from _from_member(archive, info, f"{label}/{name}", holder, depth, budget)


def _from_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    label: str,
    holder: Path,
    depth: int,
    budget: ArchiveBudget,
) -> Iterator[Source | Skipped]:
    named_like = named_like_activity(label)
    owned = owner_in_zip(archive, info)
    if owned is not None:  # a route of an export (exports.py says why)
        yield from [Skipped(label, owned)] if owned else []
        return
    if info.flag_bits & 0x1:
        if named_like:
            yield Skipped(label, "is encrypted inside its archive")
        return
    if info.file_size > MAX_FILE_BYTES and not streamed_member(archive, info):
        if named_like:
            yield Skipped(label, f"is {info.file_size / 2**20:.0f} MB, too large for an activity")
        return
    try:
        with archive.open(info) as member:
            head = member.read(SNIFF_BYTES)
            budget.spend(len(head))
            kind = sniff(head)
            if kind is None:
                if named_like:
                    yield Skipped(label, unrecognised(head))
                return
            if streamed(kind):  # read by its reader as it streams, never held here
                yield Source(label, Format(str(kind)), b"", holder, in_zip(archive, info, budget))
                return
            # Declared sizes can lie (zip bombs): never read past the limit, whatever they say.
            data = _read_member(member, head, budget)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
        yield Skipped(label, f"cannot be read from its archive ({error})")
        return
    if len(data) > MAX_FILE_BYTES:
        yield Skipped(label, "inflates past the size of any activity file; not read")
        return
    yield from _from_bytes(data, label, holder, kind, named_like, depth, budget)


def _read_member(member: IO[bytes], head: bytes, budget: ArchiveBudget) -> bytes:
    """A member's bytes after ``head``, in chunks, up to one byte past the file limit."""
    chunks = [head]
    total = len(head)
    while total <= MAX_FILE_BYTES:
        chunk = member.read(min(_CHUNK, MAX_FILE_BYTES + 1 - total))
        if not chunk:
            break
        budget.spend(len(chunk))
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _digest_whole(handle: BinaryIO, digest: Hasher | None) -> None:
    """Feed ``digest`` the whole file from its first byte (a zip, or a streamed export that
    its reader reads later, in pieces)."""
    if digest is None:
        return
    handle.seek(0)
    for block in iter(lambda: handle.read(_CHUNK), b""):
        digest.update(block)
