"""loadwatch runs: the activities of a week or a period, one line each, or JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import runs_folder

import loadwatch
from loadwatch.cli import cli
from loadwatch.metrics.period import Period, parse_week, period_of
from loadwatch.render.runs import RUN_COLUMNS

#: Runs of (day after Monday 1 June 2026, km): two in ISO week 23, three in week 24, one in 25.
RUNS = [(0, 8.0), (2, 6.0), (7, 8.0), (9, 6.0), (11, 10.0), (14, 9.0)]
AS_OF = ("--as-of", "2026-06-21")


def _runs(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["runs", *args, "--no-cache"])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Six GPX runs over three weeks."""
    return runs_folder(tmp_path, RUNS)


def _rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line[:2].strip().isdigit()]


def test_the_newest_week_by_default(folder: Path) -> None:
    """Without a period, the newest week: its title, a header from the fields' labels, and a
    line per activity within 80 columns."""
    code, out, err = _runs(str(folder), *AS_OF)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Week of 15 Jun 2026: 1 activity, 1 run (9.0 km)."
    assert lines[1].split() == ["Date", "Sport", "km", "Time", "Pace", "HR", "Surface", "File"]
    (row,) = _rows(out)
    assert row.split()[:7] == ["15", "Jun", "07:00", "running", "9.0", "0:50", "5:33"]
    assert row.endswith(" 05.gpx")
    assert max(len(line) for line in lines) <= 80


def test_a_week_by_its_iso_name_or_a_day_in_it(folder: Path) -> None:
    """--week 2026-W24 and --week 2026-06-10 list the same three runs, in start order."""
    code, named, _ = _runs(str(folder), "--week", "2026-W24", *AS_OF)
    assert code == 0
    assert [row.split()[0] for row in _rows(named)] == ["8", "10", "12"]
    assert _runs(str(folder), "--week", "2026-06-10", *AS_OF)[1] == named
    assert named.startswith("Week of 8 Jun 2026: 3 activities, 3 runs (24.0 km).")


def test_a_period_from_since_to_until(folder: Path) -> None:
    """--since and --until bound a stretch of days, both included; --units mi converts."""
    code, out, _ = _runs(str(folder), "--since", "2026-06-03", "--until", "2026-06-10", *AS_OF)
    assert code == 0
    assert out.startswith("3 Jun 2026 to 10 Jun 2026: 3 activities, 3 runs (20.0 km).")
    _, miles, _ = _runs(str(folder), "--since", "2026-06-03", *AS_OF, "--units", "mi")
    assert "Date" in miles and " mi " in miles.splitlines()[1]
    assert "5 runs (24.2 mi)" in miles.splitlines()[0]  # 39 km


def test_json_and_csv(folder: Path) -> None:
    """--format json gives the period and the activities as analyze's JSON has them; --format
    csv one row each with the listing's columns, units in their names."""
    code, out, _ = _runs(str(folder), "--week", "2026-W23", "--format", "json", *AS_OF)
    assert code == 0
    data = json.loads(out)
    assert data["period"] == {"first": "2026-06-01", "last": "2026-06-07"}
    assert [a["source"] for a in data["activities"]] == ["00.gpx", "01.gpx"]
    full = CliRunner().invoke(cli, ["analyze", str(folder), "--format", "json", *AS_OF])
    assert data["activities"] == json.loads(full.stdout)["activities"][:2]
    _, text, _ = _runs(str(folder), "--since", "2026-06-15", "--format", "csv", *AS_OF)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == RUN_COLUMNS
    assert [r["source"] for r in rows] == ["05.gpx"] and float(rows[0]["distance_km"]) == 9.0


def test_a_long_file_name_is_shortened_from_the_left(tmp_path: Path) -> None:
    """A file name longer than its room keeps its end: the line stays within 80 columns."""
    folder = runs_folder(tmp_path, [(0, 8.0)])
    deep = folder / ("a-very-long-folder-name-" * 3) / "my-morning-run-in-the-park.gpx"
    deep.parent.mkdir()
    (folder / "00.gpx").rename(deep)
    code, out, _ = _runs(str(folder), "--as-of", "2026-06-03")
    assert code == 0
    row = _rows(out)[0]
    assert len(row) <= 80 and row.endswith("-run-in-the-park.gpx")
    assert "…" in row


