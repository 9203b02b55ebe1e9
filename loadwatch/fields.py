"""The fields loadwatch reports, each declared once: its kind, where it is shown, what it means.

Every per-week, per-activity and per-shoe field is one :class:`Field` of :data:`WEEK_FIELDS`,
:data:`ACTIVITY_FIELDS` or :data:`SHOE_FIELDS`, in the order the JSON (and the CSV) give them.
Everything else is derived from these: the metrics frames' column tuples (``WEEKLY_COLUMNS``,
``RISK_COLUMNS``, ``TIMELINE_COLUMNS``, ``SPIKE_COLUMNS``), the JSON keys, the CSV columns, the
page's table, the terminal table's headers and the field tables of ``docs/metrics.md``. A new
weekly field is one entry here plus the code that computes it.

This module imports nothing of loadwatch but :mod:`loadwatch.vocab`: the metrics, render and
nightly stages all read it. :func:`docs_tables` gives the field tables of ``docs/metrics.md``;
``LOADWATCH_UPDATE_DOCS=1 python -m pytest tests/test_fields.py`` puts them in place.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Sequence

from loadwatch.vocab import Flag, Note, RiskLevel, Sport, Surface


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
    #: :func:`loadwatch.metrics.risk.add_spikes` adds ``SPIKE_COLUMNS`` to the timeline.
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

    @property
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


def _either(members: Iterable[str]) -> str:
    """``a, b or c``."""
    names = [str(m) for m in members]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


class Budget(enum.StrEnum):
    """What a week can still add within the rule: the members of ``remaining``."""

    KM = "km"
    RUNS = "runs"


_ALL = frozenset(Output)
_DATA = frozenset({Output.JSON, Output.CSV})
_JSON = frozenset({Output.JSON})
_WEEK, _RISK, _LINE = Frame.WEEKLY, Frame.RISK, Frame.TIMELINE

# fmt: off
#: The body log's weekly fields (issue 12, ``docs/body-log.md``), last in the weekly order.
_BODY_WEEK_FIELDS: tuple[Field, ...] = (
    Field("pain_max", Kind.SCORE, "The highest pain logged in the week, 0-10; null without a"
          " pain entry.", shown=_DATA, frame=Frame.BODY, needs="pain_days", digits=0),
    Field("pain_days", Kind.COUNT, "Days of the week with a pain of 1 or more logged.",
          shown=_DATA, frame=Frame.BODY, needs="pain_days"),
    Field("pain_regions", Kind.LIST, "The regions with a pain of 1 or more logged, most painful"
          " first (joined by ; in the CSV).", shown=_DATA, frame=Frame.BODY, needs="pain_days"),
    Field("ostrc_severity", Kind.SCORE, "The week's OSTRC-O2 severity score, 0-100 (the highest"
          " if several); null without a check-in.",
          shown=_DATA, frame=Frame.BODY, needs="pain_days", digits=0),
    Field("srpe_load", Kind.SCORE, "Session RPE × minutes of the runs and logged strength"
          " sessions with an effort (Foster et al. 2001); null without one.",
          shown=_DATA, frame=Frame.BODY, needs="pain_days", digits=0),
)

#: The weekly fields, in the JSON's and the CSV's order.
WEEK_FIELDS: tuple[Field, ...] = (
    Field("week_start", Kind.DATE, "The local date the week begins on (see *Weeks*).",
          shown=_ALL, frame=_WEEK, index=True, label="Week of"),
    Field("runs", Kind.COUNT, "Runs that started in the week.",
          shown=_ALL, frame=_WEEK, label="Runs"),
    Field("distance_km", Kind.KM, "The week's running distance.",
          shown=_ALL, frame=_WEEK, label="{units}"),
    Field("duration_s", Kind.SECONDS, "The runs' timer time (the tables show h:mm).",
          shown=_ALL, frame=_WEEK, label="Time"),
    Field("moving_s", Kind.SECONDS, "The runs' moving time.", frame=_WEEK),
    Field("intensity", Kind.RATIO,
          "The moving-time-weighted mean intensity of the runs that have one (1.00 = threshold).",
          shown=_ALL, frame=_WEEK, label="Int", heading="Intensity"),
    Field("hard_minutes", Kind.MINUTES, "Moving minutes at or above threshold.",
          shown=_ALL, frame=_WEEK, label="Hard", heading="Hard min"),
    Field("elev_gain_m", Kind.METRES, "The runs' elevation gain.", shown=_DATA, frame=_WEEK),
    Field("distance_change", Kind.FRACTION,
          "The change in distance from the week before (0.10 = +10%); null after a week"
          " without runs.",
          shown=_ALL, frame=_WEEK, change_of="distance_km", label="Δ", heading="Δ {units}"),
    Field("runs_change", Kind.FRACTION, "The change in the number of runs from the week before.",
          shown=_DATA, frame=_WEEK, change_of="runs"),
    Field("intensity_change", Kind.FRACTION, "The change in intensity from the week before.",
          shown=_ALL, frame=_WEEK, change_of="intensity", label="Δ"),
    Field("distance_cap_km", Kind.KM,
          "The week before's distance × (1 + threshold): the most within the rule.", frame=_WEEK),
    Field("surface_km", Kind.KM,
          "The distance on each surface class (the table shows the main one and its share).",
          shown=_ALL, frame=_WEEK, per=Surface, label="Surface", heading="{member} {units}"),
    Field("flags", Kind.LIST, f"The flags raised: {_either(Flag)} (joined by ; in the CSV).",
          shown=_ALL, frame=_WEEK, label="Flags"),
    Field("notes", Kind.LIST, f"Notes that leave the risk as it is: {_either(Note)} (joined by ;"
          " in the CSV).",
          shown=_ALL, frame=_WEEK, heading="Notes"),
    Field("load", Kind.TRIMP, "The sum of the runs' loads; null when none of them has one, 0"
          " for a week without runs.", shown=_DATA, frame=_RISK, needs="risk"),
    Field("basis_load", Kind.BASIS, "The week's load in the risk measures' basis (risk.load).",
          frame=_RISK, needs="risk"),
    Field("acwr", Kind.RATIO, "The week's basis load over the mean of the 3 calendar weeks"
          " before; null for the first 3 weeks.", shown=_DATA, frame=_RISK, needs="risk"),
    Field("acwr_ewma", Kind.RATIO, "The acute (7-day) over the chronic (28-day) exponentially"
          " weighted daily load, on the week's last day.",
          shown=_DATA, frame=_RISK, needs="risk"),
    Field("monotony", Kind.RATIO, "The mean daily basis load over its standard deviation;"
          " null without load and when unbounded.",
          shown=_DATA, frame=_RISK, needs="risk"),
    Field("strain", Kind.BASIS, "The week's basis load × its monotony; null when unbounded.",
          shown=_DATA, frame=_RISK, needs="risk"),
    Field("max_spike", Kind.TEXT, "The largest spike class of the week's runs: small, moderate"
          " or large; null without a spike.",
          shown=_DATA, frame=_RISK, needs="risk"),
    Field("max_spike_ratio", Kind.RATIO, "The largest spike ratio of the week's runs.",
          shown=_DATA, frame=_RISK, needs="risk"),
    Field("strength_sessions", Kind.COUNT, "Strength sessions in the week: recorded activities,"
          " and sessions logged on days without a recorded one.",
          shown=_DATA, frame=_RISK, needs="risk"),
    Field("risk", Kind.TEXT, f"The week's overuse risk: {_either(RiskLevel)}.",
          shown=_DATA | {Output.TABLE}, frame=_RISK, needs="risk"),
    Field("risk_reasons", Kind.LIST, "What set the risk level (see *Risk level*); empty when low"
          " (joined by ; in the CSV).", shown=_DATA, frame=_RISK, needs="risk"),
    Field("spike_runs", Kind.LIST, "(day in the week, km, class) of each spike run, for the chart.",
          frame=_RISK, needs="risk"),
    Field("advice", Kind.LIST, "The newest week's advice, distances in km (the table and the page"
          " print it below the weeks); empty for older weeks.", shown=_JSON, needs="risk"),
    Field("complete", Kind.BOOL, "Whether the week is over on as_of: false only for the week in"
          " progress (see *The week in progress*).", shown=_DATA, frame=_WEEK),
    Field("days_elapsed", Kind.COUNT, "Days of the week up to as_of, 1 to 7; 7 for a complete"
          " week.", shown=_DATA, frame=_WEEK),
    Field("remaining", Kind.KM, "The newest week's room within the rule: km and runs it can"
          " still add (0 when past); null for older weeks.", shown=_DATA, frame=_WEEK,
          per=Budget, null_unless="remaining_km"),
    *_BODY_WEEK_FIELDS,
)

#: The per-activity fields, in the JSON's order.
ACTIVITY_FIELDS: tuple[Field, ...] = (
    Field("start", Kind.TIME, "The local start time, with its offset from UTC.",
          shown=_JSON, frame=_LINE),
    Field("sport", Kind.TEXT, f"What it was: {_either(Sport)}. Only runs are load.",
          shown=_JSON, frame=_LINE),
    Field("sub_sport", Kind.TEXT, "The file's finer sport word, if any.", frame=_LINE),
    Field("surface", Kind.TEXT, "A run's surface class with the most distance; null for others.",
          shown=_JSON, frame=_LINE),
    Field("distance_km", Kind.KM, "The distance recorded (see *Per activity*).",
          shown=_JSON, frame=_LINE),
    Field("duration_s", Kind.SECONDS, "Timer time.", shown=_JSON, frame=_LINE),
    Field("moving_s", Kind.SECONDS, "Time moving at 0.5 m/s or faster.", frame=_LINE),
    Field("elev_gain_m", Kind.METRES, "Elevation gain.", frame=_LINE),
    Field("avg_hr", Kind.BPM, "The moving-time-weighted mean heart rate.", frame=_LINE),
    Field("intensity", Kind.RATIO, "How hard it was against threshold (1.00); null when unknown.",
          shown=_JSON, frame=_LINE),
    Field("hard_minutes", Kind.MINUTES, "Moving minutes at or above threshold.", frame=_LINE),
    Field("mean_speed_mps", Kind.SPEED, "The distance covered moving over the moving time.",
          frame=_LINE),
    Field("name", Kind.TEXT, "The activity's name in the file, if any.", frame=_LINE),
    Field("device", Kind.TEXT, "The recording device, if known.", frame=_LINE),
    Field("format", Kind.TEXT, "The file's format, in lower case (fit, gpx...).", frame=_LINE),
    Field("source", Kind.FILE, "The file in the folder (archive.zip/member inside a zip).",
          shown=_JSON, frame=_LINE),
    Field("load", Kind.TRIMP, "trimp, else (runs) the estimate from pace, else null.",
          shown=_JSON, frame=_LINE, needs="load"),
    Field("load_source", Kind.TEXT, "Where load came from: heart_rate, pace or none.",
          shown=_JSON, frame=_LINE, needs="load"),
    Field("trimp", Kind.TRIMP, "Banister's TRIMP from heart rate; null without enough of it.",
          shown=_JSON, frame=_LINE, needs="load"),
    Field("spike_ratio", Kind.RATIO, "A run's distance over the longest run of the 30 days"
          " before; null when not judged.",
          shown=_JSON, frame=Frame.SPIKE, needs="spike_ratio"),
    Field("spike", Kind.TEXT, "A run's spike class: small, moderate or large; null for none.",
          shown=_JSON, frame=Frame.SPIKE, needs="spike_ratio"),
    Field("spike_ref_km", Kind.KM, "The longest run of the 30 days before.", frame=Frame.SPIKE),
    Field("gear", Kind.TEXT, "The shoe (or other gear), if known.",
          shown=_JSON, frame=Frame.GEAR, needs="gear"),
    Field("shoe_km", Kind.KM, "A run's shoe's distance up to and including the run.",
          shown=_JSON, frame=Frame.GEAR, digits=1, needs="gear"),
    Field("shoe_limit_km", Kind.KM, "A run's shoe's distance limit.", frame=Frame.GEAR),
    Field("surface_km", Kind.KM, "A run's distance on each surface class; null for others.",
          shown=_JSON, frame=_LINE, per=Surface, null_unless="surface_source"),
    Field("surface_source", Kind.TEXT, "Where a run's surfaces came from: rule, metadata, map"
          " or none; null for others.",
          shown=_JSON, frame=_LINE),
    Field("rpe", Kind.SCORE, "The run's perceived effort (session RPE, CR-10 scale 0-10) from"
          " the body log; null when none was logged.", shown=_JSON, frame=Frame.BODY,
          needs="rpe"),
)

#: The fields of each shoe in the JSON's ``shoes``.
SHOE_FIELDS: tuple[Field, ...] = (
    Field("name", Kind.TEXT, "The pair's name.", shown=_JSON),
    Field("runs", Kind.COUNT, "Runs in it.", shown=_JSON),
    Field("distance_km", Kind.KM, "Their distance.", shown=_JSON, digits=1),
    Field("limit_km", Kind.KM, "Its distance limit.", shown=_JSON, digits=1),
    Field("worn", Kind.BOOL, "Whether it has gone past its limit.", shown=_JSON),
    Field("first_run", Kind.DATE, "The local date of its first run.", shown=_JSON),
    Field("last_run", Kind.DATE, "The local date of its last run.", shown=_JSON),
)
# fmt: on


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


_BEGIN = "<!-- fields: begin -->"
_END = "<!-- fields: end -->"


def docs_tables() -> str:
    """The field tables of ``docs/metrics.md``, between their markers."""
    return "\n".join(
        [
            _BEGIN,
            "### Each week (`weeks[]`, the CSV's rows)\n",
            markdown_table(WEEK_FIELDS),
            "### Each activity (`activities[]`)\n",
            markdown_table(ACTIVITY_FIELDS),
            "### Each shoe (`shoes[]`)\n",
            markdown_table(SHOE_FIELDS),
            _END,
        ]
    )


def with_docs_tables(text: str) -> str:
    """``text`` (``docs/metrics.md``) with its field tables replaced by :func:`docs_tables`.

    Raises:
        ValueError: ``text`` lacks the begin and end markers.
    """
    begin, end = text.find(_BEGIN), text.find(_END)
    if begin < 0 or end < begin:
        raise ValueError(f"the field tables' markers are missing: {_BEGIN} ... {_END}")
    return text[:begin] + docs_tables() + text[end + len(_END) :]
