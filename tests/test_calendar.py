"""Calendar weeks: Monday or Sunday starts, local days, and the places of days in their week.

The week rule is :mod:`loadwatch.metrics.calendar`'s; these tests check it directly, through the
weekly and risk metrics, and through :func:`loadwatch.analyze` on ``sample_data``.
"""

from __future__ import annotations

import json
import math
import statistics
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from factories import timeline_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.analysis import analyze
from loadwatch.cli import cli
from loadwatch.errors import ConfigError
from loadwatch.metrics import calendar
from loadwatch.metrics.risk import add_spikes, risk_weeks
from loadwatch.metrics.timeline import since_filter
from loadwatch.metrics.weekly import weekly
from loadwatch.model import Analysis
from loadwatch.render.data import report_dict, to_csv
from loadwatch.render.table import render_table
from loadwatch.settings.config import Config, load_config
from loadwatch.vocab import WeekStart

SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"
SUNDAY = WeekStart.SUNDAY


def _starts(*texts: str, tz: str = "Europe/Berlin") -> pd.Series:
    """Local start times, tz-aware as in a timeline."""
    return pd.Series(pd.to_datetime(list(texts))).dt.tz_localize(tz)


def _dates(index: pd.Index) -> list[str]:
    return [d.date().isoformat() for d in pd.DatetimeIndex(index)]


# --- the rule itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week_start", "expected"),
    [
        # Sunday 7 June, Saturday 13 June and Monday 15 June 2026.
        (WeekStart.MONDAY, ["2026-06-01", "2026-06-08", "2026-06-15"]),
        (WeekStart.SUNDAY, ["2026-06-07", "2026-06-07", "2026-06-14"]),
    ],
)
def test_week_starts_on_the_chosen_day(week_start: WeekStart, expected: list[str]) -> None:
    """Sunday belongs to the week before with Monday weeks, and starts its own with Sunday weeks."""
    starts = _starts("2026-06-07 09:00", "2026-06-13 21:00", "2026-06-15 06:00")
    assert _dates(pd.Index(calendar.week_starts(starts, week_start))) == expected


def test_weeks_are_counted_on_the_local_clock() -> None:
    """00:30 on a Sunday in Berlin is Saturday 22:30 UTC, and starts a Sunday week all the same."""
    late = _starts("2026-06-06 23:30", "2026-06-07 00:30")
    assert list(late.dt.tz_convert("UTC").dt.day_name()) == ["Saturday", "Saturday"]
    assert _dates(pd.Index(calendar.week_starts(late, SUNDAY))) == ["2026-05-31", "2026-06-07"]


def test_day_in_week_counts_from_the_first_day() -> None:
    """Monday weeks: Monday 0 to Sunday 6; Sunday weeks: Sunday 0 to Saturday 6."""
    week = _starts(*(f"2026-06-{d:02d} 12:00" for d in range(7, 14)))  # Sunday to Saturday
    assert list(calendar.day_in_week(week, SUNDAY)) == [0, 1, 2, 3, 4, 5, 6]
    assert list(calendar.day_in_week(week)) == [6, 0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("day", "monday", "sunday"),
    [
        (date(2026, 6, 10), date(2026, 6, 8), date(2026, 6, 7)),  # a Wednesday
        (date(2026, 6, 7), date(2026, 6, 1), date(2026, 6, 7)),  # a Sunday
        (date(2026, 6, 8), date(2026, 6, 8), date(2026, 6, 7)),  # a Monday
        (date(2026, 1, 1), date(2025, 12, 29), date(2025, 12, 28)),  # over the year end
    ],
)
def test_week_of_a_date(day: date, monday: date, sunday: date) -> None:
    """The first day of the week holding a date, either way."""
    assert calendar.week_of(day) == monday
    assert calendar.week_of(day, SUNDAY) == sunday


def test_day_names_and_bad_week_start() -> None:
    """The names of the first and last days; anything but Monday or Sunday is refused."""
    assert (calendar.first_day_name(), calendar.last_day_name()) == ("Monday", "Sunday")
    assert (calendar.first_day_name(SUNDAY), calendar.last_day_name(SUNDAY)) == (
        "Sunday",
        "Saturday",
    )
    with pytest.raises(ValueError, match="friday"):
        calendar.first_weekday("friday")  # type: ignore[arg-type]


