"""Discovery: find the activity files in a folder a watch or app syncs into.

Walks a path (or takes a single file), recognises each format of the registry
(:mod:`~loadwatch.ingest.formats`) by its first bytes whatever the file is called, and looks
inside ``.gz`` files and ``.zip`` archives (Strava bulk exports are a zip of
``activities/*.fit.gz``) without ever extracting them to disk. Nothing under the path is
written, renamed or touched.

Everything is yielded lazily, one file at a time, so a folder of thousands of runs never sits in
memory at once.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from loadwatch.errors import SourceError, unreadable_folder
from loadwatch.ingest import formats
from loadwatch.ingest.exports import Opener, in_zip, on_disk, owner
from loadwatch.ingest.formats import SNIFF_BYTES, Format
from loadwatch.model import Skipped

#: The largest single activity file (after decompression) we accept. Real FIT files of a
#: 24-hour ultra are a few tens of MB; anything past this is not a watch export.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: An archive with more members than this is refused whole (a Strava export of 10 years holds
#: a few thousand).
MAX_ARCHIVE_MEMBERS = 100_000
#: An archive whose members add up to more than this, uncompressed, is refused whole.
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024 * 1024
#: Archives inside archives are followed this deep (zip -> zip -> .gz is the most seen).
MAX_ARCHIVE_DEPTH = 2

_ARCHIVE_NAME = re.compile(r"\.(gz|zip)$", re.IGNORECASE)


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


def _named_like_activity(label: str) -> bool:
    """Whether a name suggests the user meant it to be an activity (``run.fit``, ``a.gpx.gz``).

    Such a file is reported when it cannot be used, while any other unrecognised file is passed
    over quietly.
    """
    return _activity_name(formats.suffix_pattern()).search(label) is not None


@functools.lru_cache(maxsize=4)
def _activity_name(suffixes: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{suffixes})(?:\.gz|\.zip)?$", re.IGNORECASE)


def iter_files(path: str | Path) -> Iterator[tuple[Path, str] | Skipped]:
    """Yield every file under ``path`` that discovery looks at, with its label.

    Args:
        path: A folder (walked recursively, following links but never in a loop, passing over
            hidden files and folders such as ``.stversions``) or a single file.

    Yields:
        ``(file, label)`` pairs in a stable order; the label is the path relative to ``path``
        with ``/`` separators (the file's name when ``path`` is a file). A folder inside
        ``path`` that cannot be listed gives a :class:`Skipped` instead (its label ends in
        ``/``): the activities in it are missing, and the user must be told.

    Raises:
        SourceError: When ``path`` does not exist or cannot be read at all.
    """
    root = Path(path)
    try:
        info = root.stat()
    except FileNotFoundError:
        raise SourceError("no such file or folder", path=root) from None
    except OSError as error:
        raise SourceError(f"cannot be read: {error.strerror}", path=root) from error
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(root)
        return
    try:  # the one file asked for: one that cannot be read is an error, not a skipped file
        with root.open("rb"):
            pass
    except OSError as error:
        raise SourceError(
            f"is a file that cannot be read ({error.strerror or error}); check its permissions",
            path=root,
        ) from error
    yield root, root.name


def iter_sources(path: str | Path) -> Iterator[Source | Skipped]:
    """Yield every activity file under ``path``, and every unusable one with its reason.

    Args:
        path: A folder or a single file, as for :func:`iter_files`.

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


def _walk(root: Path) -> Iterator[tuple[Path, str] | Skipped]:
    seen: set[tuple[int, int]] = set()
    unlistable: list[OSError] = []
    for directory, dirnames, filenames in os.walk(
        root, onerror=unlistable.append, followlinks=True
    ):
        yield from _unlistable(root, unlistable)
        here = Path(directory)
        try:
            info = here.stat()
        except OSError:
            dirnames[:] = []
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:  # a link back to a folder already walked: a loop, or a second way in
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            file_path = here / name
            if not file_path.is_file():  # a FIFO or device would block the read forever
                continue
            yield file_path, file_path.relative_to(root).as_posix()
    yield from _unlistable(root, unlistable)


def _unlistable(root: Path, errors: list[OSError]) -> Iterator[Skipped]:
    """The folders ``os.walk`` could not list, as skipped entries (and empties ``errors``).

    Raises:
        SourceError: When the folder that cannot be listed is ``root`` itself.
    """
    while errors:
        error = errors.pop(0)
        folder = Path(error.filename) if error.filename is not None else root
        reason = error.strerror or str(error)
        if folder == root:
            raise unreadable_folder(root, error) from error
        if isinstance(error, FileNotFoundError):
            continue  # removed while it was being walked: there is nothing left in it to miss
        yield Skipped(
            folder.relative_to(root).as_posix() + "/",
            f"is a folder that cannot be read ({reason}); the activities in it were left out",
        )


def sources_in_file(file_path: Path, label: str) -> Iterator[Source | Skipped]:
    """The activity files in one file on disk: itself, or the members of a gz or zip archive.

    Unrelated files give nothing; files that look like activities but cannot be used give a
    :class:`Skipped` with the reason.
    """
    looks_like_activity = _named_like_activity(label)
    owned = owner(file_path.parent.name, lambda name: (file_path.parent.parent / name).is_file())
    if owned is not None:  # a route of an export (exports.py says why)
        yield from [Skipped(label, owned)] if owned else []
        return
    try:
        with file_path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            kind = sniff(head)
            if kind is None:
                if looks_like_activity:
                    yield Skipped(label, _unrecognised(head))
                return
            if _streamed(kind):
                yield Source(label, Format(kind), b"", file_path, on_disk(file_path))
                return
            size = os.fstat(handle.fileno()).st_size
            if kind == "zip":
                yield from _from_zip(file_path, label, handle, depth=1)
                return
            if size > MAX_FILE_BYTES:
                yield Skipped(label, f"is {size / 2**20:.0f} MB, too large for an activity file")
                return
            data = head + handle.read()
    except OSError as error:
        if looks_like_activity or _ARCHIVE_NAME.search(label):
            yield Skipped(label, f"cannot be read: {error.strerror or error}")
        return
    yield from _from_bytes(data, label, file_path, kind, looks_like_activity, depth=0)


def _from_bytes(
    data: bytes, label: str, holder: Path, kind: str, named_like_activity: bool, depth: int
) -> Iterator[Source | Skipped]:
    entry = formats.find(kind)
    if entry is not None:
        yield Source(label, entry.format, data, holder)
        return
    if kind == "gzip":
        try:
            inner = gunzip(data)
        except SourceError as error:
            if named_like_activity:
                yield Skipped(label, error.message)
            return
        inner_kind = sniff(inner[:SNIFF_BYTES])
        inner_entry = formats.find(inner_kind)
        if inner_entry is not None:
            yield Source(label, inner_entry.format, inner, holder)
        elif inner_kind == "zip" and depth < MAX_ARCHIVE_DEPTH:
            yield from _from_zip(holder, label, io.BytesIO(inner), depth=depth + 1)
        elif named_like_activity:
            yield Skipped(label, f"is a gzip file, but what it holds is not {formats.described()}")
        return
    if kind == "zip":
        if depth < MAX_ARCHIVE_DEPTH:
            yield from _from_zip(holder, label, io.BytesIO(data), depth=depth + 1)
        else:
            yield Skipped(label, "is an archive nested too deep inside other archives")


def _streamed(kind: str | None) -> bool:
    """Whether files of a kind are read streamed, never whole (Apple Health's export)."""
    entry = formats.find(kind)
    return entry is not None and entry.load_stream_reader is not None


def _unrecognised(head: bytes) -> str:
    if not head:
        return "is empty"
    if head.lstrip().startswith(b"<"):
        return _not_xml_format()
    return f"is not a {formats.described()} file (its content does not match its name)"


def _not_xml_format() -> str:
    """What to say of XML that no format claims: ``is XML, but neither GPX nor TCX``."""
    xml = [entry.label for entry in formats.FORMATS if entry.xml]
    if len(xml) == 1:
        return f"is XML, but not {xml[0]}"
    if not xml:
        return f"is XML, not {formats.described()}"
    return f"is XML, but neither {formats.described('nor', xml=True)}"


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
    holder: Path, label: str, stream: io.BufferedIOBase | io.BytesIO, depth: int
) -> Iterator[Source | Skipped]:
    """Yield the activities inside a zip archive, read member by member in memory."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield Skipped(label, f"is a damaged zip archive ({error})")
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            yield Skipped(
                label,
                f"holds {len(members):,} files, more than the {MAX_ARCHIVE_MEMBERS:,} "
                "loadwatch reads from one archive; unpack it and point loadwatch at the folder",
            )
            return
        declared = sum(info.file_size for info in members)
        if declared > MAX_ARCHIVE_BYTES:
            yield Skipped(
                label,
                f"would unpack to {declared / 2**30:.1f} GB, more than the "
                f"{MAX_ARCHIVE_BYTES // 2**30} GB loadwatch reads from one archive",
            )
            return
        for info in sorted(members, key=lambda member: member.filename):
            name = info.filename
            if any(part.startswith(".") or part == "__MACOSX" for part in name.split("/")):
                continue
            member_label = f"{label}/{name}"
            yield from _from_member(archive, info, member_label, holder, depth)


def _from_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, holder: Path, depth: int
) -> Iterator[Source | Skipped]:
    named_like_activity = _named_like_activity(label)
    folder, _, _ = info.filename.rpartition("/")
    parent, _, folder = folder.rpartition("/")
    owned = owner(folder, lambda name: f"{parent}/{name}".lstrip("/") in archive.NameToInfo)
    if owned is not None:  # a route of an export (exports.py says why)
        yield from [Skipped(label, owned)] if owned else []
        return
    if info.flag_bits & 0x1:
        if named_like_activity:
            yield Skipped(label, "is encrypted inside its archive")
        return
    if info.file_size > MAX_FILE_BYTES and not _streamed_member(archive, info):
        if named_like_activity:
            yield Skipped(label, f"is {info.file_size / 2**20:.0f} MB, too large for an activity")
        return
    try:
        with archive.open(info) as member:
            head = member.read(SNIFF_BYTES)
            kind = sniff(head)
            if kind is None:
                if named_like_activity:
                    yield Skipped(label, _unrecognised(head))
                return
            if _streamed(kind):
                yield Source(label, Format(kind), b"", holder, in_zip(archive, info))
                return
            # Declared sizes can lie (zip bombs): never read past the limit, whatever they say.
            data = head + member.read(MAX_FILE_BYTES + 1 - len(head))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
        yield Skipped(label, f"cannot be read from its archive ({error})")
        return
    if len(data) > MAX_FILE_BYTES:
        yield Skipped(label, "inflates past the size of any activity file; not read")
        return
    yield from _from_bytes(data, label, holder, kind, named_like_activity, depth)


def _streamed_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a zip member is of a format read streamed, by its first bytes."""
    try:
        with archive.open(info) as member:
            return _streamed(sniff(member.read(SNIFF_BYTES)))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError):
        return False
