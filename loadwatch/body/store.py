"""The body log file: JSON Lines, one entry a line, appended and never rewritten.

Each line is one JSON object with a ``version`` (see :func:`loadwatch.body.entries.to_record`).
A line is appended with one ``write()`` on a file opened with ``O_APPEND``, then fsynced: a run
killed halfway leaves at most a last line without its newline, which reading ignores with a
warning (never reads as an entry) and the next append closes off first. A removal appends a
tombstone (``"kind": "removed"``), so that nothing written is ever changed in place.

The log lives in the user's data folder (:func:`default_log`) or where ``[body] log`` says, and
is never written inside an analysed folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from loadwatch.body.entries import (
    BodyLogError,
    Entry,
    Line,
    Removed,
    from_record,
    to_record,
)
from loadwatch.settings.dirs import user_data_dir

#: The log's name in the user's data folder.
LOG_NAME = "body-log.jsonl"
#: How much of an existing file is read to tell a body log from any other file.
_SNIFF_BYTES = 4096


@dataclasses.dataclass(frozen=True)
class BodyLog:
    """What a log file holds.

    Attributes:
        entries: The entries that stand (removed ones left out), in the order they were logged.
        warnings: Lines that were not read, each with its line number and why.
        last_id: The highest id the file has used, removed entries and tombstones included.
    """

    entries: list[Entry]
    warnings: list[str]
    last_id: int


def default_log() -> Path:
    """The body log when no ``[body] log`` names one: ``body-log.jsonl`` in the data folder."""
    return user_data_dir() / LOG_NAME


def refuse_inside(folder: Path, log: Path) -> None:
    """Refuse a log in the analysed ``folder`` (or that is the analysed file).

    Raises:
        BodyLogError: When it is.
    """
    watched, target = folder.resolve(), log.resolve()
    if target == watched or watched in target.parents:
        raise BodyLogError(
            f"the body log {log} is inside the analysed folder {folder}, which loadwatch never "
            "writes to; choose a log file outside it ([body] log in the config, or --body-log)"
        )


def read_log(path: Path) -> BodyLog:
    """The entries of the log at ``path`` (none if it does not exist yet).

    A line that cannot be read (a partial last line from a killed run, a line edited by hand
    into nonsense) is left out with a warning; so is a removal of an unknown entry.

    Raises:
        BodyLogError: The file cannot be read at all.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return BodyLog([], [], 0)
    except OSError as error:
        raise BodyLogError(f"cannot be read ({error.strerror or error})", path=str(path)) from error
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with its newline
    warnings: list[str] = []
    read: list[Line] = []
    last_id = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = from_record(json.loads(raw), date.max)
        except (ValueError, BodyLogError) as error:
            warnings.append(f"line {number}: left out: {error}")
            continue
        last_id = max(last_id, line.id)
        read.append(line)
    if tail.strip():
        warnings.append(
            f"line {len(lines) + 1}: left out: it was cut off (a run stopped while writing it)"
        )
    entries, unknown = _standing(read)
    warnings.extend(
        f"a removal names entry {ident}, which the log does not hold" for ident in unknown
    )
    return BodyLog(entries, warnings, last_id)


def _standing(lines: Sequence[Line]) -> tuple[list[Entry], list[int]]:
    """The entries no tombstone removes, and the ids tombstones name that are not there."""
    removed = {line.removes for line in lines if isinstance(line, Removed)}
    entries = [line for line in lines if not isinstance(line, Removed)]
    known = {entry.id for entry in entries}
    return [e for e in entries if e.id not in removed], sorted(removed - known)


def append(path: Path, entries: Sequence[Entry]) -> list[Entry]:
    """Append ``entries`` to the log, each given the next id; the file and its folder are made
    when missing.

    Returns:
        The entries as logged, with their ids.

    Raises:
        BodyLogError: The log cannot be read or written.
    """
    last = read_log(path).last_id
    logged = [dataclasses.replace(entry, id=last + k) for k, entry in enumerate(entries, start=1)]
    _write_lines(path, logged)
    return logged


def remove(path: Path, ident: int) -> tuple[Removed, Entry]:
    """Remove entry ``ident`` by appending its tombstone.

    Returns:
        The tombstone and the entry it removes.

    Raises:
        BodyLogError: No standing entry has that id, or the log cannot be written.
    """
    log = read_log(path)
    found = next((entry for entry in log.entries if entry.id == ident), None)
    if found is None:
        ids = ", ".join(str(entry.id) for entry in log.entries[-5:]) or "none"
        raise BodyLogError(
            f"no entry {ident} in the body log (the newest ids: {ids}); "
            "see them with loadwatch log list"
        )
    tombstone = Removed(removes=ident, id=log.last_id + 1)
    _write_lines(path, [tombstone])
    return tombstone, found


def _refuse_not_a_log(path: Path) -> None:
    """Refuse to append to an existing file that is not a body log (an activity file, a
    spreadsheet, anything whose first line is not a JSON object): the user's files are never
    changed.

    Raises:
        BodyLogError: When it is such a file.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        return
    first = head.lstrip().split(b"\n", 1)[0]
    if first and not first.startswith(b"{"):
        raise BodyLogError(
            "is not a body log (loadwatch writes JSON Lines, one entry a line), so nothing was "
            "written to it; choose another file with --body-log or [body] log",
            path=str(path),
        )


def _write_lines(path: Path, lines: Sequence[Line]) -> None:
    """Append each line with one ``write()``, closing off a cut-off last line first; fsync."""
    try:
        _refuse_not_a_log(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags, 0o666)
        try:
            if not _ends_cleanly(path):
                os.write(descriptor, b"\n")
            for line in lines:
                text = json.dumps(to_record(line), ensure_ascii=False, separators=(", ", ": "))
                _write_all(descriptor, (text + "\n").encode("utf-8"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise BodyLogError(
            f"cannot be written ({error.strerror or error}); check that the folder is writable "
            "and the disk is not full",
            path=str(path),
        ) from error


def _write_all(descriptor: int, data: bytes) -> None:
    """One ``write()`` of ``data``; the rare short write goes on where it stopped."""
    written = os.write(descriptor, data)
    while written < len(data):
        written += os.write(descriptor, data[written:])


def _ends_cleanly(path: Path) -> bool:
    """Whether the file is empty or ends with a newline (not with a cut-off line)."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