def test_bad_periods_are_usage_errors(folder: Path) -> None:
    """A week that is none, --week with --since, or since after until: usage errors, said."""
    code, _, err = _runs(str(folder), "--week", "2026-W60")
    assert code == 2 and "2026-W23" in err
    code, _, err = _runs(str(folder), "--week", "2026-W24", "--since", "2026-06-01")
    assert code == 2 and "not both" in err
    code, _, err = _runs(str(folder), "--since", "2026-06-10", "--until", "2026-06-01", *AS_OF)
    assert code == 2 and "is after" in err


def test_an_empty_period_and_the_library_call(folder: Path) -> None:
    """A period without activities says so; loadwatch.runs is the same call for Python."""
    code, out, _ = _runs(str(folder), "--week", "2026-W30", *AS_OF)
    assert code == 0 and out == "Week of 20 Jul 2026: 0 activities, 0 runs.\n"
    analysis = loadwatch.analyze(folder, as_of="2026-06-21")
    listed = loadwatch.runs(analysis, since=date(2026, 6, 14))
    assert listed.period == Period(date(2026, 6, 14), date(2026, 6, 21))
    assert list(listed.activities["source"]) == ["05.gpx"]


def test_weeks_and_periods_in_words() -> None:
    """parse_week reads ISO weeks and days; period_of counts weeks as the analysis does."""
    assert parse_week("2026-W23") == date(2026, 6, 1) == parse_week("2026w23")
    assert parse_week(" 2026-06-03 ") == date(2026, 6, 3)
    with pytest.raises(ValueError, match="no week"):
        parse_week("June")
    sunday = period_of(newest=date(2026, 6, 3), week_start=loadwatch.WeekStart.SUNDAY)
    assert sunday == Period(date(2026, 5, 31), date(2026, 6, 6))
    assert period_of(newest=date(2026, 6, 3), until=date(2026, 6, 2)).first == date.min
    with pytest.raises(ValueError, match="not both"):
        period_of(newest=date(2026, 6, 3), week=date(2026, 6, 1), since=date(2026, 6, 1))


@pytest.mark.parametrize(
    "args",
    [
        ["runs", "--week", "9999-W52"],
        ["runs", "--week", "9999-12-31"],
        ["runs", "--since", "0001-01-01"],
        ["analyze", "--since", "0001-01-01", "--week-start", "sunday"],
        ["analyze", "--as-of", "9999-12-31"],
    ],
)
def test_a_day_at_the_calendar_s_ends_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    """A day whose week Python's calendar cannot count is refused as a usage error (exit 2,
    naming the option), never a traceback."""
    folder = runs_folder(tmp_path, [(0, 5.0)])
    result = CliRunner().invoke(cli, [args[0], str(folder), *args[1:]])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{args[1]}'" in result.output
    assert "outside 1900-01-01 to 2199-12-31" in result.output


def test_since_after_until_is_a_usage_error_and_after_the_newest_day_says_so(
    tmp_path: Path,
) -> None:
    """--since after --until is a usage error (exit 2); --since after the newest day there is
    says that day, not an --until that was never given."""
    folder = runs_folder(tmp_path, [(0, 5.0)])
    both = ["runs", str(folder), "--since", "2026-05-02", "--until", "2026-05-01"]
    result = CliRunner().invoke(cli, both)
    assert (
        result.exit_code == 2 and "--since 2026-05-02 is after --until 2026-05-01" in result.output
    )
    late = ["runs", str(folder), "--since", "2199-01-01", "--as-of", "2026-06-01"]
    result = CliRunner().invoke(cli, late)
    assert result.exit_code == 1
    assert "is after the newest day there is (2026-06-01)" in result.output
