"""A heart-rate strap left at home, and thresholds guessed from a history of easy runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from factories import activity, timeline_frame

from loadwatch.cli import cli
from loadwatch.ingest.summary import summarise
from loadwatch.metrics.calibration import calibration_ratios
from loadwatch.metrics.timeline import build_timeline, thresholds
from loadwatch.metrics.weekly import weekly
from loadwatch.render.data import thresholds_record
from loadwatch.samples.fitwrite import write_activity_fit
from loadwatch.settings.config import Athlete

#: A Monday, 06:00 UTC.
MONDAY = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
#: Metres per degree of latitude (spherical Earth of radius 6,371,008.8 m).
M_PER_DEG = 111_195.0
#: An easy run: 45 minutes at 3.0 m/s (5:33/km) and 145 bpm.
EASY = {"minutes": 45.0, "speed": 3.0, "hr": 145.0}
#: A tempo run: 30 minutes at 3.6 m/s (4:38/km), heart rate as far above rest as speed is
#: above the easy run's (rest 60: 85 x 1.2 = 102 bpm above it).
TEMPO = {"minutes": 30.0, "speed": 3.6, "hr": 162.0}


def _run(folder: Path, start: datetime, kind: dict[str, float], *, strap: bool, seed: int) -> None:
    """One run as a watch records it, every 2 s, with a little noise in speed and heart rate."""
    rng = np.random.default_rng(seed)
    elapsed = np.arange(0.0, kind["minutes"] * 60.0, 2.0)
    speed = kind["speed"] + 0.12 * rng.standard_normal(len(elapsed))
    distance = np.cumsum(speed * 2.0)
    hr = kind["hr"] + 3.0 * rng.standard_normal(len(elapsed)) if strap else None
    data = write_activity_fit(
        start=start,
        elapsed_s=elapsed,
        distance_m=distance,
        speed_mps=speed,
        hr_bpm=hr,
        lat=47.0 + distance / M_PER_DEG,
        lon=np.full(len(elapsed), 8.0),
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{start:%Y-%m-%d-%H%M}.fit").write_bytes(data)


def _weeks(
    folder: Path,
    weeks: int,
    *,
    without_strap: tuple[int, ...] = (),
    plan: tuple[dict[str, float], ...] = (EASY, EASY, EASY),
    config: str | None = None,
) -> None:
    """``weeks`` weeks of the same runs (Monday, Wednesday, Friday...), the strap left at home
    in the weeks ``without_strap``."""
    for week in range(weeks):
        for n, kind in enumerate(plan):
            start = MONDAY + timedelta(weeks=week, days=2 * n)
            _run(folder, start, kind, strap=week not in without_strap, seed=10 * week + n)
    if config is not None:
        (folder / "loadwatch.toml").write_text(config)


def _analyze(folder: Path, *args: str) -> Result:
    result = CliRunner().invoke(
        cli, ["analyze", str(folder), "--timezone", "UTC", "--jobs", "1", *args]
    )
    assert result.exit_code == 0, result.output
    return result


def _json(folder: Path, weeks: int) -> dict[str, Any]:
    as_of = (MONDAY + timedelta(weeks=weeks, days=-1)).date().isoformat()
    report: dict[str, Any] = json.loads(
        _analyze(folder, "--as-of", as_of, "--format", "json").stdout
    )
    return report


def _agree(report: dict[str, Any], *, minutes: float = 5.0) -> None:
    """No intensity flag, and each week's intensity, load and hard minutes close to the first's."""
    first = report["weeks"][0]
    for week in report["weeks"]:
        assert "intensity" not in week["flags"], week
        assert abs(week["intensity"] - first["intensity"]) <= 0.05 * first["intensity"], week
        assert abs(week["load"] - first["load"]) <= 0.15 * first["load"], week
        assert abs(week["hard_minutes"] - first["hard_minutes"]) <= minutes, week


def test_a_week_without_the_strap_is_not_a_hard_week(tmp_path: Path) -> None:
    """Identical easy runs, strap at home in week 2: no intensity flag, load within 15%."""
    _weeks(tmp_path, 3, without_strap=(1,))
    report = _json(tmp_path, 3)
    _agree(report)
    strapless = [a for a in report["activities"] if a["trimp"] is None]
    assert len(strapless) == 3
    assert {a["intensity_source"] for a in strapless} == {"pace_calibrated"}
    assert {a["load_source"] for a in strapless} == {"pace_calibrated"}
    assert [w["intensity_source"] for w in report["weeks"]] == [
        "heart_rate",
        "pace_calibrated",
        "heart_rate",
    ]


def test_a_configured_max_and_a_pace_threshold_from_alike_runs_agree(tmp_path: Path) -> None:
    """The issue's case (max 190 set, pace threshold from the runs): 0.77 is not 1.00 strapless."""
    _weeks(tmp_path, 3, without_strap=(1,), config="[athlete]\nmax_hr = 190\n")
    report = _json(tmp_path, 3)
    _agree(report)
    assert round(report["weeks"][1]["intensity"], 2) == 0.77
    assert report["weeks"][1]["hard_minutes"] == 0


