"""The log of nightly runs (``--log``): everything a command prints, appended, rotated by size.

:func:`open_log` rotates the log once it has grown past :data:`LOG_MAX_BYTES` (keeping
:data:`LOG_BACKUPS` old ones) and opens it for appending; :func:`logging_to` sends standard
output and standard error there, after a line saying when and what ran.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from loadwatch.errors import LoadwatchError

#: A --log file is rotated when it grows past this, keeping this many old ones.
LOG_MAX_BYTES = 1024 * 1024
LOG_BACKUPS = 3


def open_log(log_file: Path) -> TextIO:
    """Open ``log_file`` for appending (its folder made if need be), rotated first if too big.

    Raises:
        LoadwatchError: The log cannot be written.
    """
    try:
        _rotate(log_file)
        log_file.parent.mkdir(parents=True, exist_ok=True)
        return log_file.open("a", encoding="utf-8")
    except OSError as error:
        raise LoadwatchError(
            f"cannot write the log ({error.strerror or error}); choose another --log",
            path=log_file,
        ) from error


@contextlib.contextmanager
def logging_to(log: TextIO | None) -> Iterator[None]:
    """Send everything printed to ``log`` (from :func:`open_log`), and close it at the end;
    with ``None``, output stays where it is."""
    if log is None:
        yield
        return
    with log:
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        log.write(f"\n== {stamp} loadwatch {' '.join(sys.argv[1:])}\n")
        log.flush()
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            yield


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