def test_to_local_keeps_the_zone_and_reads_naive_times_as_utc() -> None:
    """UTC instants become tz-aware local times; a tz-naive time is taken to be UTC."""
    utc = pd.Series([datetime(2026, 6, 6, 22, 30)])
    local = calendar.to_local(utc, "Europe/Berlin")
    assert str(local.dt.tz) == "Europe/Berlin"
    assert local.iloc[0].isoformat() == "2026-06-07T00:30:00+02:00"
    assert list(calendar.local_dates(local)) == [date(2026, 6, 7)]


def test_check_weeks_names_the_day_they_should_start_on() -> None:
    """Monday-indexed weeks are refused for Sunday weeks, with what was expected and found."""
    mondays = pd.date_range("2026-06-01", periods=3, freq="7D")
    calendar.check_weeks(mondays)
    with pytest.raises(ValueError, match=r"must start on Sundays.*one starts Monday 2026-06-01"):
        calendar.check_weeks(mondays, SUNDAY)
    calendar.check_weeks(mondays - pd.Timedelta(days=1), SUNDAY)


def test_centred_day_spreads_a_week_around_its_middle() -> None:
    """The first day is 3 left of the week's centre, the fourth on it, the last 3 right."""
    assert [calendar.centred_day(d) for d in range(7)] == [-3, -2, -1, 0, 1, 2, 3]


@settings(max_examples=60, deadline=None)
@given(
    instants=st.lists(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31)),
        min_size=1,
        max_size=20,
    ),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]),
    week_start=st.sampled_from(list(WeekStart)),
)
def test_every_time_falls_in_the_week_named_by_its_start(
    instants: list[datetime], zone: str, week_start: WeekStart
) -> None:
    """For any instant and zone: its week starts at a local midnight on the right day, at most
    6 days and 24 hours before its local time; the position in the week agrees."""
    local = calendar.to_local(pd.Series(instants), zone)
    firsts = calendar.week_starts(local, week_start)
    wall = calendar.wall_clock(local)
    assert (firsts.dt.day_of_week == calendar.first_weekday(week_start)).all()
    assert (firsts == firsts.dt.normalize()).all()
    assert ((firsts <= wall) & (wall < firsts + pd.Timedelta(days=7))).all()
    days = (calendar.local_days(local) - firsts).dt.days
    assert (days == calendar.day_in_week(local, week_start)).all()


# --- weekly() with Sunday weeks -------------------------------------------------------------


def test_sunday_weeks_across_a_dst_change_and_the_year_end() -> None:
    """Weeks from Sunday to Saturday stay 7 calendar days across the October DST change (a
    Sunday) and the year end; each run lands in its local week; the sums add up."""
    rows = [
        {"start": "2025-10-25 23:30", "distance_km": 5.0},  # Saturday: the week of 19 Oct
        {"start": "2025-10-26 00:30", "distance_km": 6.0},  # Sunday (Saturday 22:30 UTC)
        {"start": "2025-10-26 02:30", "distance_km": 7.0},  # the hour the clocks repeat
        {"start": "2025-11-01 23:59", "distance_km": 8.0},  # Saturday: still the week of 26 Oct
        {"start": "2025-11-02 00:01", "distance_km": 9.0},  # Sunday: the next week
        {"start": "2025-12-28 08:00", "distance_km": 10.0},  # Sunday before the year end
        {"start": "2026-01-03 22:00", "distance_km": 11.0},  # Saturday after: the same week
        {"start": "2026-01-04 07:00", "distance_km": 12.0},  # Sunday: the next week
    ]
    frame = timeline_frame(rows)
    weeks = weekly(frame, week_start=SUNDAY)
    expected = pd.date_range("2025-10-19", "2026-01-04", freq="7D")
    assert list(weeks.index) == list(expected)
    assert set(pd.DatetimeIndex(weeks.index).day_name()) == {"Sunday"}
    km = weeks["distance_km"]
    assert km.loc["2025-10-19"] == 5.0
    assert km.loc["2025-10-26"] == 6.0 + 7.0 + 8.0
    assert km.loc["2025-11-02"] == 9.0
    assert km.loc["2025-12-28"] == 10.0 + 11.0
    assert km.loc["2026-01-04"] == 12.0
    assert km.sum() == pytest.approx(frame["distance_km"].sum())
    assert weeks.attrs["week_start"] is SUNDAY
    # The same runs in Monday weeks: the first Sunday runs join the Saturday's week.
    mondays = weekly(frame)
    assert mondays["distance_km"].loc["2025-10-20"] == 5.0 + 6.0 + 7.0
    assert mondays.attrs["week_start"] is WeekStart.MONDAY


