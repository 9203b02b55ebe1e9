"""From summaries to the timeline: thresholds, intensity, duplicates, unusable activities."""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from factories import activity
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.ingest.summary import ActivitySummary, summarise
from loadwatch.ingest.usable import _richness, _same_activity, drop_duplicates, unusable
from loadwatch.metrics.timeline import build_timeline, thresholds
from loadwatch.settings.config import Athlete


def test_default_thresholds_come_from_the_history() -> None:
    """Rest 60, max = highest 99th-percentile HR of any run, threshold = rest + 0.85 x reserve."""
    easy = [summarise(activity(f"2026-06-0{d}T07:00:00Z", hr=150)) for d in (1, 2, 3)]
    hard = [
        summarise(activity(f"2026-06-0{d}T07:00:00Z", hr=180, speed=3.6)) for d in (5, 6)
    ]  # two hard efforts, 120 bpm above rest against the typical run's 90: they show the max
    runs = [*easy, *hard]
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


def test_a_gpx_summed_from_its_points_is_the_tcx_of_the_same_run() -> None:
    """TCX and GPX 6 s apart whose distances differ by 4.7% (GPS jitter): one run, the TCX."""
    tcx = summarise(activity(minutes=80, source="run.tcx", fmt="tcx"))
    gpx = summarise(
        activity("2026-06-01T07:00:06Z", minutes=80, speed=3.0 * 1.049, source="run.gpx", fmt="gpx")
    )
    kept, dropped = drop_duplicates([gpx, tcx])
    assert [k.source for k in kept] == ["run.tcx"]
    assert [(d.source, d.duplicate_of) for d in dropped] == [("run.gpx", "run.tcx")]


def test_a_phone_app_started_minutes_after_the_watch_is_the_same_run() -> None:
    """A GPX begun 3 minutes into a 30-minute FIT (10% shorter) overlaps it all: one run."""
    fit = summarise(activity(source="watch.fit"))
    gpx = summarise(activity("2026-06-01T07:03:00Z", minutes=27, source="phone.gpx", fmt="gpx"))
    kept, dropped = drop_duplicates([fit, gpx])
    assert [k.source for k in kept] == ["watch.fit"]
    assert [d.duplicate_of for d in dropped] == ["watch.fit"]


def test_short_recordings_starting_together_are_one_activity() -> None:
    """One-minute files 50 s apart barely overlap, but their start and distance agree: one."""
    first = summarise(activity(minutes=1, sport="cycling", source="edge.fit"))
    second = summarise(
        activity("2026-06-01T07:00:50Z", minutes=1, sport="cycling", source="fenix.fit")
    )
    kept, dropped = drop_duplicates([first, second])
    assert [k.source for k in kept] == ["edge.fit"]
    assert len(dropped) == 1


def test_a_warm_up_is_not_the_long_run_it_started_with() -> None:
    """A 15-minute warm-up lies inside a 90-minute run, but covers a sixth of its distance."""
    warm_up = summarise(activity(minutes=15, source="warm-up.fit"))
    long_run = summarise(activity(minutes=90, source="long.gpx", fmt="gpx"))
    kept, dropped = drop_duplicates([warm_up, long_run])
    assert sorted(k.source for k in kept) == ["long.gpx", "warm-up.fit"]
    assert dropped == []


def _recorded(
    source: str, start: str, timer_h: float, moving_h: float, km: float, sport: str = "running"
) -> ActivitySummary:
    """A summary of ``source`` (its format from the suffix) with these times and distance."""
    return dataclasses.replace(
        summarise(activity(minutes=1, sport=sport)),
        source=source,
        format=source.rsplit(".", 1)[1],
        start=datetime.fromisoformat(start),
        duration_s=timer_h * 3_600,
        moving_s=moving_h * 3_600,
        distance_m=km * 1_000,
    )


