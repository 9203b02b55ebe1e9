"""The field schema's types: what a field is, where it is shown, and what a list of them gives.

:class:`Field` describes one reported field: its kind (and so its unit and digits), where it is
shown, the frame it is a column of. The functions here derive from any list of fields what each
output needs: a frame's columns, the CSV header, the tables' order, a Markdown table for the
docs. The fields themselves are declared once, in :mod:`loadwatch.fields`.

This module imports nothing of loadwatch: every stage may read it.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterable, Sequence


class Output(enum.StrEnum):
    """Where a field is shown (the Python frames aside, which hold every field of theirs)."""

    JSON = "JSON"
    CSV = "CSV"
    #: The terminal table of ``loadwatch analyze``.
    TABLE = "table"
    #: The week-by-week table of ``index.html``.
    PAGE = "page"


class Frame(enum.StrEnum):
    """The metrics frame a field is a column of, each with its column tuple."""

    #: :func:`loadwatch.metrics.weekly.weekly`: ``WEEKLY_COLUMNS``, indexed by ``week_start``.
    WEEKLY = "weekly"
    #: :func:`loadwatch.metrics.risk.risk_weeks` adds ``RISK_COLUMNS`` to the weekly frame.
    RISK = "risk"
    #: :func:`loadwatch.metrics.timeline.build_timeline`: ``TIMELINE_COLUMNS``.
    TIMELINE = "timeline"
    #: :func:`loadwatch.metrics.spikes.add_spikes` adds ``SPIKE_COLUMNS`` to the timeline.
    SPIKE = "spike"
    #: :func:`loadwatch.metrics.shoes.assign_gear` adds ``GEAR_TIMELINE_COLUMNS``.
    GEAR = "gear"
    #: :mod:`loadwatch.metrics.body` adds the body log's columns to the weekly frame
    #: (``BODY_WEEK_COLUMNS``) and to the timeline (``BODY_TIMELINE_COLUMNS``).
    BODY = "body"


class Kind(enum.StrEnum):
    """What a field's values are: a number in a unit, or text, a list, a date..."""

    COUNT = "count"
    KM = "km"
    METRES = "m"
    SECONDS = "s"
    MINUTES = "min"
    BPM = "bpm"
    SPEED = "m/s"
    #: One figure over another; 1.00 is "the same".
    RATIO = "ratio"
    #: A change: 0.10 is +10%.
    FRACTION = "fraction"
    TRIMP = "TRIMP"
    #: A score on a scale of its own: pain 0-10, effort (CR-10) 0-10, OSTRC 0-100, sRPE.
    SCORE = "score"
    #: A load in the basis chosen with ``--load``.
    BASIS = "km, h, TRIMP or sRPE"
    TEXT = "text"
    #: A file's label in the folder, shown as :func:`loadwatch.labels.shown` writes it.
    FILE = "file"
    LIST = "list"
    DATE = "date"
    TIME = "time"
    BOOL = "true/false"

    @property
    def is_number(self) -> bool:
        """Whether values of this kind are numbers (rounded in the JSON, null when unknown)."""
        return self in _NUMBER_DIGITS


#: Digits the JSON keeps of each kind of number, unless a field says otherwise.
_NUMBER_DIGITS: dict[Kind, int] = {
    Kind.COUNT: 0,
    Kind.KM: 3,
    Kind.METRES: 1,
    Kind.SECONDS: 1,
    Kind.MINUTES: 1,
    Kind.BPM: 1,
    Kind.SPEED: 3,
    Kind.RATIO: 3,
    Kind.FRACTION: 4,
    Kind.TRIMP: 1,
    Kind.BASIS: 1,
    Kind.SCORE: 1,
}
#: Kinds that are a quantity in a unit (their value is the unit).
_WITH_UNIT = frozenset(_NUMBER_DIGITS) - {Kind.COUNT, Kind.RATIO, Kind.FRACTION, Kind.SCORE}
_NOWHERE: frozenset[Output] = frozenset()


