"""From summaries to the timeline: thresholds, intensity, duplicates, unusable activities."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from factories import activity

from loadwatch.config import Athlete
from loadwatch.summary import summarise
from loadwatch.timeline import build_timeline, thresholds
from loadwatch.usable import drop_duplicates, unusable


def test_default_thresholds_come_from_the_history() -> None:
    """Rest 60, max = highest 99th-percentile HR of any run, threshold = rest + 0.85 x reserve."""
    runs = [summarise(activity(hr=150)), summarise(activity("2026-06-03T07:00:00Z", hr=180))]
    ride = summarise(activity("2026-06-04T07:00:00Z", hr=195, sport="cycling"))
    limits = thresholds([*runs, ride], Athlete())
    assert limits.rest_hr == 60
    assert limits.max_hr == pytest.approx(180)  # the ride's 195 does not count
    assert limits.threshold_hr == pytest.approx(60 + 0.85 * 120)
    assert limits.origin == {
        "rest_hr": "default",
        "max_hr": "history",
        "threshold_hr": "history",
        "threshold_speed_mps": "history",
    }


def test_threshold_speed_is_the_90th_percentile_of_longer_runs() -> None:
    """Only runs of 20 minutes or more set the threshold speed; short fast ones do not."""
    speeds = [2.5, 2.8, 3.0, 3.2, 3.4]
    runs = [
        summarise(activity(f"2026-06-{d:02d}T07:00:00Z", minutes=25, speed=s, hr=None))
        for d, s in enumerate(speeds, start=1)
    ]
    sprint = summarise(activity("2026-06-10T07:00:00Z", minutes=5, speed=6.0, hr=None))
    limits = thresholds([*runs, sprint], Athlete())
    # numpy's linear interpolation: position 0.9 * 4 = 3.6 between 3.2 and 3.4.
    assert limits.threshold_speed_mps == pytest.approx(3.2 + 0.6 * 0.2)
    assert math.isnan(limits.max_hr)


def test_config_values_win() -> None:
    """Configured rest, max, threshold HR and pace replace the derived ones."""
    runs = [summarise(activity(hr=150))]
    limits = thresholds(runs, Athlete(rest_hr=50, max_hr=190, threshold_pace_s_per_km=250))
    assert limits.threshold_hr == pytest.approx(50 + 0.85 * 140)
    assert limits.threshold_speed_mps == pytest.approx(4.0)
    assert limits.origin["threshold_hr"] == "config"
    limits = thresholds(runs, Athlete(threshold_hr=171))
    assert limits.threshold_hr == 171


def test_intensity_from_heart_rate_and_hard_minutes() -> None:
    """With heart rate: (avg - rest) / (threshold - rest); minutes at or above threshold."""
    summaries = [summarise(activity(hr=150)), summarise(activity("2026-06-02T07:00:00Z", hr=170))]
    limits = thresholds(summaries, Athlete(rest_hr=60, threshold_hr=165))
    frame = build_timeline(summaries, limits, timezone="Europe/Berlin")
    assert list(frame["intensity"]) == pytest.approx([90 / 105, 110 / 105])
    assert list(frame["hard_minutes"]) == pytest.approx([0.0, 30.0])
    assert list(frame["avg_hr"]) == pytest.approx([150, 170])
    assert str(frame["start"].dt.tz) == "Europe/Berlin"
    assert frame["start"].iloc[0].hour == 9  # 07:00 UTC is 09:00 in Berlin in June


def test_intensity_from_pace_without_heart_rate() -> None:
    """Without heart rate a run's intensity is its mean moving speed / threshold speed."""
    summaries = [summarise(activity(hr=None, speed=3.0))]
    limits = thresholds(summaries, Athlete(threshold_pace_s_per_km=250))  # 4 m/s
    frame = build_timeline(summaries, limits, timezone="UTC")
    assert frame["intensity"].iloc[0] == pytest.approx(0.75)
    assert frame["hard_minutes"].iloc[0] == 0


def test_fit_is_kept_over_gpx_of_the_same_run() -> None:
    """Same run as FIT and GPX, 20 s and 1% apart: the FIT stays, the GPX is listed."""
    fit = summarise(activity(source="a/run.fit", fmt="fit"))
    gpx = summarise(activity("2026-06-01T07:00:20Z", source="b/run.gpx", fmt="gpx", speed=3.03))
    kept, dropped = drop_duplicates([gpx, fit])
    assert [k.source for k in kept] == ["a/run.fit"]
    assert [(d.source, d.duplicate_of) for d in dropped] == [("b/run.gpx", "a/run.fit")]


@pytest.mark.parametrize(
    ("start", "speed", "sport"),
    [
        ("2026-06-01T07:01:01Z", 3.0, "running"),  # 61 s later
        ("2026-06-01T07:00:10Z", 3.1, "running"),  # 3.3% longer
        ("2026-06-01T07:00:10Z", 3.0, "cycling"),  # another sport
    ],
)
def test_not_duplicates(start: str, speed: float, sport: str) -> None:
    """Starts over 60 s apart, distances over 3% apart, or another sport: both are kept."""
    first = summarise(activity(source="one.fit"))
    second = summarise(activity(start, speed=speed, sport=sport, source="two.fit"))
    kept, dropped = drop_duplicates([first, second])
    assert len(kept) == 2
    assert dropped == []


def test_an_unbelievable_activity_is_skipped(tmp_path: Path) -> None:
    """A damaged file claiming 33,000 km in 22 s is skipped with its reason, not summed."""
    damaged = activity(minutes=22 / 60, distance_m=33_624_000.0, timer_s=22.0, source="bad.fit")
    fine = activity("2026-06-02T07:00:00Z", speed=5.5, source="fast.fit")  # 19.8 km/h: fine
    reasons = [unusable(summarise(damaged)), unusable(summarise(fine))]
    assert reasons[0] is not None and "is not believable: 33,624.0 km" in reasons[0]
    assert reasons[1] is None
