"""What a runner meets in a synced folder: fragments that are not runs, --since on the whole
history, spikes across the autumn clock change, and the road note when surfaces are unknown.
Each test writes activity files into a folder and reads ``loadwatch analyze``'s JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from factories import M_PER_DEG, gpx

from loadwatch.cli import cli
from loadwatch.metrics.instants import same_clock_before, utc_instants

MONDAY = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def analyze_json(folder: Path, *options: str) -> dict[str, Any]:
    """``loadwatch analyze FOLDER --format json``, exit 0, as data."""
    result = CliRunner().invoke(cli, ["analyze", str(folder), "--format", "json", *options])
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def short_gpx(start: datetime, *, seconds: int, metres: float) -> str:
    """A GPX track of ``seconds`` seconds (one point a second) covering ``metres``."""
    points = []
    for k in range(seconds + 1):
        when = (start + timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat = 47.0 + metres * k / seconds / M_PER_DEG
        points.append(f'<trkpt lat="{lat:.7f}" lon="8.0"><time>{when}</time></trkpt>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="a watch" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>'
        f"{''.join(points)}</trkseg></trk></gpx>\n"
    )


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


@pytest.fixture
def with_fragment(tmp_path: Path) -> Path:
    """Two weeks of two 30-minute runs; in the second, a 14-second, 6 m broken recording."""
    folder = tmp_path / "watch"
    for week in range(2):
        for day in (0, 2):
            start = MONDAY + timedelta(weeks=week, days=day)
            write(folder, f"w{week}d{day}.gpx", gpx(start, minutes=30, step_s=10))
    fragment = MONDAY + timedelta(weeks=1, days=4)
    write(folder, "fragment.gpx", short_gpx(fragment, seconds=14, metres=6))
    return folder


# --- fragments are not runs ------------------------------------------------------------------


def test_a_fragment_is_skipped_and_raises_no_frequency_flag(with_fragment: Path) -> None:
    """A 14 s, 6 m recording is listed as skipped with its reason and is not counted as a run."""
    data = analyze_json(with_fragment, "--timezone", "UTC")
    skipped = {entry["source"]: entry["reason"] for entry in data["skipped"]}
    assert skipped["fragment.gpx"] == "is too short to be a run (14.0 s, 6 m)"
    assert [week["runs"] for week in data["weeks"]] == [2, 2]
    assert "frequency" not in data["weeks"][-1]["flags"]
    assert all(a["source"] != "fragment.gpx" for a in data["activities"])


def test_the_minimums_come_from_the_config_file(with_fragment: Path) -> None:
    """With both minimums at 0 in the folder's loadwatch.toml the fragment counts as a run
    again, and raises frequency (3 runs after 2)."""
    (with_fragment / "loadwatch.toml").write_text(
        "[runs]\nmin_duration_s = 0\nmin_distance_m = 0\n"
    )
    data = analyze_json(with_fragment, "--timezone", "UTC")
    assert [week["runs"] for week in data["weeks"]] == [2, 3]
    assert "frequency" in data["weeks"][-1]["flags"]
    assert not any("too short" in entry["reason"] for entry in data["skipped"])


def test_a_run_shorter_than_the_distance_minimum_is_skipped(tmp_path: Path) -> None:
    """Five minutes but 150 m (a watch left running at the start line): too short as well, and
    the reason gives minutes:seconds."""
    write(tmp_path, "run.gpx", gpx(MONDAY, minutes=30, step_s=10))
    write(
        tmp_path, "start-line.gpx", short_gpx(MONDAY + timedelta(days=1), seconds=300, metres=150)
    )
    data = analyze_json(tmp_path, "--timezone", "UTC")
    skipped = {entry["source"]: entry["reason"] for entry in data["skipped"]}
    assert skipped == {"start-line.gpx": "is too short to be a run (5:00, 150 m)"}


def test_other_sports_have_no_minimum(tmp_path: Path) -> None:
    """A one-minute ride is kept: only runs are counted in the weekly figures, and a short
    ride or walk is a real activity more often than a broken one."""
    write(tmp_path, "run.gpx", gpx(MONDAY, minutes=30, step_s=10))
    write(
        tmp_path, "ride.gpx", gpx(MONDAY + timedelta(days=1), minutes=1, speed=8, type_="cycling")
    )
    data = analyze_json(tmp_path, "--timezone", "UTC")
    assert {a["sport"] for a in data["activities"]} == {"running", "cycling"}
    assert data["skipped"] == []


def test_a_bad_minimum_in_the_config_names_the_setting(with_fragment: Path) -> None:
    """A negative minimum is a config error naming runs.min_duration_s: exit 1."""
    (with_fragment / "loadwatch.toml").write_text("[runs]\nmin_duration_s = -5\n")
    result = CliRunner().invoke(cli, ["analyze", str(with_fragment), "--timezone", "UTC"])
    assert result.exit_code == 1
    assert "runs.min_duration_s" in result.stderr


# --- --since computes on the whole history ---------------------------------------------------


def test_since_only_hides_the_weeks_before_it(tmp_path: Path) -> None:
    """The weeks after --since keep the change and ACWR they have without it; the activities
    and weeks shown start at the week holding the date."""
    for week, minutes in enumerate([30, 32, 34, 36, 30, 40]):
        for day in (0, 3):
            start = MONDAY + timedelta(weeks=week, days=day)
            write(tmp_path, f"w{week}d{day}.gpx", gpx(start, minutes=minutes, step_s=10))
    whole = analyze_json(tmp_path, "--timezone", "UTC")
    cut = analyze_json(tmp_path, "--timezone", "UTC", "--since", "2026-07-01")
    assert [w["week_start"] for w in cut["weeks"]] == ["2026-06-29", "2026-07-06"]
    assert cut["weeks"] == whole["weeks"][-2:]
    first = cut["weeks"][0]
    assert first["distance_change"] is not None and first["acwr"] is not None
    assert min(a["start"] for a in cut["activities"]) >= "2026-06-29"


# --- spikes across the autumn clock change ---------------------------------------------------


def test_spike_across_the_autumn_clock_change(tmp_path: Path) -> None:
    """In Berlin on 25 Oct 2026 the clocks go back at 03:00: a run at 02:10 CEST and one at
    02:05 CET, 55 minutes later, are judged in that order. The second is 1.6 times the first
    (moderate); the first is judged against the runs before it, not the later one."""
    write(tmp_path, "sep01.gpx", gpx(datetime(2026, 9, 1, 7, 0, tzinfo=UTC), minutes=30))
    write(tmp_path, "sep30.gpx", gpx(datetime(2026, 9, 30, 7, 0, tzinfo=UTC), minutes=30))
    # A run within 14 days of the first, so that it does not come back from a break.
    write(tmp_path, "oct12.gpx", gpx(datetime(2026, 10, 12, 7, 0, tzinfo=UTC), minutes=30))
    write(tmp_path, "first.gpx", gpx(datetime(2026, 10, 25, 0, 10, tzinfo=UTC), minutes=30))
    write(tmp_path, "second.gpx", gpx(datetime(2026, 10, 25, 1, 5, tzinfo=UTC), minutes=48))
    data = analyze_json(tmp_path, "--timezone", "Europe/Berlin")
    runs = {a["source"]: a for a in data["activities"]}
    assert runs["first.gpx"]["start"].startswith("2026-10-25T02:10:00+02:00")
    assert runs["second.gpx"]["start"].startswith("2026-10-25T02:05:00+01:00")
    assert runs["first.gpx"]["spike_ratio"] == pytest.approx(1.0, abs=0.01)
    assert runs["second.gpx"]["spike_ratio"] == pytest.approx(1.6, abs=0.01)
    assert runs["second.gpx"]["spike"] == "moderate"


# --- the road note needs known surfaces -------------------------------------------------------


def test_no_road_note_when_most_of_the_week_is_unknown(tmp_path: Path) -> None:
    """10 km on road and 14 km of unknown surface is not "nearly all on road"."""
    write(tmp_path, "road.gpx", gpx(MONDAY, minutes=56, step_s=10, name="Road run"))
    write(tmp_path, "other.gpx", gpx(MONDAY + timedelta(days=2), minutes=78, step_s=10))
    week = analyze_json(tmp_path, "--timezone", "UTC")["weeks"][-1]
    assert week["surface_km"]["road"] == pytest.approx(10.1, abs=0.1)
    assert week["surface_km"]["unknown"] == pytest.approx(14.0, abs=0.1)
    assert "hard_surface" not in week["notes"]
    assert not any("road" in line for line in week["advice"])


def test_road_note_says_the_unknown_share(tmp_path: Path) -> None:
    """20 km on road and 2 km unknown: the note is raised, and its advice says that 9% of
    the week's surface is not known."""
    write(tmp_path, "road.gpx", gpx(MONDAY, minutes=111, step_s=10, name="Road run"))
    write(tmp_path, "other.gpx", gpx(MONDAY + timedelta(days=2), minutes=11, step_s=10))
    week = analyze_json(tmp_path, "--timezone", "UTC")["weeks"][-1]
    assert "hard_surface" in week["notes"]
    said = [line for line in week["advice"] if "road" in line]
    assert said == [
        "Nearly all of this week's running on known surfaces was on road (9% was on surfaces "
        "not known): mix in trail or track runs."
    ]


def test_window_starts_on_clock_times_that_happened_twice_or_never() -> None:
    """30 days before 02:30 on 24 Nov (Berlin) is 02:30 on 25 Oct, which happened twice: the
    first time (00:30 UTC). 30 days before 02:30 on 28 Apr is 02:30 on 29 Mar, which never
    happened: the window starts at 03:00 CEST (01:00 UTC)."""
    starts = pd.Series(
        pd.to_datetime(["2026-11-24 01:30", "2026-04-28 00:30"], utc=True)
    ).dt.tz_convert("Europe/Berlin")
    got = same_clock_before(starts, 30)
    assert list(got) == [np.datetime64("2026-10-25T00:30"), np.datetime64("2026-03-29T01:00")]
    assert list(utc_instants(starts)) == [
        np.datetime64("2026-11-24T01:30"),
        np.datetime64("2026-04-28T00:30"),
    ]
