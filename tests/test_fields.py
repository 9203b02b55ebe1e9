"""The field schema: the docs' field tables, the frames, JSON, CSV, table and page all follow it.

Regenerate the field tables of ``docs/metrics.md`` after changing a field in
``loadwatch/fields.py`` with: ``LOADWATCH_UPDATE_DOCS=1 python -m pytest tests/test_fields.py``
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from factories import gpx

from loadwatch import fields
from loadwatch.analysis import analyze
from loadwatch.fields import (
    ACTIVITY_FIELDS,
    SHOE_FIELDS,
    WEEK_FIELDS,
    Field,
    Frame,
    Kind,
    Output,
    columns,
    csv_columns,
    display_order,
    shown_in,
)
from loadwatch.metrics.risk import RISK_COLUMNS, SPIKE_COLUMNS
from loadwatch.metrics.shoes import GEAR_TIMELINE_COLUMNS
from loadwatch.metrics.timeline import TIMELINE_COLUMNS
from loadwatch.metrics.weekly import WEEKLY_COLUMNS, weekly
from loadwatch.model import Analysis
from loadwatch.render import data, page_weeks, table
from loadwatch.render.data import activity_records, to_csv, to_json, week_records
from loadwatch.render.page import render_index
from loadwatch.render.table import render_table
from loadwatch.vocab import Surface

ROOT = Path(__file__).resolve().parent.parent
METRICS = ROOT / "docs" / "metrics.md"
MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
ALL = frozenset(Output)


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """Five weeks of runs in a shoe past its limit, and a strength session: every field set."""
    folder = tmp_path_factory.mktemp("runs")
    for week, minutes in enumerate((30, 30, 33, 30, 60)):
        start = MONDAY + timedelta(weeks=week)
        (folder / f"run{week}.gpx").write_text(gpx(start, minutes=minutes, step_s=10))
    strength = MONDAY + timedelta(days=2, hours=10)
    (folder / "gym.gpx").write_text(gpx(strength, minutes=20, type_="strength_training"))
    (folder / "loadwatch.toml").write_text(
        'timezone = "UTC"\n[[shoes]]\nname = "Pegasus"\nfirst_day = 2026-05-01\nlimit_km = 20\n'
    )
    return analyze(folder, config=folder / "loadwatch.toml")


#: Weekly CSV columns of the risk measures, after the 10%-rule ones.
RISK_CSV_FIELDS = csv_columns(WEEK_FIELDS, needs="risk")


def _names(chosen: tuple[Field, ...]) -> list[str]:
    return [f.name for f in chosen]


# --- the docs -------------------------------------------------------------------------------


def test_docs_field_tables_are_current() -> None:
    """docs/metrics.md holds the field tables the schema gives, between their markers."""
    text = METRICS.read_text(encoding="utf-8")
    expected = fields.with_docs_tables(text)
    if os.environ.get("LOADWATCH_UPDATE_DOCS"):
        METRICS.write_text(expected, encoding="utf-8")
        text = expected
    assert text == expected, (
        "docs/metrics.md's field tables differ from loadwatch/fields.py: regenerate them with "
        "LOADWATCH_UPDATE_DOCS=1 python -m pytest tests/test_fields.py"
    )
    for f in (*WEEK_FIELDS, *ACTIVITY_FIELDS):
        assert f"| `{f.name}` | {f.kind}" in text


def test_docs_tables_need_their_markers() -> None:
    """A docs page without the markers is an error, not a page with the tables dropped in."""
    with pytest.raises(ValueError, match="markers are missing"):
        fields.with_docs_tables("# Metrics\n\nno tables here\n")


def test_a_definition_is_one_line_the_table_can_hold() -> None:
    """Each definition is one sentence-like line, without the table's own separator."""
    for f in (*WEEK_FIELDS, *ACTIVITY_FIELDS, *SHOE_FIELDS):
        assert f.definition.endswith("."), f.name
        assert "\n" not in f.definition and "|" not in f.definition, f.name
        assert len(f.definition) <= 120, f"{f.name}: keep it short, docs/metrics.md says more"


