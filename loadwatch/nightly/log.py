"""The log of nightly runs (``--log``): everything a command prints, appended, rotated by size.

:func:`open_log` rotates the log once it has grown past :data:`LOG_MAX_BYTES` (keeping
:data:`LOG_BACKUPS` old ones), opens it for appending and writes a line saying when and what
ran; :func:`logging_to` sends standard output and standard error there.
"""

from __future__ import annotations

import contextlib
import stat
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.ingest.sources import sniff
from loadwatch.labels import shown
from loadwatch.nightly.places import refuse_inside

#: A --log file is rotated when it grows past this, keeping this many old ones.
LOG_MAX_BYTES = 1024 * 1024
LOG_BACKUPS = 3
#: How much of an existing --log is read to tell a log from an activity file or archive.
_SNIFF_BYTES = 4096


def open_log(log_file: Path, *, watched: Path | None = None) -> TextIO:
    """Open ``log_file`` for appending (its folder made if need be), rotated first if too big.

    Args:
        log_file: The log.
        watched: The analysed folder (or file): a log in it is refused, since loadwatch never
            writes there.

    Raises:
        LoadwatchError: The log is in the analysed folder, is a file that is not a log (an
            activity, an archive, anything binary), or cannot be written.
    """
    if watched is not None:
        refuse_inside(watched, log_file, setting="log")
    try:
        _refuse_not_a_log(log_file)
        _rotate(log_file)
        log_file.parent.mkdir(parents=True, exist_ok=True)
        # A name that is not UTF-8 must never stop the log, whatever shows it.
        log = log_file.open("a", encoding="utf-8", errors="backslashreplace")
        try:  # written now, so that a log that takes no text (/dev/full) is said at once
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            log.write(f"\n== {stamp} loadwatch {' '.join(shown(a) for a in sys.argv[1:])}\n")
            log.flush()
        except OSError:
            with contextlib.suppress(OSError):
                log.close()
            raise
        return log
    except OSError as error:
        raise LoadwatchError(
            f"cannot write the log ({error.strerror or error}); choose another log file",
            path=log_file,
        ) from error


def _refuse_not_a_log(log_file: Path) -> None:
    """Refuse to append to (or rotate away) an existing file that is not a text log.

    A text file is taken as a log (another tool's log shared with loadwatch is fine); an
    activity file, an archive, or anything binary or not UTF-8 is refused.

    Raises:
        ConfigError: When ``log_file`` is such a file.
    """
    try:
        info = log_file.stat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):  # /dev/null, a terminal, a pipe: nothing to protect
        return
    with log_file.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    kind = sniff(head)
    if kind is not None:
        what = "an archive" if kind in ("gzip", "zip") else f"a {kind.upper()} activity file"
    elif b"\0" in head or not _is_utf8(head):
        what = "not a text log"
    else:
        return
    raise ConfigError(
        f"log {log_file} is {what}; loadwatch only appends to its own logs, so choose another file",
        setting="log",
    )


def _is_utf8(head: bytes) -> bool:
    """Whether ``head`` is UTF-8 text (a character cut off at its end is allowed)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


@contextlib.contextmanager
def logging_to(log: TextIO | None) -> Iterator[None]:
    """Send everything printed to ``log`` (from :func:`open_log`, which wrote the line saying
    when and what ran), and close it at the end; with ``None``, output stays where it is."""
    if log is None:
        yield
        return
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield
    finally:
        try:
            log.close()
        except OSError as error:  # the disk filled up during the run: say so where it can be seen
            sys.stderr.write(
                f"warning: the log {shown(getattr(log, 'name', 'file'))} could not be written "
                f"({error.strerror or error})\n"
            )


def _rotate(log_file: Path) -> None:
    """Keep the log small: past LOG_MAX_BYTES, log -> log.1 -> log.2 ... (LOG_BACKUPS kept)."""
    try:
        if log_file.stat().st_size < LOG_MAX_BYTES:
            return
    except FileNotFoundError:
        return
    for index in range(LOG_BACKUPS, 0, -1):
        older = log_file.with_name(f"{log_file.name}.{index}")
        newer = log_file.with_name(f"{log_file.name}.{index - 1}") if index > 1 else log_file
        if newer.exists():
            newer.replace(older)
