"""An analysis as of a day: the week in progress, a stale folder, and --as-of in the past."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner, Result
from factories import gpx

from loadwatch import analyze
from loadwatch.cli import cli
from loadwatch.nightly.runner import run
from loadwatch.options import resolve_options

#: A Monday, 07:00 UTC (Europe/Berlin: 09:00).
MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
#: Metres per second of the test runs: 10 km is 55.6 minutes.
SPEED = 3.0


def _run_file(folder: Path, start: datetime, km: float) -> Path:
    path = folder / f"{start:%Y-%m-%d-%H%M}.gpx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gpx(start, minutes=round(km * 1000 / SPEED / 60), speed=SPEED, step_s=20))
    return path


def _steady(folder: Path, weeks: int = 3) -> None:
    """``weeks`` weeks of four 10 km runs (Monday, Wednesday, Friday, Sunday)."""
    for week in range(weeks):
        for day in (0, 2, 4, 6):
            _run_file(folder, MONDAY + timedelta(weeks=week, days=day), 10.0)


def _analyze(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["analyze", str(folder), "--timezone", "Europe/Berlin", "--jobs", "1", *args]
    )


def _json(folder: Path, *args: str) -> dict[str, Any]:
    result = _analyze(folder, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_a_monday_night_with_one_run_is_this_week_so_far(tmp_path: Path) -> None:
    """One 18.5 km run on Monday after weeks of 40 km: not a drop, not an easier week."""
    folder = tmp_path / "watch"
    _steady(folder)
    # A long run in the first week: Monday's 18.5 km is no spike against the runs before it.
    _run_file(folder, MONDAY + timedelta(days=1), 18.5)
    monday = MONDAY + timedelta(weeks=3)
    _run_file(folder, monday, 18.5)
    report = _json(folder, "--as-of", "2026-06-22")
    week = report["weeks"][-1]
    assert week["week_start"] == "2026-06-22"
    assert week["complete"] is False and week["days_elapsed"] == 1
    assert week["distance_change"] < -0.5  # the figure is still there, for what it is
    assert week["flags"] == [] and "low_load" not in week["notes"]
    prior = report["weeks"][-2]["distance_km"]
    left = prior * 1.1 - week["distance_km"]  # about 44 - 18.5 km, and 4 runs within 10%
    assert week["remaining"] == {"km": round(left, 3), "runs": 3}
    assert not any("easier week" in line for line in week["advice"])
    assert all(w["complete"] and w["days_elapsed"] == 7 for w in report["weeks"][:-1])
    assert report["weeks"][0]["remaining"] is None  # only the newest week has room left
    assert report["status"] == "current" and report["stale_days"] == 0

    table = _analyze(folder, "--as-of", "2026-06-22").stdout
    words = " ".join(table.split())
    row = next(line for line in table.splitlines() if line.startswith("2026-06-22"))
    assert "so far" in row and "-5" not in row
    assert f"This week so far (1 of 7 days): 1 run, {week['distance_km']:.1f} km" in words
    assert f"room for {left:.1f} km in at most 3 more runs" in words
    assert "easier week" not in table

    out = tmp_path / "out"
    run(folder, out=out, timezone="Europe/Berlin", as_of=date(2026, 6, 22))
    page = (out / "index.html").read_text()
    status = page.split('id="status">', 1)[1].split("</section>")[0]
    assert "This week so far (1 of 7 days)" in status
    assert '<p class="headline">This week so far: low risk</p>' in status
    newest_row = page.split('<tbody class="week">', 1)[1].split("</tr>")[0]
    assert "so far" in newest_row and "-5" not in newest_row


def test_a_week_in_progress_already_past_the_cap_is_flagged(tmp_path: Path) -> None:
    """What is done so far can only grow: past the cap on a Wednesday is flagged then."""
    folder = tmp_path / "watch"
    _steady(folder)
    for day in (0, 1, 2):
        _run_file(folder, MONDAY + timedelta(weeks=3, days=day), 16.0)
    report = _json(folder, "--as-of", "2026-06-24")
    week = report["weeks"][-1]
    assert week["complete"] is False and week["days_elapsed"] == 3
    assert week["flags"][:1] == ["distance"]
    assert week["remaining"]["km"] == 0.0  # 48 km is past 44: nothing left
    table = _analyze(folder, "--as-of", "2026-06-24").stdout
    assert "already past the 10% cap on distance" in " ".join(table.split())
    row = next(line for line in table.splitlines() if line.startswith("2026-06-22"))
    assert "+19%" in row and "DIST" in row  # a flagged change is shown: it is a floor


def test_a_folder_whose_last_run_is_three_weeks_old_is_stale(tmp_path: Path) -> None:
    """No new activity for 21 days: said first, in JSON, the table and the page."""
    folder = tmp_path / "watch"
    _steady(folder)
    last = date(2026, 6, 21)
    as_of = last + timedelta(days=21)
    report = _json(folder, "--as-of", as_of.isoformat())
    assert report["status"] == "stale" and report["stale_days"] == 21
    assert report["last_activity"].startswith("2026-06-21T")
    assert report["weeks"][-1]["complete"] is True

    table = _analyze(folder, "--as-of", as_of.isoformat()).stdout
    summary = " ".join(table.split("\n\n", 1)[0].split())  # the answer, first
    assert summary.startswith(
        "No new activity since 21 Jun 2026 (21 days): is your watch still syncing? "
        "The last week with runs, of 15 Jun 2026: 4 runs,"
    )
    out = tmp_path / "out"
    run(folder, out=out, timezone="Europe/Berlin", as_of=as_of)
    page = (out / "index.html").read_text()
    status = page.split('id="status">', 1)[1]
    assert status.startswith('<p class="headline">No new activity since 21 Jun 2026')
    assert "The last week with runs was the week of 2026-06-15" in page
    assert "low risk" not in status.split("</section>")[0]


def test_ten_days_is_still_current_and_the_limit_is_a_setting(tmp_path: Path) -> None:
    """Stale means more than stale_days days (10, else [nightly] stale_days)."""
    folder = tmp_path / "watch"
    _steady(folder)
    assert _json(folder, "--as-of", "2026-07-01")["status"] == "current"  # 10 days
    assert _json(folder, "--as-of", "2026-07-02")["status"] == "stale"  # 11 days
    (folder / "loadwatch.toml").write_text("[nightly]\nstale_days = 30\n")
    assert _json(folder, "--as-of", "2026-07-02")["status"] == "current"
    (folder / "loadwatch.toml").write_text("[nightly]\nstale_days = 0\n")
    bad = _analyze(folder, "--as-of", "2026-07-02")
    assert bad.exit_code == 1
    assert "nightly.stale_days must be a whole number of days, 1 or more" in bad.output


def test_as_of_in_the_past_leaves_later_runs_out(tmp_path: Path) -> None:
    """What loadwatch would have said on the day: later runs are left out and counted."""
    folder = tmp_path / "watch"
    _steady(folder)
    report = _json(folder, "--as-of", "2026-06-10")
    assert report["as_of"] == "2026-06-10"
    assert report["after_as_of"] == 6  # Friday and Sunday of week 2, all of week 3
    assert report["last_activity"] == "2026-06-10T09:00:00+02:00"
    assert [w["week_start"] for w in report["weeks"]] == ["2026-06-01", "2026-06-08"]
    assert report["weeks"][-1]["runs"] == 2 and report["weeks"][-1]["days_elapsed"] == 3
    assert len(report["activities"]) == 6
    # Python and the config file say the same; the option wins over the file.
    assert analyze(folder, timezone="Europe/Berlin", as_of="2026-06-10").after_as_of == 6
    (folder / "loadwatch.toml").write_text("as_of = 2026-06-03\n")
    assert _json(folder)["as_of"] == "2026-06-03"
    assert _json(folder, "--as-of", "2026-06-10")["after_as_of"] == 6


def test_a_bad_as_of_names_the_option_or_the_file(tmp_path: Path) -> None:
    """--as-of 20260610 exits 2 naming --as-of; as_of = "soon" in the file exits 1."""
    folder = tmp_path / "watch"
    _steady(folder, weeks=1)
    bad = _analyze(folder, "--as-of", "20260610")
    assert bad.exit_code == 2 and "--as-of" in bad.output
    (folder / "loadwatch.toml").write_text('as_of = "soon"\n')
    worse = _analyze(folder)
    assert worse.exit_code == 1
    assert "as_of must be a date such as 2026-06-01" in worse.output
    assert "loadwatch.toml" in worse.output


def test_notify_fires_once_per_stale_spell(tmp_path: Path) -> None:
    """Stale is told once; a new run ends the spell, and the next spell is told again."""
    folder = tmp_path / "watch"
    _steady(folder)
    log = tmp_path / "told.txt"
    command = f'{{ echo "status=$LOADWATCH_STATUS"; cat; }} >> "{log}"'
    cache = tmp_path / "cache.sqlite3"

    def nightly(as_of: date) -> bool:
        result = run(folder, cache=cache, notify=command, timezone="Europe/Berlin", as_of=as_of)
        return result.notified

    assert not nightly(date(2026, 6, 28))  # steady and current: nothing to tell
    assert nightly(date(2026, 7, 5))  # 14 days without a run
    told = log.read_text()
    assert told.startswith("status=stale\nNo new activity since 21 Jun 2026 (14 days)")
    assert "the last week with runs, 2026-06-15" in told
    assert not nightly(date(2026, 7, 6))  # the same spell
    assert not nightly(date(2026, 7, 20))
    _run_file(folder, datetime(2026, 7, 21, 7, 0, tzinfo=UTC), 5.0)
    assert not nightly(date(2026, 7, 21))  # current again; the week is new but unflagged
    assert nightly(date(2026, 8, 5))  # a new spell
    assert log.read_text().count("status=stale") == 2


def test_the_day_ends_at_midnight_local_time(tmp_path: Path) -> None:
    """A run at 23:30 in Berlin on as_of counts; one at 00:30 the next day is left out."""
    folder = tmp_path / "watch"
    _steady(folder, weeks=1)
    _run_file(folder, datetime(2026, 6, 4, 21, 30, tzinfo=UTC), 5.0)  # 23:30 in Berlin
    _run_file(folder, datetime(2026, 6, 4, 22, 30, tzinfo=UTC), 5.0)  # 00:30 on the 5th
    report = _json(folder, "--as-of", "2026-06-04")
    assert report["last_activity"] == "2026-06-04T23:30:00+02:00"
    assert report["after_as_of"] == 3  # the 00:30 run, Friday and Sunday


def test_as_of_defaults_to_today_in_the_time_zone() -> None:
    """Without a day, the analysis is as of today where the athlete is (the date line too)."""
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11
        before = datetime.now(ZoneInfo(zone)).date()
        chosen = resolve_options(None, timezone=zone).as_of
        assert chosen in (before, datetime.now(ZoneInfo(zone)).date())
    assert resolve_options(None, timezone="UTC", as_of="2026-06-10").as_of == date(2026, 6, 10)


def test_csv_has_the_week_in_progress(tmp_path: Path) -> None:
    """The CSV gives complete, days_elapsed and the newest week's room, runs whole."""
    folder = tmp_path / "watch"
    _steady(folder)
    _run_file(folder, MONDAY + timedelta(weeks=3), 18.5)
    result = _analyze(folder, "--as-of", "2026-06-22", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["complete"] for r in rows] == ["True", "True", "True", "False"]
    assert rows[-1]["days_elapsed"] == "1" and rows[-1]["remaining_runs"] == "3"
    assert rows[0]["remaining_km"] == "" and float(rows[-1]["remaining_km"]) > 25