@dataclasses.dataclass(frozen=True)
class Field:
    """One field: a column of a frame, a key of the JSON, maybe a CSV column and a table's.

    Attributes:
        name: The frame column, JSON key and CSV column.
        kind: What its values are (and so their unit and how they are written).
        definition: One line saying what it is, for the docs' field table.
        shown: Where it appears besides the frame.
        frame: The frame it is a column of; ``None`` for one added later (``advice``).
        label: The terminal table's header; ``{units}`` stands for ``km`` or ``mi``.
        heading: The page table's header, when it differs from ``label``; ``{member}`` stands
            for the member of ``per``.
        digits: Digits the JSON keeps, when not the kind's usual ones.
        per: One value per member of this enum (``surface_km_road``, ``surface_km_trail``...,
            a ``surface_km`` object in the JSON).
        needs: The JSON and CSV carry it only when the frame has this column (a frame made
            without that step of the analysis lacks it).
        null_unless: The JSON gives ``null`` for it where this column holds no value.
        change_of: The field whose week-on-week change this is; tables show it beside that one.
        index: It is its frame's index, not a column.
        member_kinds: Each member's kind, in order, when they differ (``next_week``).
    """

    name: str
    kind: Kind
    definition: str
    shown: frozenset[Output] = _NOWHERE
    frame: Frame | None = None
    label: str = ""
    heading: str = ""
    digits: int | None = None
    per: type[enum.StrEnum] | None = None
    needs: str | None = None
    null_unless: str | None = None
    change_of: str | None = None
    index: bool = False
    member_kinds: tuple[Kind, ...] = ()

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        """Its frame (and CSV) columns: its name, or one ``name_member`` per member of ``per``."""
        if self.per is None:
            return (self.name,)
        return tuple(f"{self.name}_{member}" for member in self.per)

    @property
    def unit(self) -> str:
        """Its unit (``km``, ``s``...), or ``""`` for a ratio, a count, text..."""
        return self.kind.value if self.kind in _WITH_UNIT else ""

    @property
    def precision(self) -> int:
        """Digits the JSON keeps (numbers only)."""
        return self.digits if self.digits is not None else _NUMBER_DIGITS.get(self.kind, 0)

    def header(self, output: Output, *, units: str = "km", member: str = "") -> str:
        """Its header in the terminal table or on the page, for distances in ``units``."""
        text = self.heading if output is Output.PAGE and self.heading else self.label
        return text.format(units=units, member=member)


def either(members: Iterable[str]) -> str:
    """``a, b or c``: the members of a vocabulary, for a definition."""
    names = [str(m) for m in members]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def columns(fields: Sequence[Field], frame: Frame) -> tuple[str, ...]:
    """The columns ``frame``'s fields give it, in order (its index aside)."""
    return tuple(c for f in fields if f.frame is frame and not f.index for c in f.columns)


def shown_in(fields: Sequence[Field], output: Output) -> tuple[Field, ...]:
    """The fields ``output`` shows, in schema order."""
    return tuple(f for f in fields if output in f.shown)


def csv_columns(fields: Sequence[Field], *, needs: str | None = None) -> tuple[str, ...]:
    """The CSV header (per-member fields flattened), or the part of it that ``needs`` a column."""
    chosen = [f for f in shown_in(fields, Output.CSV) if needs is None or f.needs == needs]
    return tuple(c for f in chosen for c in f.columns)


def display_order(fields: Sequence[Field]) -> tuple[Field, ...]:
    """``fields`` as the tables show them: schema order, each change right after its field."""
    placed = [f for f in fields if f.change_of is None]
    for change in (f for f in fields if f.change_of is not None):
        after = next((k for k, f in enumerate(placed) if f.name == change.change_of), None)
        placed.insert(len(placed) if after is None else after + 1, change)
    return tuple(placed)


def markdown_table(fields: Sequence[Field]) -> str:
    """A Markdown table of ``fields``: name, kind, where shown (with headers), definition."""
    lines = ["| field | kind | in | definition |", "|---|---|---|---|"]
    for f in fields:
        kind = f"{f.kind} per {f.per.__name__.lower()}" if f.per is not None else str(f.kind)
        if f.member_kinds:
            each = zip(f.per or (), f.member_kinds, strict=True)
            kind = f"{f.kind} (an object: {', '.join(f'{m} {k}' for m, k in each)})"
        cells = (f"`{f.name}`", kind, _where(f), f.definition)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def _where(f: Field) -> str:
    """Where ``f`` is shown, with its table headers: ``JSON, CSV, table `Int`, page``."""
    if not f.shown:
        return "frame only"
    parts = []
    for output in Output:
        if output not in f.shown:
            continue
        each = output is Output.PAGE and f.per is not None  # one column per member
        header = f.header(output, member=next(iter(f.per), "") if f.per else "")
        if output in (Output.TABLE, Output.PAGE) and header:
            parts.append(f"{output} `{header}`" + (" …" if each else ""))
        else:
            parts.append(str(output))
    return ", ".join(parts)