def _sunday_saturday_rows() -> list[dict[str, object]]:
    """Four Sunday weeks from 31 May 2026, each with a Sunday and a Saturday run: 10, 20, 30
    and 31 km a week; and a strength session on Saturday 13 June."""
    sundays = ["2026-05-31", "2026-06-07", "2026-06-14", "2026-06-21"]
    saturdays = ["2026-06-06", "2026-06-13", "2026-06-20", "2026-06-27"]
    rows: list[dict[str, object]] = []
    for sunday, saturday, first, second in zip(
        sundays, saturdays, [4.0, 8.0, 12.0, 10.0], [6.0, 12.0, 18.0, 21.0], strict=True
    ):
        rows.append({"start": f"{sunday} 07:00", "distance_km": first})
        rows.append({"start": f"{saturday} 18:00", "distance_km": second})
    rows.append({"start": "2026-06-13 20:00", "sport": "strength", "distance_km": 0.0})
    return rows


def test_risk_windows_are_counted_in_sunday_weeks() -> None:
    """ACWR, monotony and strength sessions use Sunday-to-Saturday weeks: 31 km after 10, 20
    and 30 is 1.55 (in Monday weeks these runs would give other weeks altogether)."""
    frame = add_spikes(timeline_frame(_sunday_saturday_rows()))
    weeks = risk_weeks(weekly(frame, week_start=SUNDAY), frame, week_start=SUNDAY)
    assert _dates(weeks.index) == ["2026-05-31", "2026-06-07", "2026-06-14", "2026-06-21"]
    assert list(weeks["basis_load"]) == [10.0, 20.0, 30.0, 31.0]
    assert weeks["acwr"].iloc[3] == pytest.approx(31 / 20)
    assert "acwr" in weeks["flags"].iloc[3]
    # Each week's days are Sunday first: 4 km, five rest days, then 6 km on Saturday.
    first_week = [4.0, 0, 0, 0, 0, 0, 6.0]
    expected = statistics.fmean(first_week) / statistics.pstdev(first_week)
    assert weeks["monotony"].iloc[0] == pytest.approx(expected)
    assert list(weeks["strength_sessions"]) == [0, 1, 0, 0]
    assert math.isfinite(weeks["acwr_ewma"].iloc[3])
    # Counted from Mondays the same runs give different weeks: 4, 14, 24, 28 and 21 km.
    mondays = risk_weeks(weekly(frame), frame)
    assert list(mondays["basis_load"]) == [4.0, 14.0, 24.0, 28.0, 21.0]


def test_risk_weeks_refuses_weeks_counted_from_another_day() -> None:
    """Sunday weeks given to risk_weeks with its default Monday are an error, not bad numbers."""
    frame = add_spikes(timeline_frame(_sunday_saturday_rows()))
    with pytest.raises(ValueError, match="must start on Mondays"):
        risk_weeks(weekly(frame, week_start=SUNDAY), frame)


def test_spike_runs_hold_their_place_in_the_sunday_week() -> None:
    """A spike on Sunday is day 0 of its Sunday week, one on Saturday day 6."""
    rows = [{"start": f"2026-05-{d:02d} 07:00", "distance_km": 5.0} for d in (3, 10, 17, 24)]
    rows += [
        {"start": "2026-06-07 07:00", "distance_km": 9.0},  # Sunday: 1.8 x 5 km, moderate
        {"start": "2026-06-13 07:00", "distance_km": 20.0},  # Saturday: 2.2 x 9 km, large
    ]
    frame = add_spikes(timeline_frame(rows))
    weeks = risk_weeks(weekly(frame, week_start=SUNDAY), frame, week_start=SUNDAY)
    assert weeks["spike_runs"].loc["2026-06-07"] == ((0, 9.0, "moderate"), (6, 20.0, "large"))
    mondays = risk_weeks(weekly(frame), frame)
    assert mondays["spike_runs"].loc["2026-06-01"] == ((6, 9.0, "moderate"),)
    assert mondays["spike_runs"].loc["2026-06-08"] == ((5, 20.0, "large"),)