def test_notify_says_this_week_so_far(tmp_path: Path) -> None:
    """A week in progress past the cap is told as this week so far, with no room left."""
    folder = tmp_path / "watch"
    _steady(folder)
    for day in (0, 1, 2):
        _run_file(folder, MONDAY + timedelta(weeks=3, days=day), 16.0)
    log = tmp_path / "told.txt"
    run(folder, notify=f'cat >> "{log}"', timezone="Europe/Berlin", as_of=date(2026, 6, 24))
    told = log.read_text().splitlines()
    assert told[0].startswith("This week so far (3 of 7 days): 3 runs, 48.")
    assert "already past the 10% cap on distance" in told[0]
    assert told[1].startswith("loadwatch: this week so far (week of 2026-06-22): 3 runs")


def test_an_as_of_before_every_run_says_so(tmp_path: Path) -> None:
    """--as-of before the first run: no weeks, and a warning naming the option, not silence."""
    folder = tmp_path / "watch"
    _steady(folder, weeks=1)
    result = _analyze(folder, "--as-of", "2026-05-31")
    assert result.exit_code == 0
    assert "all 4 activities found in" in result.output
    assert "start after 2026-05-31 (--as-of" in result.output
    assert _json(folder, "--as-of", "2026-05-31")["weeks"] == []
