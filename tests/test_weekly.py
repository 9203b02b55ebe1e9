"""Weekly sums and the 10% rule, on timelines whose answers are known by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from factories import timeline_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from loadwatch.metrics.calendar import first_weekday
from loadwatch.metrics.weekly import WEEKLY_COLUMNS, weekly
from loadwatch.vocab import WeekStart


def test_weeks_run_monday_to_sunday_in_local_time() -> None:
    """A late-Sunday run stays in its week; a just-after-midnight Monday run starts the next."""
    frame = timeline_frame(
        [
            {"start": "2026-06-07 23:30", "distance_km": 5.0},  # Sunday (21:30 UTC)
            {"start": "2026-06-08 00:30", "distance_km": 6.0},  # Monday (Sunday 22:30 UTC)
        ]
    )
    weeks = weekly(frame)
    assert list(weeks.index.date.astype(str)) == ["2026-06-01", "2026-06-08"]
    assert list(weeks["distance_km"]) == [5.0, 6.0]


def test_sunday_weeks_run_sunday_to_saturday_in_local_time() -> None:
    """With Sunday weeks a late-Saturday run ends its week and a Sunday run starts the next."""
    frame = timeline_frame(
        [
            {"start": "2026-06-06 23:30", "distance_km": 4.0},  # Saturday
            {"start": "2026-06-07 00:30", "distance_km": 5.0},  # Sunday (Saturday 22:30 UTC)
            {"start": "2026-06-08 00:30", "distance_km": 6.0},  # Monday
        ]
    )
    weeks = weekly(frame, week_start=WeekStart.SUNDAY)
    assert list(weeks.index.date.astype(str)) == ["2026-05-31", "2026-06-07"]
    assert list(weeks["distance_km"]) == [4.0, 11.0]
    assert weeks.attrs["week_start"] is WeekStart.SUNDAY


def test_every_calendar_week_is_present_with_zero_runs_when_empty() -> None:
    """Weeks without runs appear with 0 runs and 0 km, and break the comparison chain."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 10.0},
            {"start": "2026-06-22 07:00", "distance_km": 20.0},
        ]
    )
    weeks = weekly(frame)
    assert list(weeks["runs"]) == [1, 0, 0, 1]
    assert list(weeks["distance_km"]) == [10.0, 0.0, 0.0, 20.0]
    # The week after a rest week is not compared with it (no runs there): no flag.
    assert weeks["flags"].iloc[3] == ()
    assert math.isnan(weeks["distance_change"].iloc[3])


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [(10.0, 11.0, False), (10.0, 11.01, True), (20.0, 22.0, False), (30.0, 33.3, True)],
)
def test_distance_flag_only_above_ten_percent(before: float, after: float, flagged: bool) -> None:
    """Exactly +10% is within the rule, anything more is flagged (no float rounding surprises)."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": before},
            {"start": "2026-06-08 07:00", "distance_km": after},
        ]
    )
    weeks = weekly(frame)
    assert ("distance" in weeks["flags"].iloc[1]) is flagged
    assert weeks["distance_change"].iloc[1] == pytest.approx(after / before - 1)
    assert weeks["distance_cap_km"].iloc[1] == pytest.approx(before * 1.1)


def test_threshold_is_a_parameter() -> None:
    """With a 30% threshold, +20% is not flagged and +31% is."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 10.0},
            {"start": "2026-06-08 07:00", "distance_km": 12.0},
            {"start": "2026-06-15 07:00", "distance_km": 15.72},
        ]
    )
    weeks = weekly(frame, threshold=0.30)
    assert [("distance" in f) for f in weeks["flags"]] == [False, False, True]
    assert weeks["distance_cap_km"].iloc[1] == pytest.approx(13.0)


def test_frequency_flag_counts_runs() -> None:
    """Three runs then four is +33% frequency; the same distance raises no distance flag."""
    rows = [{"start": f"2026-06-0{d} 07:00", "distance_km": 8.0} for d in (1, 3, 5)]
    rows += [{"start": f"2026-06-{d} 07:00", "distance_km": 6.0} for d in (8, 10, 12, 14)]
    weeks = weekly(timeline_frame(rows))
    assert list(weeks["runs"]) == [3, 4]
    assert weeks["runs_change"].iloc[1] == pytest.approx(1 / 3)
    assert weeks["flags"].iloc[1] == ("frequency",)