def test_markdown_escapes_a_pipe() -> None:
    """A pipe in a definition does not open a new column in the docs."""
    odd = Field("odd", Kind.TEXT, "a | b.", shown=frozenset({Output.JSON}))
    assert markdown_row(odd) == "| `odd` | text | JSON | a \\| b. |"


def markdown_row(f: Field) -> str:
    return fields.markdown_table([f]).splitlines()[2]


# --- the schema itself ----------------------------------------------------------------------


def test_names_are_unique_and_every_shown_column_has_a_header() -> None:
    """One field per name in each collection; table and page columns have headers."""
    for collection in (WEEK_FIELDS, ACTIVITY_FIELDS, SHOE_FIELDS):
        names = _names(collection)
        assert len(names) == len(set(names))
    for f in shown_in(WEEK_FIELDS, Output.PAGE):
        assert f.header(Output.PAGE, units="mi", member="road"), f.name
    # The table's number columns all have a label and a width; the rest share the Flags column.
    for f in table.CELLS:
        assert f.header(Output.TABLE), f.name
        assert f.name in table.WIDTHS, f"{f.name}: give it a width in render/table.py"
        assert len(f.header(Output.TABLE, units="mi")) <= table.WIDTHS[f.name]


def test_a_field_s_unit_is_its_kind_s() -> None:
    """Quantities carry their unit; ratios, counts and text have none."""
    units = {f.name: f.unit for f in WEEK_FIELDS}
    assert units["distance_km"] == "km" and units["duration_s"] == "s"
    assert units["hard_minutes"] == "min" and units["load"] == "TRIMP"
    assert units["intensity"] == units["runs"] == units["flags"] == ""
    assert Field("x", Kind.BASIS, "X.").unit == "km, h, TRIMP or sRPE"


def test_every_kind_can_be_written() -> None:
    """The JSON writer knows every kind of field (a new kind needs a way to be written)."""
    samples = {
        Kind.COUNT: 3,
        Kind.TEXT: "x",
        Kind.FILE: "a.fit",
        Kind.LIST: ("a",),
        Kind.DATE: date(2026, 6, 1),
        Kind.TIME: pd.Timestamp("2026-06-01T07:00", tz="UTC"),
        Kind.BOOL: True,
    }
    for kind in Kind:
        f = Field("x", kind, "X.")
        written = data.value(f, {"x": samples.get(kind, 1.23456)})
        json.dumps(written, allow_nan=False)
        if kind.is_number and kind is not Kind.COUNT:
            assert written == round(1.23456, f.precision)
    assert data.value(Field("x", Kind.KM, "X."), {"x": math.inf}) is None
    assert data.value(Field("x", Kind.KM, "X."), {"x": -0.0}) == 0.0


def test_a_field_without_needs_must_be_in_the_frame() -> None:
    """A required field missing from a row is a KeyError, not a silent null."""
    with pytest.raises(KeyError):
        data.value(Field("runs", Kind.COUNT, "Runs."), {})


def test_display_order_puts_each_change_beside_its_field() -> None:
    """Changes follow their measure; a change whose measure is not shown goes last."""
    a, b = Field("a", Kind.KM, "A."), Field("b", Kind.KM, "B.")
    a_change = Field("a_change", Kind.FRACTION, "A's.", change_of="a")
    lost = Field("c_change", Kind.FRACTION, "C's.", change_of="c")
    assert _names(display_order([a, b, lost, a_change])) == ["a", "a_change", "b", "c_change"]
    page_order = _names(display_order(shown_in(WEEK_FIELDS, Output.PAGE)))
    assert page_order[:5] == ["week_start", "runs", "distance_km", "distance_change", "duration_s"]


# --- frames ---------------------------------------------------------------------------------


