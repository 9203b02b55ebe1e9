"""Spikes after a break and on a short history, as a runner meets them: files, the CLI, JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from factories import gpx

from loadwatch import analyze
from loadwatch.cli import cli
from loadwatch.metrics.spikes import break_factor, reference_words, top_spike
from loadwatch.nightly.notify import newest_week

#: A Monday, 07:00 UTC (Europe/Berlin: 09:00).
MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def _run(folder: Path, start: datetime, km: float, sport: str = "running") -> None:
    """A 30-minute activity of ``km`` km starting at ``start``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = gpx(start, minutes=30, speed=km * 1000 / 1800, step_s=30, type_=sport)
    (folder / f"{start:%Y-%m-%d-%H%M}-{sport}.gpx").write_text(text)


def _six_weeks(folder: Path) -> None:
    """Six weeks of three 5 km runs (Monday, Wednesday, Friday) from 1 June 2026."""
    for week in range(6):
        for day in (0, 2, 4):
            _run(folder, MONDAY + timedelta(weeks=week, days=day), 5.0)


def _analyze(folder: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["analyze", str(folder), "--timezone", "Europe/Berlin", "--jobs", "1", *args]
    )


def _json(folder: Path, as_of: str, *args: str) -> dict[str, Any]:
    result = _analyze(folder, "--format", "json", "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _last_run(report: dict[str, Any]) -> dict[str, Any]:
    run: dict[str, Any] = [a for a in report["activities"] if a["sport"] == "running"][-1]
    return run


def test_a_comeback_after_five_weeks_off_is_a_spike_and_not_a_quiet_week(tmp_path: Path) -> None:
    """Six weeks of 3 x 5 km, five weeks off, then 15 km: a large spike, a high-risk week."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    _run(folder, MONDAY + timedelta(weeks=11), 15.0)  # Monday 17 August
    report = _json(folder, "2026-08-19")
    run = _last_run(report)
    assert run["spike_basis"] == "after_break"
    # 5 km before the break, less 10% for each of the 5 whole weeks off: 15 / 2.95 = 5.08.
    assert run["spike_ratio"] == pytest.approx(15 / (5 * 0.9**5), abs=1e-3)
    assert run["spike"] == "large"
    week = report["weeks"][-1]
    assert week["risk"] == "high" and week["risk_reasons"] == ["session_spike:large"]
    assert week["flags"] == ["session_spike"]
    # The weekly measures cannot judge it: no week before with runs, no chronic load.
    assert week["distance_change"] is None and week["acwr"] is None
    spike = next(line for line in week["advice"] if line.startswith("Your 15.0 km run"))
    assert "× your longest run before your 5-week break (5.0 km), less 41%" in spike
    # Single runs grow from that reference, and say so (a week in progress: runs only).
    budget = week["next_week"]
    assert budget["longest_run_km"] == pytest.approx(5 * 0.9**5 * 1.1, abs=0.01)
    assert budget["basis"][-1] == "longest_run_km:spike_reference"
    assert "what your spike run was measured against +10%" in " ".join(week["advice"])
    table = _analyze(folder, "--as-of", "2026-08-19").output
    assert "No flags this week" not in table and "high risk" in table


def test_coming_back_at_the_old_longest_is_still_a_spike(tmp_path: Path) -> None:
    """The old longest run, 5 km, after five weeks off: 1.69 x, a moderate spike."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    _run(folder, MONDAY + timedelta(weeks=11), 5.0)
    run = _last_run(_json(folder, "2026-08-19"))
    assert run["spike"] == "moderate" and run["spike_basis"] == "after_break"
    assert run["spike_ratio"] == pytest.approx(1 / 0.9**5, abs=1e-3)


def test_a_new_users_runs_are_judged_from_the_second_on(tmp_path: Path) -> None:
    """Three 5 km runs, then 6.7 km (1.34 x) in the first month: a moderate spike, short."""
    folder = tmp_path / "watch"
    for day, km in [(0, 5.0), (2, 5.0), (4, 5.0), (7, 6.7)]:
        _run(folder, MONDAY + timedelta(days=day), km)
    report = _json(folder, "2026-06-09")
    runs = [a for a in report["activities"] if a["sport"] == "running"]
    assert [a["spike_basis"] for a in runs] == [None, *["short_history"] * 3]
    assert runs[0]["spike_ratio"] is None and runs[0]["spike"] is None
    assert runs[-1]["spike_ratio"] == pytest.approx(1.34, abs=1e-3)
    assert runs[-1]["spike"] == "moderate"
    week = report["weeks"][-1]
    assert week["risk"] == "elevated" and "session_spike" in week["flags"]
    spike = next(line for line in week["advice"] if line.startswith("Your 6.7 km run"))
    assert "the longest of your first 7 days of records (5.0 km), a short reference" in spike


def test_a_large_spike_on_a_short_history_makes_a_week_elevated_not_high(tmp_path: Path) -> None:
    """A 3 km first run, then 10 km: a large spike on a short reference weighs as elevated."""
    folder = tmp_path / "watch"
    for day, km in [(0, 3.0), (3, 10.0)]:
        _run(folder, MONDAY + timedelta(days=day), km)
    report = _json(folder, "2026-06-07")
    run = _last_run(report)
    assert run["spike"] == "large" and run["spike_basis"] == "short_history"
    week = report["weeks"][-1]
    assert week["risk"] == "elevated" and week["risk_reasons"] == ["session_spike:large"]


def test_a_spike_on_a_full_history_in_the_same_week_still_counts(tmp_path: Path) -> None:
    """A large spike on 30 days of history makes its week high beside a short-history one."""
    folder = tmp_path / "watch"
    for day, km in [(0, 2.5), (7, 2.5), (14, 2.5), (21, 2.5), (28, 6.0), (30, 13.0)]:
        _run(folder, MONDAY + timedelta(days=day), km)
    report = _json(folder, "2026-07-05")
    runs = [a for a in report["activities"] if a["sport"] == "running"][-2:]
    assert [(a["spike"], a["spike_basis"]) for a in runs] == [
        ("large", "short_history"),
        ("large", "30_days"),
    ]
    assert report["weeks"][-1]["risk"] == "high"


@pytest.mark.parametrize(("days", "basis"), [(14, "30_days"), (15, "after_break")])
def test_a_break_begins_after_fourteen_days(tmp_path: Path, days: int, basis: str) -> None:
    """A run 14 days after the last is no comeback; 15 days after it is."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    last = MONDAY + timedelta(weeks=5, days=4)
    _run(folder, last + timedelta(days=days), 5.0)
    run = _last_run(_json(folder, "2026-08-31"))
    assert run["spike_basis"] == basis
    expected = 1.0 if days == 14 else 1 / break_factor(2)  # 15 days: 2 whole weeks off
    assert run["spike_ratio"] == pytest.approx(expected, abs=1e-3)


def test_the_break_is_set_in_the_config_and_by_option(tmp_path: Path) -> None:
    """[risk] break_days = 21 makes 15 days no break; --break-days 10 wins over the file."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    last = MONDAY + timedelta(weeks=5, days=4)
    _run(folder, last + timedelta(days=12), 5.0)
    _run(folder, last + timedelta(days=27), 5.0)  # 15 days after the one before
    (folder / "loadwatch.toml").write_text("[risk]\nbreak_days = 21\n")
    runs = list(_json(folder, "2026-08-31")["activities"])
    assert [a["spike_basis"] for a in runs[-2:]] == ["30_days", "30_days"]
    runs = list(_json(folder, "2026-08-31", "--break-days", "10")["activities"])
    assert [a["spike_basis"] for a in runs[-2:]] == ["after_break", "after_break"]


def test_a_bad_break_setting_is_named(tmp_path: Path) -> None:
    """--break-days 0 is a usage error naming the option; a bad file value names its key."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    result = _analyze(folder, "--break-days", "0")
    assert result.exit_code == 2 and "--break-days" in result.output
    (folder / "loadwatch.toml").write_text("[risk]\nbreak_days = 31\n")
    result = _analyze(folder)
    assert result.exit_code == 1
    assert "risk.break_days must be a whole number of days from 1 to 30" in result.output


def test_other_activities_have_no_basis(tmp_path: Path) -> None:
    """A ride is never judged, even after a break; the run after it is judged on the runs."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    _run(folder, MONDAY + timedelta(weeks=8), 40.0, sport="cycling")
    _run(folder, MONDAY + timedelta(weeks=8, days=1), 4.0)
    report = _json(folder, "2026-07-28")
    ride = next(a for a in report["activities"] if a["sport"] == "cycling")
    assert ride["spike_basis"] is None and ride["spike_ratio"] is None
    assert _last_run(report)["spike_basis"] == "after_break"


def test_an_ordinary_history_keeps_the_thirty_day_ratio(tmp_path: Path) -> None:
    """Runs every few days, after the first month: the longest of the 30 days, as before."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    _run(folder, MONDAY + timedelta(weeks=6), 6.0)
    report = _json(folder, "2026-07-14")
    runs = [a for a in report["activities"] if a["sport"] == "running"]
    judged = [a for a in runs if a["start"] >= "2026-07-01"]
    assert judged and all(a["spike_basis"] == "30_days" for a in judged)
    assert _last_run(report)["spike_ratio"] == pytest.approx(1.2, abs=1e-3)
    assert _last_run(report)["spike"] == "small"
    spike = next(line for line in report["weeks"][-1]["advice"] if line.startswith("Your 6.0"))
    assert "× the longest run of the 30 days before it (5.0 km)" in spike


def test_the_notification_says_what_the_spike_was_measured_against(tmp_path: Path) -> None:
    """--notify's text names the break the spike is measured against."""
    folder = tmp_path / "watch"
    _six_weeks(folder)
    _run(folder, MONDAY + timedelta(weeks=11), 15.0)
    analysis = analyze(folder, timezone="Europe/Berlin", as_of=date(2026, 8, 19))
    status = newest_week(analysis, None)
    assert status is not None
    text = status.summary()
    assert "Spike: the 15.0 km run of Mon 17 Aug was 5.08 × your longest run before" in text
    assert "your 5-week break (5.0 km), less 41% for the weeks off (3.0 km)" in text


def _km(km: float) -> str:
    return f"{km:.1f} km"


def test_the_reference_in_words_for_short_spans() -> None:
    """A break under a week and a history of one day read naturally."""
    short_break = pd.Series({"spike_ref_km": 5.0, "spike_basis": "after_break", "break_weeks": 0})
    assert reference_words(short_break, _km) == "your longest run before your break (5.0 km)"
    one_day = pd.Series({"spike_ref_km": 5.0, "spike_basis": "short_history", "history_days": 0})
    assert reference_words(one_day, _km) == (
        "the longest of your first day of records (5.0 km), a short reference"
    )
    assert break_factor(20) == break_factor(8) == pytest.approx(0.9**8)


def test_a_timeline_without_spikes_has_no_top_spike() -> None:
    """A timeline made without the spike step has no spike to name."""
    frame = pd.DataFrame({"start": pd.to_datetime(["2026-06-01 07:00"]).tz_localize("UTC")})
    assert top_spike(frame, pd.Timestamp("2026-06-01")) is None
