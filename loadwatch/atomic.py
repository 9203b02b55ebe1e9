"""Atomic output files: a reader sees the old file or the new one, never half of one.

Every file loadwatch writes (charts, reports, the nightly page) goes through here: the content
is written to a fresh temporary file in the same folder, flushed to disk, then renamed over the
target. A run killed halfway leaves the previous output intact and at most a hidden ``.tmp``
file, which the next successful write of the same target does not trip over.

Ours rather than the atomicwrites package: it has had no release since July 2022, and its
temporary files (``tempfile.mkstemp``) are owner-only whatever the umask, so a page or chart
meant to be served or shared would lose its read permissions.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from loadwatch.errors import LoadwatchError


@contextlib.contextmanager
def atomic_writer(target: str | Path) -> Iterator[BinaryIO]:
    """Open a temporary file to write ``target``'s new content; rename it into place on success.

    The folder is created if needed. On any error the temporary file is removed and ``target`` is
    left as it was.

    Raises:
        LoadwatchError: The file cannot be written (a read-only folder, a full disk...).
    """
    path = Path(target)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    created = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open honours the umask (unlike tempfile's owner-only files), so outputs get the
        # permissions the user expects of a new file.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, 0o666)
        created = True
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except BaseException as error:
        if created:
            temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise LoadwatchError(
                f"cannot be written ({error.strerror or error}); check that the folder is "
                "writable and the disk is not full",
                path=path,
            ) from error
        raise


def write_atomically(target: str | Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(target) as handle:
        handle.write(data)