def test_weekly_intensity_is_moving_time_weighted() -> None:
    """A 60-minute run at 0.7 and a 30-minute run at 1.0 average to 0.8, not 0.85."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 10, "intensity": 0.7, "moving_s": 3600},
            {"start": "2026-06-03 07:00", "distance_km": 5, "intensity": 1.0, "moving_s": 1800},
            {"start": "2026-06-08 07:00", "distance_km": 15, "intensity": 0.9, "moving_s": 5400},
        ]
    )
    weeks = weekly(frame)
    assert weeks["intensity"].iloc[0] == pytest.approx(0.8)
    assert weeks["intensity_change"].iloc[1] == pytest.approx(0.9 / 0.8 - 1)
    assert weeks["flags"].iloc[1] == ("intensity",)


def test_intensity_unknown_runs_do_not_dilute_the_mean() -> None:
    """Runs without intensity (no heart rate, no pace) are left out of the weighted mean."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 10, "intensity": 0.9},
            {"start": "2026-06-02 07:00", "distance_km": 10, "intensity": float("nan")},
        ]
    )
    assert weekly(frame)["intensity"].iloc[0] == pytest.approx(0.9)


def test_surface_sums_and_hard_surface_note() -> None:
    """surface_km adds each class; 90% road of the known distance adds the hard_surface note,
    when the known surfaces cover three quarters of the week."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 9.0, "surface": "road"},
            {"start": "2026-06-02 07:00", "distance_km": 1.0, "surface": "trail"},
            {"start": "2026-06-03 07:00", "distance_km": 2.0, "surface": "unknown"},
            {"start": "2026-06-08 07:00", "distance_km": 8.0, "surface": "road"},
            {"start": "2026-06-09 07:00", "distance_km": 2.0, "surface": "track"},
            {"start": "2026-06-15 07:00", "distance_km": 9.0, "surface": "road"},
            {"start": "2026-06-16 07:00", "distance_km": 1.0, "surface": "trail"},
            {"start": "2026-06-17 07:00", "distance_km": 20.0, "surface": "unknown"},
        ]
    )
    weeks = weekly(frame)
    first = weeks.iloc[0]
    assert (first["surface_km_road"], first["surface_km_trail"]) == (9.0, 1.0)
    assert first["surface_km_unknown"] == 2.0
    assert first["notes"] == ("hard_surface",)  # 9 of 10 known km on road, 10 of 12 known
    assert weeks["notes"].iloc[1] == ()  # 80% road
    assert weeks["notes"].iloc[2] == ()  # 9 of 10 known km on road, but 20 of 30 unknown
    surface_total = weeks[[c for c in weeks.columns if c.startswith("surface_km_")]].sum(axis=1)
    assert list(surface_total) == list(weeks["distance_km"])


def test_only_running_counts() -> None:
    """Rides, swims and strength sessions do not enter the weekly running load."""
    frame = timeline_frame(
        [
            {"start": "2026-06-01 07:00", "distance_km": 10.0},
            {"start": "2026-06-02 07:00", "distance_km": 60.0, "sport": "cycling"},
            {"start": "2026-06-03 07:00", "distance_km": 0.0, "sport": "strength"},
        ]
    )
    weeks = weekly(frame)
    assert list(weeks["runs"]) == [1]
    assert list(weeks["distance_km"]) == [10.0]


def test_no_runs_gives_an_empty_frame_with_the_columns() -> None:
    """A timeline without runs gives no weeks, but the same columns."""
    weeks = weekly(
        timeline_frame([{"start": "2026-06-01 07:00", "distance_km": 30, "sport": "cycling"}])
    )
    assert weeks.empty
    assert list(weeks.columns) == list(WEEKLY_COLUMNS)
    assert weeks.attrs["week_start"] is WeekStart.MONDAY


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=120),  # day
            st.integers(min_value=0, max_value=23),  # hour
            st.floats(min_value=0, max_value=50, allow_nan=False),
            st.sampled_from(["road", "trail", "track", "treadmill", "unknown"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(list(WeekStart)),
)
def test_weekly_sums_equal_the_sum_of_runs(
    runs: list[tuple[int, int, float, str]], week_start: WeekStart
) -> None:
    """Whatever the runs and the first day of the week, weekly distances and counts add up to
    the timeline's, and the weeks follow each other 7 days apart (over the March DST change)."""
    base = pd.Timestamp("2026-01-05")
    rows = [
        {"start": str(base + pd.Timedelta(days=d, hours=h)), "distance_km": km, "surface": s}
        for d, h, km, s in runs
    ]
    frame = timeline_frame(rows)
    weeks = weekly(frame, week_start=week_start)
    assert weeks["runs"].sum() == len(runs)
    assert weeks["distance_km"].sum() == pytest.approx(frame["distance_km"].sum())
    steps = weeks.index.to_series().diff().dropna()
    assert (steps == pd.Timedelta(days=7)).all()
    assert (weeks.index.day_of_week == first_weekday(week_start)).all()