def test_a_file_left_recording_does_not_swallow_a_later_run() -> None:
    """A FIT left on for 9 h after a morning 10.2 km covers an evening 10.5 km GPX: two runs."""
    morning = _recorded("morning.fit", "2026-06-01T07:00:00+00:00", 9, 50 / 60, 10.2)
    evening = _recorded("evening.gpx", "2026-06-01T15:00:00+00:00", 50 / 60, 50 / 60, 10.5)
    kept, dropped = drop_duplicates([morning, evening])
    assert sorted(k.source for k in kept) == ["evening.gpx", "morning.fit"]
    assert dropped == []


def test_a_shorter_walk_inside_a_long_hike_is_another_walk() -> None:
    """A 4 h, 19 km walk begun 2 h into a 7 h, 21 km hike moved for far less time: two walks."""
    hike = _recorded("hike.fit", "2026-06-01T07:00:00+00:00", 7, 7, 21, sport="walking")
    walk = _recorded("walk.fit", "2026-06-01T09:00:00+00:00", 4, 4, 19, sport="walking")
    kept, dropped = drop_duplicates([hike, walk])
    assert sorted(k.source for k in kept) == ["hike.fit", "walk.fit"]
    assert dropped == []


def test_a_gpx_that_counts_the_stops_is_the_watch_run_it_copies() -> None:
    """A watch's 2 h (auto-paused) and a GPX's 3 h with an hour's stop counted: one run."""
    watch = _recorded("watch.fit", "2026-06-01T07:00:00+00:00", 2, 2, 21)
    phone = _recorded("phone.gpx", "2026-06-01T07:00:30+00:00", 3, 2.2, 22.5)
    kept, dropped = drop_duplicates([watch, phone])
    assert [k.source for k in kept] == ["watch.fit"]
    assert [(d.source, d.duplicate_of) for d in dropped] == [("phone.gpx", "watch.fit")]


def test_intervals_whose_rests_outlast_the_running_are_one_session() -> None:
    """10 x 400 m: the phone's GPX counts 25 minutes of standing rests the watch paused out."""
    watch = _recorded("watch.fit", "2026-06-01T07:00:00+00:00", 890 / 3600, 890 / 3600, 4.0)
    phone = _recorded("phone.gpx", "2026-06-01T07:00:20+00:00", 2399 / 3600, 903 / 3600, 4.15)
    kept, dropped = drop_duplicates([watch, phone])
    assert [k.source for k in kept] == ["watch.fit"]
    assert [(d.source, d.duplicate_of) for d in dropped] == [("phone.gpx", "watch.fit")]


def test_a_treadmill_run_on_two_devices_is_one_run() -> None:
    """No GPS: the belt says 9.0 km, the watch's accelerometer 8.0 km. One run, not two."""
    indoor = {"track_lat": np.empty(0, np.float32), "track_lon": np.empty(0, np.float32)}
    watch = dataclasses.replace(
        _recorded("watch.fit", "2026-06-01T07:00:00+00:00", 0.75, 0.75, 8.0), **indoor
    )
    belt = dataclasses.replace(
        _recorded("treadmill.fit", "2026-06-01T07:00:30+00:00", 0.75, 0.75, 9.0), **indoor
    )
    kept, dropped = drop_duplicates([watch, belt])
    assert len(kept) == 1 and len(dropped) == 1
    outdoors = drop_duplicates(
        [
            _recorded("watch.fit", "2026-06-01T07:00:00+00:00", 0.75, 0.75, 8.0),
            _recorded("other.fit", "2026-06-01T07:00:30+00:00", 0.75, 0.75, 9.0),
        ]
    )
    assert len(outdoors[0]) == 2  # two GPS totals 11% apart stay two runs