def test_frame_column_tuples_are_the_schema_s() -> None:
    """The metrics' column tuples, and shoes' hand-kept one, are the schema's frames."""
    assert columns(WEEK_FIELDS, Frame.WEEKLY) == WEEKLY_COLUMNS
    assert columns(WEEK_FIELDS, Frame.RISK) == RISK_COLUMNS
    assert columns(ACTIVITY_FIELDS, Frame.TIMELINE) == TIMELINE_COLUMNS
    assert columns(ACTIVITY_FIELDS, Frame.SPIKE) == SPIKE_COLUMNS
    assert columns(ACTIVITY_FIELDS, Frame.GEAR) == GEAR_TIMELINE_COLUMNS
    assert "week_start" not in WEEKLY_COLUMNS  # the index, not a column
    assert [c for c in WEEKLY_COLUMNS if c.startswith("surface_km_")] == [
        f"surface_km_{s}" for s in Surface
    ]


def test_the_frames_hold_exactly_the_declared_columns(analysis: Analysis) -> None:
    """Every column the analysis computes is declared, and every declared one is computed."""
    week_frames = (Frame.WEEKLY, Frame.RISK, Frame.BODY)
    declared_weeks = {c for frame in week_frames for c in columns(WEEK_FIELDS, frame)}
    budget = {c for f in WEEK_FIELDS if f.name == "next_week" for c in f.columns}
    assert set(analysis.weeks.columns) == declared_weeks | {"advice"} | budget
    assert analysis.weeks.index.name == "week_start"
    line_frames = (Frame.TIMELINE, Frame.SPIKE, Frame.GEAR, Frame.BODY)
    declared_line = {c for frame in line_frames for c in columns(ACTIVITY_FIELDS, frame)}
    assert set(analysis.timeline.columns) == declared_line
    assert list(weekly(analysis.timeline).columns) == list(WEEKLY_COLUMNS)


# --- JSON and CSV ---------------------------------------------------------------------------


def test_json_keys_come_from_the_schema_in_its_order(analysis: Analysis) -> None:
    """weeks[], activities[] and shoes[] have the schema's JSON fields, in order."""
    report = json.loads(to_json(analysis))
    week_keys = _names(shown_in(WEEK_FIELDS, Output.JSON))
    assert all(list(week) == week_keys for week in report["weeks"])
    activity_keys = _names(shown_in(ACTIVITY_FIELDS, Output.JSON))
    assert all(list(a) == activity_keys for a in report["activities"])
    assert [list(s) for s in report["shoes"]] == [_names(SHOE_FIELDS)]
    assert report["shoes"][0]["worn"] is True and report["shoes"][0]["first_run"] == "2026-06-01"
    assert list(report["weeks"][0]["surface_km"]) == list(Surface)
    gym = next(a for a in report["activities"] if a["sport"] == "strength")
    assert gym["surface_km"] is None and gym["surface_source"] is None


def test_csv_header_comes_from_the_schema_as_recorded(analysis: Analysis) -> None:
    """The CSV header is the schema's CSV fields flattened, the order the golden file keeps."""
    header = to_csv(analysis).splitlines()[0].split(",")
    assert tuple(header) == csv_columns(WEEK_FIELDS)
    recorded = (ROOT / "tests" / "golden" / "sample_data.csv").read_text().splitlines()[0]
    assert recorded.split(",") == header[: len(recorded.split(","))]
    # The risk columns come after the weekly ones, and the week-in-progress columns (added
    # after the golden file was recorded) after them, then next week's budget and the
    # intensity's scale, and the body log's (issue 12) last.
    body = ["pain_max", "pain_days", "pain_regions", "ostrc_severity", "srpe_load"]
    assert header[-len(body) :] == body
    header = header[: -len(body)]
    tail = ["complete", "days_elapsed", "remaining_km", "remaining_runs"]
    budget = ["next_week_max_km", "next_week_max_runs", "next_week_longest_run_km"]
    assert header[-5:] == [*budget, "next_week_basis", "intensity_source"]
    header = header[:-5]
    assert header[-len(tail) :] == tail
    assert header[-len(tail) - len(RISK_CSV_FIELDS) : -len(tail)] == list(RISK_CSV_FIELDS)


