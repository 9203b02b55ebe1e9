"""A folder's stat signature: one string that changes when any file the walk looks at changes.

:func:`folder_signature` walks the inputs as :mod:`loadwatch.ingest.walk` does (hidden files and
folders passed over, links followed but never in a loop) and reads nothing but each entry's stat:
its path, type, size, modification and change times and inode. A file added, removed, renamed,
touched or rewritten changes the signature; reading it costs one ``stat`` per entry, with no
file opened. It imports nothing heavy: a rerun checks it before pandas is imported.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path


def folder_signature(roots: Sequence[Path]) -> str:
    """The stat signature of every entry under ``roots`` that the walk would look at.

    Args:
        roots: The inputs of an analysis: folders (walked recursively) and files.

    Returns:
        A hex digest; equal digests mean no entry was added, removed or changed (as far as
        its stat tells).
    """
    return signature_and_newest(roots)[0]


def signature_and_newest(roots: Sequence[Path]) -> tuple[str, int]:
    """:func:`folder_signature`, and the newest modification time seen (ns).

    A file changed in the same clock tick as the signature was taken may change again without
    its stat showing it: a caller that stores the signature can refuse one that recent.
    """
    digest = hashlib.sha256()
    newest = 0
    for root in roots:
        digest.update(os.fsencode(os.path.abspath(root)) + b"\0")  # noqa: PTH100 (a str)
        for line, changed in _root_lines(os.fspath(root)):
            digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
            newest = max(newest, changed)
    return digest.hexdigest(), newest


def _root_lines(root: str) -> Iterator[tuple[str, int]]:
    """One line per entry of ``root`` (itself when a file), and its newest time."""
    try:
        info = os.stat(root)  # noqa: PTH116 (a str: no Path per entry)
    except OSError as error:
        yield f"! {error.errno}", 0
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _folder_lines(root, "", {(info.st_dev, info.st_ino)})
    else:
        yield _line("", info), _changed(info)


def _folder_lines(
    folder: str, prefix: str, seen: set[tuple[int, int]]
) -> Iterator[tuple[str, int]]:
    """The entries of ``folder`` in name order, its sub-folders walked in place."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(
                (entry for entry in listing if not entry.name.startswith(".")),
                key=lambda entry: entry.name,
            )
    except OSError as error:
        yield f"{prefix}/ ! {error.errno}", 0
        return
    for entry in entries:
        label = prefix + entry.name
        try:
            info = entry.stat()  # follows links, as the walk does
        except OSError as error:
            yield f"{label} ! {error.errno}", 0
            continue
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in seen:  # a link back to a folder already walked
                yield f"{label}/ loop", 0
                continue
            seen.add(key)
            yield f"{label}/", 0
            yield from _folder_lines(entry.path, label + "/", seen)
        else:
            yield _line(label, info), _changed(info)


def _line(label: str, info: os.stat_result) -> str:
    """What a file's stat says of its content: type, size, times and inode."""
    kind = stat.S_IFMT(info.st_mode)
    return (
        f"{label} {kind} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} "
        f"{info.st_dev} {info.st_ino}"
    )


def _changed(info: os.stat_result) -> int:
    # The modification time, which a sync tool sets to the source's: the change time cannot be
    # set back, and would make every file copied a moment ago look as if still being written.
    return info.st_mtime_ns
