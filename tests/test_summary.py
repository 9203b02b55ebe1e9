"""Per-activity summaries: distance, timer and moving time, heart rate, ascent."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from factories import activity

from loadwatch.ingest.activity import Activity, make_samples
from loadwatch.ingest.summary import Histogram, ascent, summarise


def test_constant_run_totals() -> None:
    """A 30-minute run at 3 m/s: 5.4 km, 1800 s moving and timed, mean HR 150."""
    summary = summarise(activity(minutes=30, speed=3.0, hr=150))
    assert summary.distance_m == pytest.approx(5400)
    assert summary.moving_s == pytest.approx(1800)
    assert summary.duration_s == pytest.approx(1800)
    assert summary.mean_moving_speed_mps == pytest.approx(3.0)
    assert summary.hr.mean() == pytest.approx(150)
    assert summary.hr_coverage == pytest.approx(1.0)
    assert summary.hr_p99 == pytest.approx(150)
    assert summary.has_gps


def test_device_totals_win_over_samples() -> None:
    """Timer time and distance the device recorded are used as they are."""
    summary = summarise(activity(minutes=30, timer_s=1750.5, distance_m=5321.0))
    assert (summary.duration_s, summary.distance_m) == (1750.5, 5321.0)


def _with_pause() -> Activity:
    """10 minutes running, a 10-minute stop with the watch paused, 10 minutes running."""
    first = activity(minutes=10, speed=3.0).samples
    second = activity("2026-06-01T07:20:00Z", minutes=10, speed=3.0).samples
    second["distance_m"] += first["distance_m"].iloc[-1]
    samples = pd.concat([first, second], ignore_index=True)
    return Activity("running", None, first["time"].iloc[0].to_pydatetime(), "p.gpx", samples, "gpx")


def test_a_pause_is_neither_moving_nor_timer_time() -> None:
    """Without a timer in the file, a long stop without movement is left out of both times."""
    summary = summarise(_with_pause())
    assert summary.moving_s == pytest.approx(1200)
    assert summary.duration_s == pytest.approx(1200)
    assert summary.distance_m == pytest.approx(3600)


def test_standing_still_is_timer_but_not_moving_time() -> None:
    """Waiting 60 s at a crossing with the timer running counts as time, not moving time."""
    base = activity(minutes=10, speed=3.0).samples
    stand = base.iloc[-1:].copy()
    extra = []
    for k in range(1, 61):
        row = stand.copy()
        row["time"] = row["time"] + pd.Timedelta(seconds=k)
        extra.append(row)
    samples = pd.concat([base, *extra], ignore_index=True)
    run = Activity("running", None, base["time"].iloc[0].to_pydatetime(), "s.fit", samples, "fit")
    summary = summarise(run)
    assert summary.moving_s == pytest.approx(600)
    assert summary.duration_s == pytest.approx(660)


def test_heart_rate_histogram_gives_time_above_a_threshold() -> None:
    """Minutes at or above a heart rate come from the moving-time histogram."""
    easy = activity(minutes=20, hr=140).samples
    hard = activity("2026-06-01T07:20:01Z", minutes=10, hr=170).samples
    hard["distance_m"] += easy["distance_m"].iloc[-1] + 3
    samples = pd.concat([easy, hard], ignore_index=True)
    run = Activity("running", None, easy["time"].iloc[0].to_pydatetime(), "h.fit", samples, "fit")
    summary = summarise(run)
    assert summary.hr.seconds_at_or_above(165) == pytest.approx(601)
    assert summary.hr.seconds_at_or_above(171) == 0
    assert summary.hr.total_s == pytest.approx(1801)


def test_no_heart_rate() -> None:
    """Without heart rate, the histogram is empty and the mean is NaN."""
    summary = summarise(activity(hr=None))
    assert summary.hr.total_s == 0
    assert math.isnan(summary.hr.mean())
    assert math.isnan(summary.hr_p99)


def test_no_speed_data_counts_short_intervals_as_moving() -> None:
    """A heart-rate-only indoor session has no distance: intervals up to 60 s count as moving."""
    times = pd.date_range("2026-06-01T07:00:00Z", periods=601, freq="1s")
    samples = make_samples({"time": times, "hr_bpm": np.full(601, 120.0)})
    summary = summarise(
        Activity("strength", None, times[0].to_pydatetime(), "x.fit", samples, "fit")
    )
    assert summary.moving_s == pytest.approx(600)
    assert summary.distance_m == 0
    assert summary.duration_s == pytest.approx(600)


def test_ascent_ignores_noise_below_the_hysteresis() -> None:
    """±2 m jitter adds nothing; a 10 m climb and another 5 m climb add 15 m."""
    jitter = np.array([100, 102, 100, 102, 100, 101, 100], dtype=float)
    assert ascent(jitter) == 0
    climbs = np.array([100, 105, 110, 108, 103, 104, 108, 101], dtype=float)
    assert ascent(climbs) == pytest.approx(10 + 5)
    assert ascent(np.array([np.nan, 100, np.nan, 120])) == pytest.approx(20)


def test_histogram_bins_and_threshold_edges() -> None:
    """Values are binned, NaNs dropped, and the threshold edge is inclusive."""
    hist = Histogram.of(
        np.array([150.2, 149.8, np.nan, 160.0]), np.array([1.0, 2.0, 5.0, 4.0]), 1.0
    )
    assert list(hist.values) == [150.0, 160.0]
    assert list(hist.seconds) == [3.0, 4.0]
    assert hist.seconds_at_or_above(160) == 4.0
    assert hist.mean() == pytest.approx((150 * 3 + 160 * 4) / 7)
