"""Instants of the timeline's local times: what orders runs and bounds look-back windows.

The timeline's ``start`` is in the athlete's local time, and calendar days are counted on that
clock (:mod:`loadwatch.metrics.calendar`); but the clock repeats an hour each autumn, so which
run came first, and whether a run falls inside a window, is decided on the instant (UTC).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loadwatch.metrics import calendar


def utc_instants(times: pd.Series) -> np.ndarray:
    """The instants of tz-aware ``times`` as UTC ``datetime64[ns]`` (tz-naive ones as they are)."""
    if times.dt.tz is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return times.to_numpy(dtype="datetime64[ns]")


def same_clock_before(times: pd.Series, days: int) -> np.ndarray:
    """The instant (UTC) of the same local clock time ``days`` calendar days before each time.

    A clock time that happened twice (the hour the clocks went back) is taken the first time,
    so that the window is the wider one, and one that never happened (the hour they went
    forward) is moved on to the first that did.
    """
    earlier = calendar.wall_clock(times) - pd.Timedelta(days=days)
    zone = times.dt.tz
    if zone is not None:
        first_time = np.ones(len(earlier), dtype=bool)  # of an ambiguous time: the DST one
        earlier = earlier.dt.tz_localize(zone, ambiguous=first_time, nonexistent="shift_forward")
    return utc_instants(earlier)