def test_a_frame_without_the_risk_step_leaves_its_fields_out(analysis: Analysis) -> None:
    """Fields that need the risk columns are left out of the JSON and empty in the CSV."""
    weeks = weekly(analysis.timeline)
    record = week_records(weeks)[0]
    assert "risk" not in record and "advice" not in record and record["runs"] == 1
    rows = list(csv.DictReader(io.StringIO(to_csv(dataclasses.replace(analysis, weeks=weeks)))))
    assert rows[0]["risk"] == "" and rows[0]["strength_sessions"] == "" and rows[0]["runs"] == "1"


# --- a new field ----------------------------------------------------------------------------


def _with_long_runs(monkeypatch: pytest.MonkeyPatch, analysis: Analysis) -> Analysis:
    """The schema and the frames with one new weekly field, ``long_km``, everywhere."""
    new = Field(
        "long_km",
        Kind.KM,
        "The week's longest run.",
        shown=ALL,
        frame=Frame.WEEKLY,
        label="Long",
        heading="Longest {units}",
    )
    schema = (*WEEK_FIELDS[:3], new, *WEEK_FIELDS[3:])
    for module in (fields, data, page_weeks):
        monkeypatch.setattr(module, "WEEK_FIELDS", schema)
    weeks = analysis.weeks.assign(long_km=analysis.weeks["distance_km"] / 2)
    return dataclasses.replace(analysis, weeks=weeks)


def test_a_new_field_in_the_schema_reaches_json_csv_and_page(
    monkeypatch: pytest.MonkeyPatch, analysis: Analysis
) -> None:
    """Declaring a field (and computing its column) is all it takes to be in JSON, CSV, page."""
    changed = _with_long_runs(monkeypatch, analysis)
    report = json.loads(to_json(changed))
    assert list(report["weeks"][0])[:5] == [
        "week_start",
        "runs",
        "distance_km",
        "long_km",
        "duration_s",
    ]
    halves = [round(km / 2, 3) for km in changed.weeks["distance_km"]]
    assert [w["long_km"] for w in report["weeks"]] == halves
    rows = list(csv.DictReader(io.StringIO(to_csv(changed))))
    assert list(rows[0])[3] == "long_km"
    assert [float(r["long_km"]) for r in rows] == halves
    html = render_index(data.report_dict(changed), units="mi")
    assert "<th>Longest mi</th>" in html
    assert "| `long_km` | km | JSON, CSV, table `Long`, page `Longest km` |" in fields.docs_tables()


def test_a_new_activity_field_reaches_the_json(
    monkeypatch: pytest.MonkeyPatch, analysis: Analysis
) -> None:
    """An activity field is the same: declared, computed, written."""
    new = Field("cadence_spm", Kind.COUNT, "Mean cadence.", shown=frozenset({Output.JSON}))
    monkeypatch.setattr(data, "ACTIVITY_FIELDS", (*ACTIVITY_FIELDS, new))
    timeline = analysis.timeline.assign(cadence_spm=170)
    assert all(a["cadence_spm"] == 170 for a in activity_records(timeline))


def test_the_table_keeps_its_layout_with_the_schema_s_labels(analysis: Analysis) -> None:
    """The table's header is its fields' labels, in display order, with the chosen units."""
    lines = render_table(analysis, units="mi").splitlines()
    header = next(line for line in lines if line.startswith("Week of    "))
    labels = [f.header(Output.TABLE, units="mi") for f in table.CELLS]
    assert header.split()[2:] == [*labels[1:], "Surface", "Flags"]
    assert header.startswith("Week of    Runs     mi")
