"""A spreadsheet of body-log entries (CSV) read into entries: each bad row named, the rest kept.

The first row names the columns, in any order and case: ``date`` (YYYY-MM-DD), ``kind`` (pain,
strength, rpe or check-in; pain when left out), ``level``, ``where`` (or ``region``), ``when``
(or ``timing``), ``minutes``, ``rpe``, ``run`` (a run's start), ``note``, and for a check-in
``participation``, ``volume``, ``performance`` and ``symptoms``. This is how
``loadwatch log import`` reads a file, and how a ``body-log.csv`` kept in the analysed folder
(say, a synced spreadsheet) is read; loadwatch never writes one.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date
from pathlib import Path

from loadwatch.body.entries import BodyLogError, Entry, make_entry
from loadwatch.body.ostrc import QUESTIONS
from loadwatch.vocab import EntryKind

#: The name of a body log kept in the analysed folder, read along with the user's log.
FOLDER_LOG = "body-log.csv"
#: Other names a column may go by.
_ALIASES = {"region": "where", "timing": "when", "type": "kind", "day": "date"}
#: The largest spreadsheet read (bytes): a body log is far smaller.
_MAX_BYTES = 16 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Imported:
    """A spreadsheet's entries and its rejected rows.

    Attributes:
        entries: The rows that are entries, in order.
        rejected: ``(line, reason)`` of each row that is not, ``line`` as a spreadsheet
            numbers it (the header is line 1).
    """

    entries: list[Entry]
    rejected: list[tuple[int, str]]


def read_csv(path: Path, today: date) -> Imported:
    """The entries of the spreadsheet at ``path``; days after ``today`` are rejected.

    Raises:
        BodyLogError: The file cannot be read, is not text, or has no ``date`` column.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_BYTES + 1)
    except OSError as error:
        raise BodyLogError(f"cannot be read ({error.strerror or error})", path=str(path)) from error
    if len(data) > _MAX_BYTES:
        raise BodyLogError("is too large to be a body log (over 16 MB)", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BodyLogError(
            "is not a text spreadsheet (CSV in UTF-8); save it as CSV UTF-8 and try again",
            path=str(path),
        ) from error
    try:
        return parse_csv(text, today)
    except BodyLogError as error:
        raise BodyLogError(error.message, path=str(path)) from error


def parse_csv(text: str, today: date) -> Imported:
    """The entries of spreadsheet ``text`` (see the module's docstring for its columns).

    Raises:
        BodyLogError: It has no ``date`` column.
    """
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    names = [_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in header or []]
    if "date" not in names:
        raise BodyLogError(
            "has no date column: the first row must name the columns "
            "(date, kind, level, where, when, minutes, rpe, note)"
        )
    entries: list[Entry] = []
    rejected: list[tuple[int, str]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: cell.strip() for name, cell in zip(names, row, strict=False)}
        try:
            entries.append(_entry(values, today))
        except BodyLogError as error:
            rejected.append((number, error.message))
    return Imported(entries, rejected)


def _entry(values: dict[str, str], today: date) -> Entry:
    """One row's entry."""
    kind = values.get("kind", "").lower() or EntryKind.PAIN
    if kind == EntryKind.CHECK_IN:
        answers = [values.get(question.option, "") for question in QUESTIONS]
        return make_entry(kind, {**values, "answers": answers}, today)
    if kind == EntryKind.REMOVED:
        raise BodyLogError("a spreadsheet cannot remove entries; use loadwatch log remove")
    return make_entry(kind, dict(values), today)
