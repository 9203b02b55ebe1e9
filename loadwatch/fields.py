"""The fields loadwatch reports, each declared once: its kind, where it is shown, what it means.

Every per-week, per-activity and per-shoe field is one :class:`Field` of :data:`WEEK_FIELDS`,
:data:`ACTIVITY_FIELDS` or :data:`SHOE_FIELDS`, in the order the JSON (and the CSV) give them.
Everything else is derived from these: the metrics frames' column tuples (``WEEKLY_COLUMNS``,
``RISK_COLUMNS``, ``TIMELINE_COLUMNS``, ``SPIKE_COLUMNS``), the JSON keys, the CSV columns, the
page's table, the terminal table's headers and the field tables of ``docs/metrics.md``. A new
weekly field is one entry here plus the code that computes it. What a field is, and what a list
of fields gives each output, is :mod:`loadwatch.schema`'s; this module re-exports it.

This module imports nothing of loadwatch but :mod:`loadwatch.schema` and :mod:`loadwatch.vocab`:
the metrics, render and nightly stages all read it. :func:`docs_tables` gives the field tables
of ``docs/metrics.md``; ``LOADWATCH_UPDATE_DOCS=1 python -m pytest tests/test_fields.py`` puts
them in place.
"""

from __future__ import annotations

from loadwatch.schema import (
    Field,
    Frame,
    Kind,
    Output,
    columns,
    csv_columns,
    display_order,
    either,
    markdown_table,
    shown_in,
)
from loadwatch.vocab import Budget, Flag, NextWeekPart, Note, RiskLevel, SpikeBasis, Sport, Surface

