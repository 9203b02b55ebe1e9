"""The folder walk: every file discovery looks at, and the entries it must say it left out.

A watched folder can hold anything: hidden sync folders, links back to a parent, folders that
cannot be read, named pipes and devices (which would block a read forever), empty files by the
hundred thousand. The walk passes over what is not a user's file, lists what looks like an
activity but cannot be one (with its reason) and opens files so that nothing can block: without
waiting (``O_NONBLOCK``), the type checked on the opened descriptor, never on the path.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from loadwatch.errors import SourceError, unreadable_folder
from loadwatch.ingest import formats
from loadwatch.ingest.limits import MIN_ACTIVITY_BYTES
from loadwatch.model import Skipped

_ARCHIVE_NAME = re.compile(r"\.(gz|zip)$", re.IGNORECASE)


def named_like_activity(label: str) -> bool:
    """Whether a name suggests the user meant it to be an activity (``run.fit``, ``a.gpx.gz``).

    Such a file is reported when it cannot be used, while any other unrecognised file is passed
    over quietly.
    """
    return _activity_name(formats.suffix_pattern()).search(label) is not None


def named_like_archive(label: str) -> bool:
    """Whether a name ends in ``.gz`` or ``.zip``."""
    return _ARCHIVE_NAME.search(label) is not None


@functools.lru_cache(maxsize=4)
def _activity_name(suffixes: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{suffixes})(?:\.gz|\.zip)?$", re.IGNORECASE)


def not_a_file(mode: int) -> str:
    """Why an entry that is not a regular file is not read (a named pipe would block)."""
    if stat.S_ISFIFO(mode):
        what = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    else:
        return "is not a regular file; not read"
    return f"is {what}, not a file; not read"


def open_regular(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open ``path`` for reading without ever blocking, and check it is a regular file.

    The file is opened with ``O_NONBLOCK`` (a named pipe with no writer would otherwise wait
    forever) and its type is read from the opened descriptor, so a file swapped for a pipe
    after the walk is caught too.

    Raises:
        OSError: It cannot be opened.
        SourceError: It is not a regular file (the message says what it is).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(not_a_file(info.st_mode), path=path)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    return handle, info


def iter_files(path: str | Path) -> Iterator[tuple[Path, str] | Skipped]:
    """Yield every file under ``path`` that discovery looks at, with its label.

    Args:
        path: A folder (walked recursively, following links but never in a loop, passing over
            hidden files and folders such as ``.stversions``) or a single file.

    Yields:
        ``(file, label)`` pairs in a stable order; the label is the path relative to ``path``
        with ``/`` separators (the file's name when ``path`` is a file). An entry that cannot
        be used gives a :class:`Skipped` instead: a folder inside ``path`` that cannot be
        listed (its label ends in ``/``: the activities in it are missing, and the user must
        be told), and, when named like an activity, an empty file, a named pipe or a device,
        or a file that cannot be looked at.

    Raises:
        SourceError: When ``path`` does not exist, cannot be read at all or is not a file.
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
        handle, _ = open_regular(root)
        handle.close()
    except OSError as error:
        raise SourceError(
            f"is a file that cannot be read ({error.strerror or error}); check its permissions",
            path=root,
        ) from error
    yield root, root.name


def _walk(root: Path) -> Iterator[tuple[Path, str] | Skipped]:
    seen: set[tuple[int, int]] = set()
    unlistable: list[OSError] = []
    for directory, dirnames, filenames in os.walk(
        root, onerror=unlistable.append, followlinks=True
    ):
        yield from _unlistable(root, unlistable)
        try:
            info = Path(directory).stat()
        except OSError:
            dirnames[:] = []
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:  # a link back to a folder already walked: a loop, or a second way in
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        relative = Path(os.path.relpath(directory, root)).as_posix()
        prefix = "" if relative == "." else relative + "/"
        for name in sorted(filenames):
            if not name.startswith("."):  # plain strings: a folder may hold 100,000 entries
                path = os.path.join(directory, name)  # noqa: PTH118 (no Path per entry)
                yield from _entry(path, prefix + name)
    yield from _unlistable(root, unlistable)


def _entry(file_path: str, label: str) -> Iterator[tuple[Path, str] | Skipped]:
    """One entry of a folder: a file to look at, a skipped entry, or nothing."""
    try:
        info = os.stat(file_path)  # noqa: PTH116 (a str: no Path per entry)
    except FileNotFoundError:
        return  # removed while walking, or a dangling link: nothing to miss
    except OSError as error:
        if named_like_activity(label) or named_like_archive(label):
            yield Skipped(label, f"cannot be read: {error.strerror or error}")
        return
    if stat.S_ISDIR(info.st_mode):
        return  # a folder os.walk could not tell apart: walked, or reported, as a folder
    if not stat.S_ISREG(info.st_mode):
        if named_like_activity(label):
            yield Skipped(label, not_a_file(info.st_mode))
        return
    if info.st_size < MIN_ACTIVITY_BYTES:  # passed over cheaply: nothing to hash or cache
        if not named_like_activity(label):
            if label.rpartition("/")[2].lower() == "activities.csv":  # Strava's gear table
                yield Path(file_path), label
            return
        if info.st_size == 0:
            yield Skipped(label, "is empty")
            return
    yield Path(file_path), label


def unrecognised(head: bytes) -> str:
    """Why a file named like an activity, beginning with ``head``, is not one."""
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


def _too_small(size: int) -> str:
    if size == 0:
        return "is empty"
    return f"is too small to hold an activity ({size} bytes)"


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
