"""Atomic output files: a reader sees the old file or the new one, never half of one.

Every file loadwatch writes (charts, reports, the nightly page) goes through here: the content
is written to a fresh temporary file in the same folder, flushed to disk, then renamed over the
target. A run killed halfway leaves the previous output intact and at most a hidden ``.tmp``
file, which the next successful write of the same target does not trip over.

A set of files that belong together (the charts and reports of one run) is published at once by
:func:`staged_set`: written into a fresh hidden folder inside the target folder, marked complete,
then renamed into place one after the other. A run killed while writing leaves the previous set
as it was; one killed between the renames (microseconds) is completed by the next run, which
renames the rest of the marked set before anything else. Leftovers of killed runs (staging
folders of processes that are gone, and ``.tmp`` files) are removed by the next run.

Ours rather than the atomicwrites package: it has had no release since July 2022, and its
temporary files (``tempfile.mkstemp``) are owner-only whatever the umask, so a page or chart
meant to be served or shared would lose its read permissions.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Iterator, Sequence
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


#: The hidden folders a set is written into, inside its target folder: ``<prefix><pid>-<hex>``.
STAGING_PREFIX = ".loadwatch-new-"
#: Written into a staging folder last, listing its files in the order they are published.
_COMPLETE = ".complete"
_STAGING = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-[0-9a-f]+$")
#: The temporary files :func:`atomic_writer` makes: ``.<name>.<12 hex>.tmp``.
_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")


@contextlib.contextmanager
def staged_set(folder: str | Path, order: Sequence[str] = ()) -> Iterator[Path]:
    """A fresh hidden folder inside ``folder`` to write a set of files into; when the block
    ends without error, they replace their namesakes in ``folder`` together.

    Before it, a set an earlier run marked complete but did not finish publishing (killed
    between the renames) is published, and what killed runs left (their staging folders,
    ``.tmp`` files) is removed. On error the staging folder is removed and ``folder`` is left
    as it was.

    Args:
        folder: Where the set goes (created if needed).
        order: Names to publish last, in this order (the file that says a set is new, such as
            a report, last of all); the others go first.

    Raises:
        LoadwatchError: The folder cannot be written.
    """
    target = Path(folder)
    staging = target / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        tidy_earlier_sets(target)
        staging.mkdir()
    except OSError as error:
        raise _unwritable(target, error) from error
    try:
        yield staging
        names = sorted(
            (p.name for p in staging.iterdir() if not _TEMPORARY.match(p.name)),
            key=lambda name: (order.index(name) if name in order else -1, name),
        )
        write_atomically(staging / _COMPLETE, json.dumps(names).encode())
        _sync_folder(staging)
        _publish(staging, target)
    except OSError as error:
        raise _unwritable(target, error) from error
    finally:
        _remove(staging)


def tidy_earlier_sets(folder: Path) -> None:
    """Finish publishing a set marked complete; remove what killed runs left in ``folder``."""
    for entry in sorted(folder.iterdir()):
        found = _STAGING.match(entry.name)
        if found is not None and entry.is_dir() and not entry.is_symlink():
            if (entry / _COMPLETE).is_file():
                _publish(entry, folder)
            elif not _running(int(found.group(1))):
                _remove(entry)
        elif _TEMPORARY.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)


def _publish(staging: Path, folder: Path) -> None:
    """Rename the staged files into ``folder`` in the order the marker lists them."""
    try:
        names = json.loads((staging / _COMPLETE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return  # another run published it just now
    except (OSError, ValueError):  # a marker that cannot be read: nothing there can be trusted
        _remove(staging)
        return
    for name in names if isinstance(names, list) else []:
        if isinstance(name, str) and "/" not in name and name not in ("", ".", ".."):
            _move(staging / name, folder / name)
    _sync_folder(folder)
    _remove(staging)


def _move(source: Path, target: Path) -> None:
    """Rename one staged file into place (gone already: another run published it)."""
    with contextlib.suppress(FileNotFoundError):
        source.replace(target)


def _remove(staging: Path) -> None:
    """Remove a staging folder and the files in it (it holds no folders), if it is there."""
    with contextlib.suppress(OSError):
        for entry in staging.iterdir():
            with contextlib.suppress(OSError):
                entry.unlink()
        staging.rmdir()


def _running(pid: int) -> bool:
    """Whether process ``pid`` is alive (its staging folder may still be being written)."""
    if pid == os.getpid():
        return False  # this process writes one set at a time: an earlier one of ours is over
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (where the platform can)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _unwritable(folder: Path, error: OSError) -> LoadwatchError:
    return LoadwatchError(
        f"cannot be written ({error.strerror or error}); check that the folder is writable "
        "and the disk is not full",
        path=folder,
    )