def test_since_keeps_the_whole_sunday_week() -> None:
    """Cut at a Wednesday, Sunday weeks keep that week's Sunday run; Monday weeks start later."""
    frame = timeline_frame(
        [
            {"start": "2026-06-06 07:00", "distance_km": 3.0},  # Saturday: the week before
            {"start": "2026-06-07 07:00", "distance_km": 5.0},  # Sunday
            {"start": "2026-06-10 07:00", "distance_km": 6.0},  # Wednesday
        ]
    )
    wednesday = date(2026, 6, 10)
    first = calendar.week_of(wednesday, SUNDAY)
    weeks = weekly(since_filter(frame, first), week_start=SUNDAY)
    assert _dates(weeks.index) == ["2026-06-07"]
    assert list(weeks["distance_km"]) == [11.0]
    monday_weeks = weekly(since_filter(frame, calendar.week_of(wednesday)))
    assert _dates(monday_weeks.index) == ["2026-06-08"]
    assert list(monday_weeks["distance_km"]) == [6.0]


# --- analyze() ------------------------------------------------------------------------------


def _sample_config() -> Config:
    """sample_data's own loadwatch.toml, without any user config (module fixtures run before
    conftest keeps the tests away from the user's folders)."""
    return load_config(SAMPLE_DATA, user_config=False)


@pytest.fixture(scope="module")
def by_monday() -> Analysis:
    """sample_data in Monday weeks (the default)."""
    return analyze(SAMPLE_DATA, config=_sample_config())


@pytest.fixture(scope="module")
def by_sunday() -> Analysis:
    """sample_data in Sunday weeks."""
    return analyze(SAMPLE_DATA, config=_sample_config(), week_start=SUNDAY)


def test_analyze_counts_sunday_weeks_and_the_same_distance(
    by_monday: Analysis, by_sunday: Analysis
) -> None:
    """On sample_data, Sunday weeks are dated Sundays in JSON, CSV and table, and add up to
    the same distance as Monday weeks (and as the runs)."""
    index = pd.DatetimeIndex(by_sunday.weeks.index)
    assert set(index.day_name()) == {"Sunday"}
    assert set(pd.DatetimeIndex(by_monday.weeks.index).day_name()) == {"Monday"}
    total = by_monday.weeks["distance_km"].sum()
    assert by_sunday.weeks["distance_km"].sum() == pytest.approx(total, rel=1e-12)
    runs = by_sunday.timeline[by_sunday.timeline["sport"] == "running"]
    assert total == pytest.approx(runs["distance_km"].sum(), rel=1e-12)
    assert by_sunday.weeks["runs"].sum() == by_monday.weeks["runs"].sum() == len(runs)

    json_weeks = [week["week_start"] for week in report_dict(by_sunday)["weeks"]]
    assert json_weeks == _dates(index)
    csv_weeks = [line.split(",")[0] for line in to_csv(by_sunday).splitlines()[1:]]
    assert csv_weeks == _dates(index)
    table = render_table(by_sunday, weeks=None)
    assert "Week of" in table
    assert all(date.fromisoformat(day).weekday() == 6 for day in _table_dates(table))
    assert _table_dates(table)[0] == _dates(index)[0]


def _table_dates(table: str) -> list[str]:
    """The dates that start the table's week lines."""
    found = []
    for line in table.splitlines():
        head = line[:10]
        try:
            date.fromisoformat(head)
        except ValueError:
            continue
        found.append(head)
    return found


def test_analyze_since_with_sunday_weeks(by_sunday: Analysis) -> None:
    """--since on a Wednesday keeps its whole Sunday week: the week's totals are as without it."""
    cut = analyze(SAMPLE_DATA, config=_sample_config(), week_start=SUNDAY, since=date(2026, 6, 10))
    assert cut.since == date(2026, 6, 7)
    assert _dates(cut.weeks.index)[0] == "2026-06-07"
    whole = by_sunday.weeks.loc["2026-06-07"]
    assert cut.weeks["runs"].iloc[0] == whole["runs"] == 3
    assert cut.weeks["distance_km"].iloc[0] == pytest.approx(whole["distance_km"])
    assert calendar.local_dates(cut.timeline["start"]).min() == date(2026, 6, 7)