def test_easy_and_tempo_runs_without_the_strap_agree(tmp_path: Path) -> None:
    """Two easy runs and a tempo a week, strap at home in week 3: the weeks still agree."""
    plan = (EASY, TEMPO, EASY)
    _weeks(tmp_path, 4, without_strap=(2,), plan=plan)
    report = _json(tmp_path, 4)
    _agree(report)
    assert report["thresholds"]["origin"]["max_hr"] == "history"  # the tempo runs show it


def test_without_enough_runs_with_both_pace_is_compared_only_with_pace(tmp_path: Path) -> None:
    """Two strapped runs cannot calibrate: the pace weeks are not compared with them."""
    _weeks(tmp_path, 1, plan=(EASY, EASY))
    later = tmp_path / "later"
    for n in range(3):
        _run(later, MONDAY + timedelta(weeks=1, days=2 * n), EASY, strap=False, seed=n)
    (tmp_path / "loadwatch.toml").write_text("[athlete]\nmax_hr = 190\nthreshold_pace = '4:40'\n")
    report = _json(tmp_path, 2)
    first, second = report["weeks"]
    assert (first["intensity_source"], second["intensity_source"]) == ("heart_rate", "pace")
    assert second["intensity_change"] is None
    assert "intensity" not in second["flags"]
    assert {a["load_source"] for a in report["activities"][2:]} == {"pace"}


def test_an_easy_only_history_does_not_make_every_minute_hard(tmp_path: Path) -> None:
    """Every run at 145 bpm: easy runs below 1, no minute hard, the thresholds called guesses."""
    _weeks(tmp_path, 3)
    report = _json(tmp_path, 3)
    runs = report["activities"]
    assert all(a["intensity"] < 1.0 for a in runs)
    assert all(a["load"] < 100 for a in runs)  # a 45-minute easy run, not TRIMP 196
    assert all(w["hard_minutes"] < 0.1 * w["duration_s"] / 60 for w in report["weeks"])
    limits = report["thresholds"]
    assert limits["origin"] == {
        "rest_hr": "default",
        "max_hr": "guess",
        "threshold_hr": "guess",
        "threshold_pace_s_per_km": "guess",
    }
    assert "[athlete]" in limits["how_to_set"] and "loadwatch.toml" in limits["how_to_set"]


def test_runs_after_as_of_do_not_set_the_thresholds(tmp_path: Path) -> None:
    """Hard runs after --as-of are left out of the history the thresholds are guessed from."""
    _weeks(tmp_path, 3)
    for n in range(3):  # hard runs in week 4, after the day analysed
        start = MONDAY + timedelta(weeks=3, days=2 * n)
        _run(tmp_path, start, {"minutes": 30.0, "speed": 4.2, "hr": 198.0}, strap=True, seed=n)
    then = _json(tmp_path, 3)["thresholds"]
    assert then["origin"]["max_hr"] == "guess" and then["max_hr"] == 190
    later = _json(tmp_path, 4)["thresholds"]
    assert later["max_hr"] > 195  # the hard runs, once the day analysed reaches them