@pytest.mark.parametrize(
    ("start", "minutes", "speed", "sport", "fmt"),
    [
        ("2026-06-01T18:00:00Z", 30, 3.0, "running", "fit"),  # the evening run, same distance
        ("2026-06-01T07:10:00Z", 30, 3.0, "running", "fit"),  # overlap 67% of the shorter
        ("2026-06-01T07:00:10Z", 30, 3.4, "running", "fit"),  # device totals 12% apart
        ("2026-06-01T07:00:10Z", 30, 3.8, "running", "gpx"),  # a GPX 21% longer
        ("2026-06-01T07:00:10Z", 30, 3.0, "cycling", "fit"),  # a ride at the same time
        ("2026-06-01T07:01:01Z", 0, 3.0, "running", "fit"),  # no duration, 61 s later
    ],
)
def test_not_duplicates(start: str, minutes: float, speed: float, sport: str, fmt: str) -> None:
    """Another time, too little overlap, other distances or another sport: both are kept."""
    first = summarise(activity(minutes=minutes, source="one.fit"))
    second = summarise(
        activity(start, minutes=minutes, speed=speed, sport=sport, fmt=fmt, source=f"two.{fmt}")
    )
    kept, dropped = drop_duplicates([first, second])
    assert len(kept) == 2
    assert dropped == []


@pytest.mark.parametrize(
    ("start", "speed", "fmt"),
    [
        ("2026-06-01T07:01:01Z", 3.0, "fit"),  # 61 s later, overlap 97%
        ("2026-06-01T07:00:10Z", 3.27, "fit"),  # device totals 8% apart
        ("2026-06-01T07:00:10Z", 3.5, "gpx"),  # a GPX 14% longer
    ],
)
def test_overlapping_runs_of_similar_distance_are_one(start: str, speed: float, fmt: str) -> None:
    """Spans overlapping over 80% with distances within 10% (20% for a GPX): one activity."""
    first = summarise(activity(source="one.fit"))
    second = summarise(activity(start, speed=speed, fmt=fmt, source=f"two.{fmt}"))
    kept, dropped = drop_duplicates([first, second])
    assert [k.source for k in kept] == ["one.fit"]
    assert len(dropped) == 1


def _brute_force(summaries: list[ActivitySummary]) -> list[tuple[str, str]]:
    """The duplicates found by comparing each activity with every richer one kept."""
    kept: list[ActivitySummary] = []
    dropped: list[tuple[str, str]] = []
    for candidate in sorted(summaries, key=_richness):
        twin = next((k for k in kept if _same_activity(k, candidate)), None)
        if twin is None:
            kept.append(candidate)
        else:
            dropped.append((candidate.source, twin.source))
    return sorted(dropped)


_BASE = summarise(activity(minutes=1, hr=None, gps=False))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4 * 86_400),  # start, s
            st.sampled_from([0.0, 30.0, 600.0, 3_600.0, 3 * 86_400.0]),  # timer time, s
            st.sampled_from([1.0, 0.6]),  # moving time / timer time
            st.sampled_from([0.0, 1_000.0, 1_050.0, 1_150.0, 10_000.0]),  # distance, m
            st.sampled_from(["running", "cycling"]),
            st.sampled_from(["fit", "tcx", "gpx"]),
        ),
        max_size=30,
    )
)
def test_window_search_finds_what_comparing_all_pairs_finds(
    drawn: list[tuple[int, float, float, float, str, str]],
) -> None:
    """The window search over starts drops exactly what comparing every pair would."""
    origin = _BASE.start
    summaries = [
        dataclasses.replace(
            _BASE,
            source=f"{i}.{fmt}",
            format=fmt,
            start=origin + timedelta(seconds=start),
            duration_s=timer,
            moving_s=timer * moving,
            distance_m=distance,
            sport=sport,
        )
        for i, (start, timer, moving, distance, sport, fmt) in enumerate(drawn)
    ]
    _, dropped = drop_duplicates(summaries)
    assert sorted((d.source, d.duplicate_of) for d in dropped) == _brute_force(summaries)


def test_an_unbelievable_activity_is_skipped(tmp_path: Path) -> None:
    """A damaged file claiming 33,000 km in 22 s is skipped with its reason, not summed."""
    damaged = activity(minutes=22 / 60, distance_m=33_624_000.0, timer_s=22.0, source="bad.fit")
    fine = activity("2026-06-02T07:00:00Z", speed=5.5, source="fast.fit")  # 19.8 km/h: fine
    reasons = [unusable(summarise(damaged)), unusable(summarise(fine))]
    assert reasons[0] is not None and "is not believable: 33,624.0 km" in reasons[0]
    assert reasons[1] is None