def test_analyze_reads_week_start_from_the_config(tmp_path: Path) -> None:
    """week_start = "sunday" in a config file gives Sunday weeks; the keyword wins over it."""
    config = tmp_path / "weeks.toml"
    config.write_text('week_start = "sunday"\n')
    from_config = analyze(SAMPLE_DATA, config=config)
    assert from_config.config.week_start is SUNDAY
    assert set(pd.DatetimeIndex(from_config.weeks.index).day_name()) == {"Sunday"}
    overridden = analyze(SAMPLE_DATA, config=config, week_start=WeekStart.MONDAY)
    assert set(pd.DatetimeIndex(overridden.weeks.index).day_name()) == {"Monday"}


def test_analyze_refuses_a_bad_week_start() -> None:
    """A day that is neither Monday nor Sunday is a ConfigError naming the setting."""
    with pytest.raises(ConfigError, match=r'week_start must be "monday" or "sunday"'):
        analyze(SAMPLE_DATA, week_start="friday")  # type: ignore[arg-type]


def _cli(*args: str) -> Result:
    result = CliRunner().invoke(
        cli, ["analyze", *args, "--no-cache", "-q", "--jobs", "1"], catch_exceptions=False
    )
    return result


def test_cli_week_start_sunday_through_json_csv_table_and_outputs(tmp_path: Path) -> None:
    """--week-start sunday: every week in the JSON, the CSV, the table and the --out files
    starts on a Sunday, and the runs and kilometres add up to the Monday weeks' totals."""
    monday = json.loads(_cli(str(SAMPLE_DATA), "--format", "json").stdout)
    result = _cli(str(SAMPLE_DATA), "--format", "json", "--week-start", "sunday")
    assert result.exit_code == 0, result.output
    sunday = json.loads(result.stdout)
    starts = [date.fromisoformat(week["week_start"]) for week in sunday["weeks"]]
    assert {day.weekday() for day in starts} == {6}
    assert sum(w["runs"] for w in sunday["weeks"]) == sum(w["runs"] for w in monday["weeks"])
    # Each week's km is rounded to the metre in the JSON: the sums agree within a metre a week.
    assert sum(w["distance_km"] for w in sunday["weeks"]) == pytest.approx(
        sum(w["distance_km"] for w in monday["weeks"]), abs=0.001 * len(starts)
    )
    rows = _cli(str(SAMPLE_DATA), "--format", "csv", "--week-start", "Sunday").stdout
    assert [row.split(",")[0] for row in rows.splitlines()[1:]] == [d.isoformat() for d in starts]
    table = (
        CliRunner()
        .invoke(cli, ["analyze", str(SAMPLE_DATA), "--week-start", "sunday", "--all", "--no-cache"])
        .stdout
    )
    assert _table_dates(table)[0] == starts[0].isoformat()
    out = tmp_path / "out"
    assert _cli(str(SAMPLE_DATA), "--week-start", "sunday", "--out", str(out)).exit_code == 0
    latest = json.loads((out / "latest.json").read_text())
    assert date.fromisoformat(latest["weeks"][-1]["week_start"]).weekday() == 6
    assert (out / "weekly-risk.png").stat().st_size > 0


def test_cli_week_start_wins_over_the_config_and_since_keeps_its_week(tmp_path: Path) -> None:
    """The option overrides the config's week_start; --since keeps the whole Sunday week."""
    config = tmp_path / "monday.toml"
    config.write_text('week_start = "monday"\n')
    result = _cli(
        str(SAMPLE_DATA),
        "--format",
        "json",
        "--config",
        str(config),
        "--week-start",
        "sunday",
        "--since",
        "2026-06-10",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["weeks"][0]["week_start"] == "2026-06-07"


def test_cli_refuses_a_bad_week_start_as_a_usage_error() -> None:
    """A day weeks cannot begin on is a usage error (exit 2) naming the option."""
    result = _cli(str(SAMPLE_DATA), "--week-start", "friday")
    assert result.exit_code == 2
    assert "--week-start" in result.stderr
    assert '"monday" or "sunday"' in result.stderr