def test_the_legend_says_which_thresholds_are_guesses_and_how_to_set_them(tmp_path: Path) -> None:
    """The table's legend calls rest 60 a default, the max a guess, and names the settings."""
    _weeks(tmp_path, 2)
    text = " ".join(_analyze(tmp_path, "--as-of", "2026-06-14").output.split())
    assert "history; rest 60" not in text
    assert "(guess; rest 60 default, max 190)" in text
    assert "threshold pace" in text and "(guess)" in text
    assert "under [athlete] in loadwatch.toml" in text


def test_the_athlete_table_wins_over_any_guess(tmp_path: Path) -> None:
    """rest_hr, max_hr, threshold_hr and threshold_pace set: used as set, called config."""
    config = "[athlete]\nrest_hr = 50\nmax_hr = 175\nthreshold_hr = 160\nthreshold_pace = '4:30'\n"
    _weeks(tmp_path, 2, config=config)
    report = _json(tmp_path, 2)
    limits = report["thresholds"]
    assert (limits["rest_hr"], limits["max_hr"], limits["threshold_hr"]) == (50, 175, 160)
    assert limits["threshold_pace_s_per_km"] == 270
    assert set(limits["origin"].values()) == {"config"}
    assert limits["how_to_set"] is None
    assert abs(report["activities"][0]["intensity"] - (145 - 50) / (160 - 50)) < 0.005
    text = " ".join(_analyze(tmp_path, "--as-of", "2026-06-14").output.split())
    assert "(config; rest 50, max 175)" in text and "loadwatch.toml" not in text


def test_calibration_needs_three_runs_with_both_within_90_days() -> None:
    """The median ratio of the runs with both nearby; NaN with fewer than 3 in the window."""
    days = np.array([0.0, 1.0, 2.0, 3.0, 200.0])
    by_hr = np.array([0.7, 0.8, 0.9, np.nan, np.nan])
    by_pace = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    ratios = calibration_ratios(days, by_hr, by_pace)
    assert list(ratios[:4]) == pytest.approx([0.8] * 4)
    assert np.isnan(ratios[4])  # 200 days later: nothing to calibrate it with
    assert np.isnan(calibration_ratios(days[:2], by_hr[:2], by_pace[:2])).all()


def test_without_heart_rate_or_long_runs_the_thresholds_are_unknown() -> None:
    """No heart rate anywhere and no run of 20 minutes: nothing is guessed from nothing."""
    short = summarise(activity(minutes=10, hr=None))
    limits = thresholds([short], Athlete())
    assert np.isnan(limits.max_hr) and np.isnan(limits.threshold_speed_mps)
    assert limits.origin["max_hr"] == limits.origin["threshold_speed_mps"] == "unknown"
    assert limits.origin["threshold_hr"] == "unknown"
    record = thresholds_record(limits)
    assert record["max_hr"] is None and record["threshold_pace_s_per_km"] is None
    assert record["how_to_set"] is not None  # rest 60 is still a default


def test_a_ride_without_heart_rate_has_no_intensity_or_load() -> None:
    """A non-run without heart rate: intensity and load unknown, their sources none."""
    ride = summarise(activity(hr=None, sport="cycling"))
    limits = thresholds([ride], Athlete(max_hr=190, threshold_pace_s_per_km=250))
    row = build_timeline([ride], limits, timezone="UTC").iloc[0]
    assert (row["intensity_source"], row["load_source"]) == ("none", "none")
    assert np.isnan(row["intensity"]) and np.isnan(row["load"])


def test_a_timeline_without_sources_is_on_the_heart_rate_scale() -> None:
    """weekly() on a frame made without intensity_source compares its weeks as before."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 08:00", "distance_km": 10.0, "intensity": 0.8},
            {"start": "2026-06-08 08:00", "distance_km": 10.0, "intensity": 1.0},
        ]
    ).drop(columns=["intensity_source"])
    weeks = weekly(frame)
    assert list(weeks["intensity_source"]) == ["heart_rate", "heart_rate"]
    assert "intensity" in weeks["flags"].iloc[1]
