"""The body log's entries, typed, and the checks every entry passes however it arrives.

One frozen dataclass per kind of entry (:class:`Pain`, :class:`Strength`, :class:`Effort`,
:class:`CheckIn`, and :class:`Removed`, the tombstone of another). The ``make_*`` functions
check what a runner typed (on the command line, in a spreadsheet, in the log file) and give the
entry or a :class:`BodyLogError` saying what is wrong and what to type instead. :func:`to_record`
and :func:`from_record` are an entry as one line of the log.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from typing import Any

from loadwatch.body import ostrc
from loadwatch.errors import LoadwatchError
from loadwatch.vocab import EntryKind, PainRegion, PainTiming

#: The version every line of the log carries; a newer one is refused, not misread.
FORMAT_VERSION = 1
#: The longest strength session taken as one (minutes): more is a typing slip.
MAX_MINUTES = 600.0


class BodyLogError(LoadwatchError):
    """An entry that cannot be logged or read, and why; ``line`` is its line in a file."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message, path=path)
        self.line = line

    def __str__(self) -> str:
        text = super().__str__()
        return text if self.line is None else f"line {self.line}: {text}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Pain:
    """A pain, 0-10, in one region, at one moment of the day (during, after, next morning...)."""

    day: date
    level: int
    region: PainRegion
    timing: PainTiming
    note: str = ""
    id: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class Strength:
    """A strength session: its minutes, and its effort (CR-10) if given."""

    day: date
    minutes: float
    rpe: float | None = None
    note: str = ""
    id: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class Effort:
    """The perceived effort (session RPE, CR-10) of a run: the run of ``day``, or the one that
    started at ``run_start`` when the day had several."""

    day: date
    rpe: float
    run_start: datetime | None = None
    note: str = ""
    id: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class CheckIn:
    """The weekly OSTRC-O2 check-in: four answers and their severity score, 0-100."""

    day: date
    answers: tuple[int, int, int, int]
    note: str = ""
    id: int = 0

    @property
    def score(self) -> int:
        """The severity score (:func:`loadwatch.body.ostrc.score`)."""
        return ostrc.score(self.answers)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Removed:
    """A tombstone: entry ``removes`` is no longer part of the log."""

    removes: int
    id: int = 0


Entry = Pain | Strength | Effort | CheckIn
Line = Entry | Removed

_KINDS: dict[type[Line], EntryKind] = {
    Pain: EntryKind.PAIN,
    Strength: EntryKind.STRENGTH,
    Effort: EntryKind.RPE,
    CheckIn: EntryKind.CHECK_IN,
    Removed: EntryKind.REMOVED,
}


def kind_of(entry: Line) -> EntryKind:
    """What ``entry`` is."""
    return _KINDS[type(entry)]


# --- checks -----------------------------------------------------------------------------------


def check_day(value: object, today: date) -> date:
    """A day that has happened: a date, or text such as ``2026-03-02``."""
    day: date | None = value if isinstance(value, date) else None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        raise BodyLogError(f"the date must be a day such as 2026-03-02 (YYYY-MM-DD), not {value!r}")
    if day > today:
        raise BodyLogError(
            f"{day.isoformat()} is in the future (today is {today.isoformat()}); "
            "log what has happened, or check --date"
        )
    return day


def check_level(value: object) -> int:
    """A pain level: a whole number from 0 (none) to 10 (the worst imaginable)."""
    number = _number(value)
    if number is None or number != int(number) or not 0 <= number <= 10:
        raise BodyLogError(
            f"the pain level must be a whole number from 0 (no pain) to 10 (the worst "
            f"imaginable), not {value!r}"
        )
    return int(number)


def check_rpe(value: object) -> float:
    """An effort on Borg's CR-10 scale: 0 (rest) to 10 (maximal), halves allowed."""
    number = _number(value)
    if number is None or not 0 <= number <= 10:
        raise BodyLogError(
            f"the effort (RPE) must be from 0 (rest) to 10 (maximal) on the CR-10 scale, "
            f"not {value!r}"
        )
    return number


def check_minutes(value: object) -> float:
    """A session's length in minutes: more than 0, at most :data:`MAX_MINUTES`."""
    number = _number(value)
    if number is None or not 0 < number <= MAX_MINUTES:
        raise BodyLogError(
            f"the minutes must be a number above 0 and at most {MAX_MINUTES:.0f}, not {value!r}"
        )
    return number


def check_region(value: object) -> PainRegion:
    """A region of :class:`~loadwatch.vocab.PainRegion` (any case, ``_`` or space for ``-``)."""
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    if text in set(PainRegion):
        return PainRegion(text)
    raise BodyLogError(
        f"unknown region {value!r}: choose one of {', '.join(PainRegion)}", path=None
    )