#: The schema's types and functions, read from here by the stages (they live in ``schema``).
__all__ = [
    "ACTIVITY_FIELDS",
    "SHOE_FIELDS",
    "WEEK_FIELDS",
    "Field",
    "Frame",
    "Kind",
    "Output",
    "columns",
    "csv_columns",
    "display_order",
    "docs_tables",
    "markdown_table",
    "shown_in",
    "with_docs_tables",
]

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
    Field("flags", Kind.LIST, f"The flags raised: {either(Flag)} (joined by ; in the CSV).",
          shown=_ALL, frame=_WEEK, label="Flags"),
    Field("notes", Kind.LIST, f"Notes that leave the risk as it is: {either(Note)} (joined by ;"
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
    Field("risk", Kind.TEXT, f"The week's overuse risk: {either(RiskLevel)}.",
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
    Field("next_week", Kind.KM, "The newest week's budget for next week (see *Next week's budget*);"
          " null for older weeks.", shown=_DATA, per=NextWeekPart, needs="next_week_basis",
          null_unless="next_week_basis", member_kinds=(Kind.KM, Kind.COUNT, Kind.KM, Kind.LIST)),
    Field("intensity_source", Kind.TEXT, "Intensity's scale: heart_rate, pace_calibrated or pace"
          " (not compared with the others).", shown=_DATA, frame=_WEEK),
    *_BODY_WEEK_FIELDS,
)

#: The per-activity fields, in the JSON's order.
ACTIVITY_FIELDS: tuple[Field, ...] = (
    Field("start", Kind.TIME, "The local start time, with its offset from UTC.",
          shown=_JSON, label="Date", frame=_LINE),
    Field("sport", Kind.TEXT, f"What it was: {either(Sport)}. Only runs are load.",
          shown=_JSON, label="Sport", frame=_LINE),
    Field("sub_sport", Kind.TEXT, "The file's finer sport word, if any.", frame=_LINE),
    Field("surface", Kind.TEXT, "A run's surface class with the most distance; null for others.",
          shown=_JSON, label="Surface", frame=_LINE),
    Field("distance_km", Kind.KM, "The distance recorded (see *Per activity*).",
          shown=_JSON, label="{units}", frame=_LINE),
    Field("duration_s", Kind.SECONDS, "Timer time.", shown=_JSON, label="Time", frame=_LINE),
    Field("moving_s", Kind.SECONDS, "Time moving at 0.5 m/s or faster.", shown=_JSON,
          frame=_LINE),
    Field("elev_gain_m", Kind.METRES, "Elevation gain.", frame=_LINE),
    Field("avg_hr", Kind.BPM, "The moving-time-weighted mean heart rate.", shown=_JSON,
          label="HR", frame=_LINE),
    Field("intensity", Kind.RATIO, "How hard it was against threshold (1.00); null when unknown.",
          shown=_JSON, frame=_LINE),
    Field("hard_minutes", Kind.MINUTES, "Moving minutes at or above threshold.", frame=_LINE),
    Field("mean_speed_mps", Kind.SPEED, "The distance covered moving over the moving time.",
          label="Pace", frame=_LINE),
    Field("name", Kind.TEXT, "The activity's name in the file, if any.", shown=_JSON,
          frame=_LINE),
    Field("device", Kind.TEXT, "The recording device, if known.", frame=_LINE),
    Field("format", Kind.TEXT, "The file's format, in lower case (fit, gpx...).", frame=_LINE),
    Field("source", Kind.FILE, "The file in the folder (archive.zip/member inside a zip).",
          shown=_JSON, label="File", frame=_LINE),
    Field("load", Kind.TRIMP, "trimp, else (runs) session RPE × minutes when an effort is known,"
          " else the estimate from pace, else null.",
          shown=_JSON, frame=_LINE, needs="load"),
    Field("load_source", Kind.TEXT, "Where load came from: heart_rate, srpe_calibrated, srpe,"
          " pace_calibrated, pace or none.", shown=_JSON, frame=_LINE, needs="load"),
    Field("trimp", Kind.TRIMP, "Banister's TRIMP from heart rate; null without enough of it.",
          shown=_JSON, frame=_LINE, needs="load"),
    Field("spike_ratio", Kind.RATIO, "A run's distance over its reference (spike_ref_km);"
          " null when not judged.",
          shown=_JSON, frame=Frame.SPIKE, needs="spike_ratio"),
    Field("spike", Kind.TEXT, "A run's spike class: small, moderate or large; null for none.",
          shown=_JSON, label="Spike", frame=Frame.SPIKE, needs="spike_ratio"),
    Field("spike_ref_km", Kind.KM, "The distance a run was compared with.", frame=Frame.SPIKE),
    Field("spike_basis", Kind.TEXT, f"What the run was judged against: {either(SpikeBasis)};"
          " null when not judged.",
          shown=_JSON, frame=Frame.SPIKE, needs="spike_ratio"),
    Field("break_weeks", Kind.COUNT, "Whole weeks of the break before a run.", frame=Frame.SPIKE),
    Field("history_days", Kind.COUNT, "Whole days of records before a run.", frame=Frame.SPIKE),
    Field("gear", Kind.TEXT, "The shoe (or other gear), if known.",
          shown=_JSON, label="Shoe", frame=Frame.GEAR, needs="gear"),
    Field("shoe_km", Kind.KM, "A run's shoe's distance up to and including the run.",
          shown=_JSON, frame=Frame.GEAR, digits=1, needs="gear"),
    Field("shoe_limit_km", Kind.KM, "A run's shoe's distance limit.", frame=Frame.GEAR),
    Field("surface_km", Kind.KM, "A run's distance on each surface class; null for others.",
          shown=_JSON, frame=_LINE, per=Surface, null_unless="surface_source"),
    Field("surface_source", Kind.TEXT, "Where a run's surfaces came from: rule, metadata, map"
          " or none; null for others.",
          shown=_JSON, frame=_LINE),
    Field("intensity_source", Kind.TEXT, "Where intensity came from: heart_rate, pace_calibrated"
          " (pace on the runner's heart-rate scale), pace or none.", shown=_JSON, frame=_LINE),
    Field("rpe", Kind.SCORE, "The run's perceived effort (CR-10, 0-10) from the body log, else"
          " Strava's activities.csv; null when neither has one.",
          shown=_JSON, frame=Frame.BODY,
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
