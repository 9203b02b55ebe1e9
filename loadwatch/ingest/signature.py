"""A folder's signature: one string that changes whenever a file the scan sees could have.

:func:`folder_signature` walks the inputs as discovery does (every depth, links followed but
never in a loop, hidden names passed over) and hashes each entry's name, type, size,
modification time and inode, from ``stat`` alone: no file is opened, and nothing beyond the
standard library is imported, so that a run can tell "nothing changed since last time" before
it pays for pandas. Two walks of an unchanged folder give the same signature; a file added,
removed, renamed, rewritten or touched gives another. It says nothing of the settings, nor of
the clock (a file left to settle by ``--settle`` is the same file next time): those are the
caller's to add.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path


def folder_signature(roots: Sequence[Path]) -> str:
    """The signature of the files under ``roots`` (folders or files), as a hex string.

    Args:
        roots: The inputs, in the order given (the order is part of the signature, as it is
            of the labels).

    Returns:
        The SHA-256, in hex, of every entry's relative name, type, size, modification time
        (in nanoseconds) and inode, in a stable order, and of each input's path; an input or
        folder that cannot be read counts with its error, so that it becoming readable
        changes the signature.
    """
    digest = hashlib.sha256()
    for root in roots:
        digest.update(b"input\0" + os.fsencode(root) + b"\0")
        try:
            info = root.stat()
        except OSError as error:
            digest.update(f"missing\0{error.errno}\n".encode())
            continue
        if stat.S_ISDIR(info.st_mode):
            _walk(digest, os.fspath(root), {(info.st_dev, info.st_ino)})
        else:
            digest.update(_line(b"", info))
    return digest.hexdigest()


def _walk(digest: hashlib._Hash, top: str, seen: set[tuple[int, int]]) -> None:
    """Feed ``digest`` every entry under ``top``, folders in name order, depth first."""
    stack: list[tuple[str, bytes]] = [(top, b"")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            digest.update(b"unlistable\0" + prefix + f"\0{error.errno}\n".encode())
            continue
        folders: list[tuple[str, bytes]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            name = prefix + os.fsencode(entry.name)
            try:
                info = entry.stat()  # follows links, as the walk does
            except OSError as error:
                digest.update(b"unreadable\0" + name + f"\0{error.errno}\n".encode())
                continue
            if stat.S_ISDIR(info.st_mode):
                if (info.st_dev, info.st_ino) not in seen:  # a loop, or a second way in
                    seen.add((info.st_dev, info.st_ino))
                    folders.append((entry.path, name + b"/"))
                continue
            digest.update(_line(name, info))
        stack.extend(reversed(folders))


def _line(name: bytes, info: os.stat_result) -> bytes:
    """One file's entry: its name, type, size, modification time and inode."""
    fields = f"{stat.S_IFMT(info.st_mode)}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}"
    return name + b"\0" + fields.encode() + b"\n"