def check_timing(value: object) -> PainTiming:
    """A moment of :class:`~loadwatch.vocab.PainTiming` (any case, ``_`` or space for ``-``)."""
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    if text in set(PainTiming):
        return PainTiming(text)
    raise BodyLogError(
        f"unknown time {value!r} for the pain: choose one of {', '.join(PainTiming)}"
    )


def check_answers(values: tuple[object, ...]) -> tuple[int, int, int, int]:
    """The check-in's four answers, each within its question's range."""
    numbers = tuple(_number(value) for value in values)
    answers = tuple(int(n) if n is not None and n == int(n) else -1 for n in numbers)
    try:
        ostrc.score(answers)
    except ValueError as error:
        raise BodyLogError(f"the check-in's answers: {error}") from error
    first, second, third, fourth = answers
    return first, second, third, fourth


def _number(value: object) -> float | None:
    """``value`` as a finite number (text such as ``"4"`` too), else ``None``."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# --- the log's lines --------------------------------------------------------------------------


def to_record(entry: Line) -> dict[str, Any]:
    """``entry`` as the JSON object of its line in the log."""
    record: dict[str, Any] = {"version": FORMAT_VERSION, "id": entry.id, "kind": kind_of(entry)}
    if isinstance(entry, Removed):
        return {**record, "removes": entry.removes}
    record["date"] = entry.day.isoformat()
    if isinstance(entry, Pain):
        record.update(level=entry.level, where=entry.region, when=entry.timing)
    elif isinstance(entry, Strength):
        record.update(minutes=entry.minutes, rpe=entry.rpe)
    elif isinstance(entry, Effort):
        start = entry.run_start
        record.update(rpe=entry.rpe, run=None if start is None else start.isoformat())
    else:
        record.update(answers=list(entry.answers), score=entry.score)
    if entry.note:
        record["note"] = entry.note
    return record


def from_record(record: object, today: date) -> Line:
    """The entry a line's JSON object holds, checked as a typed one is.

    Raises:
        BodyLogError: What is wrong with it (a newer version, an unknown kind, a bad value).
    """
    if not isinstance(record, dict):
        raise BodyLogError("not an entry (a JSON object was expected)")
    version = record.get("version")
    if version != FORMAT_VERSION:
        raise BodyLogError(
            f"written in format version {version!r}, which this loadwatch does not read "
            f"(it reads {FORMAT_VERSION}); update loadwatch"
        )
    ident = record.get("id")
    if isinstance(ident, bool) or not isinstance(ident, int) or ident < 1:
        raise BodyLogError(f"the id must be a whole number from 1, not {ident!r}")
    kind = record.get("kind")
    if kind == EntryKind.REMOVED:
        removes = record.get("removes")
        if isinstance(removes, bool) or not isinstance(removes, int):
            raise BodyLogError(f"a removal must name an entry's id, not {removes!r}")
        return Removed(removes=removes, id=ident)
    entry = make_entry(str(kind), record, today)
    return dataclasses.replace(entry, id=ident)


def make_entry(kind: str, values: dict[str, Any], today: date) -> Entry:
    """An entry of ``kind`` from its values by their names in the log (``date``, ``level``,
    ``where``, ``when``, ``minutes``, ``rpe``, ``run``, ``answers``, ``note``), checked.

    Raises:
        BodyLogError: An unknown kind, or a value that cannot be used.
    """
    day = check_day(values.get("date"), today)
    note = str(values.get("note") or "").strip()
    if kind == EntryKind.PAIN:
        return Pain(
            day=day,
            level=check_level(values.get("level")),
            region=check_region(values.get("where")),
            timing=check_timing(values.get("when")),
            note=note,
        )
    if kind == EntryKind.STRENGTH:
        rpe = values.get("rpe")
        return Strength(
            day=day,
            minutes=check_minutes(values.get("minutes")),
            rpe=None if rpe in (None, "") else check_rpe(rpe),
            note=note,
        )
    if kind == EntryKind.RPE:
        return Effort(
            day=day,
            rpe=check_rpe(values.get("rpe")),
            run_start=_start(values.get("run")),
            note=note,
        )
    if kind == EntryKind.CHECK_IN:
        answers = values.get("answers")
        if not isinstance(answers, list | tuple):
            raise BodyLogError("a check-in needs its four answers")
        return CheckIn(day=day, answers=check_answers(tuple(answers)), note=note)
    kinds = ", ".join(k for k in EntryKind if k is not EntryKind.REMOVED)
    raise BodyLogError(f"unknown kind of entry {kind!r}: one of {kinds}")


def _start(value: object) -> datetime | None:
    """A run's start as the log keeps it (ISO 8601), or ``None``."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as error:
        raise BodyLogError(
            f"the run's start must be a time such as 2026-03-02T07:30, not {value!r}"
        ) from error
