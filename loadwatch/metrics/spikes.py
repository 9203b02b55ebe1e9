"""Single-run spikes: each run's distance against a reference, and which reference that was.

Pure functions over the timeline; no I/O. The rules, their sources and their caveats are in
``docs/metrics.md`` ("Single-run spikes"). In short, a run is compared with:

- ``30_days``: the longest run of the 30 days before it (Frandsen et al. 2025);
- ``after_break``: when no run started in the ``break_days`` days before it (14 by default),
  the longest run of the 30 days up to the last run before the break, less 10% for each whole
  week of the break (at most 8 weeks counted): a convention, the 10% rule run backwards, so
  that coming back at the old longest run after weeks off is still a spike;
- ``short_history``: when the records begin less than 30 days before it, the longest run since
  they began (from a runner's second run on), a reference shorter than the study's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from loadwatch.fields import ACTIVITY_FIELDS, Frame, columns
from loadwatch.metrics import calendar
from loadwatch.metrics.instants import same_clock_before, utc_instants
from loadwatch.metrics.weekly import LIMIT_TOLERANCE
from loadwatch.model import DEFAULT_BREAK_DAYS
from loadwatch.vocab import SpikeBasis

#: Days before a run in which its longest predecessor is looked for.
SPIKE_WINDOW_DAYS = 30
#: Spike classes and the ratio each starts *above* (Frandsen et al. 2025); <= 1.10 is no spike.
SPIKE_CLASSES: tuple[tuple[str, float], ...] = (
    ("large", 2.00),
    ("moderate", 1.30),
    ("small", 1.10),
)
#: What each whole week of a break leaves of the reference (a convention: 10% a week).
BREAK_WEEK_FACTOR = 0.90
#: Weeks of a break counted at most (detraining levels off after about 8 weeks).
BREAK_WEEKS_MAX = 8
#: Timeline columns :func:`add_spikes` adds (from the field schema).
SPIKE_COLUMNS: tuple[str, ...] = columns(ACTIVITY_FIELDS, Frame.SPIKE)

_WEEK = np.timedelta64(7, "D")


class _Runs(NamedTuple):
    """The runs of a timeline in start order, and what each one's reference needs."""

    starts: np.ndarray  # UTC instants, sorted
    km: np.ndarray
    window_starts: np.ndarray  # the same clock time window_days days earlier
    break_starts: np.ndarray  # the same clock time break_days days earlier
    local: np.ndarray  # wall-clock times, for the weeks of a break
    history_start: np.datetime64  # the first activity of any sport


class _Reference(NamedTuple):
    km: float
    basis: SpikeBasis
    break_weeks: float = math.nan
    history_days: float = math.nan


def spike_class(ratio: float) -> str | None:
    """The spike class of a distance ratio: ``None`` up to 1.10, then small, moderate, large.

    Each class starts *above* its lower edge: 1.10 is no spike, 1.30 small, 2.00 moderate.
    NaN (not judged) is none; an infinite ratio (after a run of a few micrometres) is large.
    """
    if math.isnan(ratio):
        return None
    for name, above in SPIKE_CLASSES:
        if ratio > above + LIMIT_TOLERANCE:
            return name
    return None


def break_factor(weeks: float) -> float:
    """What a break of ``weeks`` whole weeks leaves of the reference: 0.9 per week, 8 at most."""
    return float(BREAK_WEEK_FACTOR ** min(weeks, BREAK_WEEKS_MAX))


def add_spikes(
    timeline: pd.DataFrame,
    *,
    window_days: int = SPIKE_WINDOW_DAYS,
    break_days: int = DEFAULT_BREAK_DAYS,
) -> pd.DataFrame:
    """Add each run's spike reference, ratio and class (a new frame; others get nulls).

    Adds :data:`SPIKE_COLUMNS`. ``spike_ref_km`` is the run's reference and ``spike_basis``
    which one (see the module's docstring): the longest run that started in the
    ``window_days`` days before the run (from the same local clock time ``window_days`` days
    earlier up to its start; a run earlier the same day counts, the run itself and runs
    starting at the same instant do not); after a break (no run from the same clock time
    ``break_days`` days earlier up to its start) the longest of the ``window_days`` days up to
    the last run before the break, times :func:`break_factor` of the break's whole weeks
    (``break_weeks``); while the records (of any sport) began less than ``window_days`` days
    before it, the longest run since they began (``history_days``: days of records before the
    run). Runs are ordered and windows bounded by instants, not clock times.

    ``spike_ratio`` is the run's distance over the reference, and ``spike`` its
    :func:`spike_class`; ratio, class and basis are null for a run without an earlier one, and
    when the reference is 0 km.

    Args:
        timeline: One row per activity with ``start`` (local), ``sport`` and ``distance_km``.
        window_days: The look-back window.
        break_days: Days without a run after which a run comes back from a break (at most
            ``window_days``).
    """
    frame = timeline.copy()
    size = len(frame)
    ratio, reference = np.full(size, np.nan), np.full(size, np.nan)
    weeks, days = np.full(size, np.nan), np.full(size, np.nan)
    basis: list[str | None] = [None] * size
    runs = np.flatnonzero((frame["sport"] == "running").to_numpy())
    if len(runs):
        order, sorted_runs = _sorted_runs(frame, runs, window_days, break_days)
        for k, km in enumerate(sorted_runs.km):
            found = _reference(sorted_runs, k)
            if found is None:
                continue
            position = runs[order[k]]
            reference[position] = found.km
            weeks[position], days[position] = found.break_weeks, found.history_days
            if found.km > 0 and math.isfinite(km):
                with np.errstate(over="ignore"):
                    ratio[position] = km / found.km
                basis[position] = str(found.basis)
    frame["spike_ratio"] = ratio
    frame["spike"] = pd.Series([spike_class(r) for r in ratio], index=frame.index, dtype="object")
    frame["spike_ref_km"] = reference
    frame["spike_basis"] = pd.Series(basis, index=frame.index, dtype="object")
    frame["break_weeks"] = weeks
    frame["history_days"] = days
    return frame


def _sorted_runs(
    frame: pd.DataFrame, runs: np.ndarray, window_days: int, break_days: int
) -> tuple[np.ndarray, _Runs]:
    """The runs in start order (by instant), and the order that sorted them."""
    starts = frame["start"].iloc[runs]
    instants = utc_instants(starts)
    order = np.argsort(instants, kind="stable")
    local = calendar.wall_clock(starts).to_numpy(dtype="datetime64[ns]")
    sorted_runs = _Runs(
        starts=instants[order],
        km=frame["distance_km"].astype("float64").to_numpy()[runs][order],
        window_starts=same_clock_before(starts, window_days)[order],
        break_starts=same_clock_before(starts, break_days)[order],
        local=local[order],
        history_start=utc_instants(frame["start"]).min(),
    )
    return order, sorted_runs


def _reference(runs: _Runs, k: int) -> _Reference | None:
    """The reference of the ``k``-th run in start order; ``None`` without a run before it."""
    before = int(np.searchsorted(runs.starts, runs.starts[k], side="left"))
    if before == 0:
        return None
    last = before - 1
    if runs.starts[last] < runs.break_starts[k]:
        first = int(np.searchsorted(runs.starts, runs.window_starts[last], side="left"))
        weeks = float((runs.local[k] - runs.local[last]) // _WEEK)
        longest = float(np.nanmax(runs.km[first:before]))
        return _Reference(longest * break_factor(weeks), SpikeBasis.AFTER_BREAK, break_weeks=weeks)
    if runs.window_starts[k] < runs.history_start:
        days = float((runs.starts[k] - runs.history_start) / np.timedelta64(1, "D"))
        longest = float(np.nanmax(runs.km[:before]))
        return _Reference(longest, SpikeBasis.SHORT_HISTORY, history_days=math.floor(days))
    first = int(np.searchsorted(runs.starts, runs.window_starts[k], side="left"))
    return _Reference(float(np.nanmax(runs.km[first:before])), SpikeBasis.DAYS_30)


def reference_words(run: pd.Series, dist: Callable[[float], str]) -> str:
    """The reference a spike run was compared with, in words, for advice and notifications.

    ``"the longest run of the 30 days before it (8.0 km)"``; ``"your longest run before your
    5-week break (5.0 km), less 41% for the weeks off (2.95 km)"``; ``"the longest of your
    first 12 days of records (5.0 km), a short reference"``.

    Args:
        run: A timeline row with the columns of :func:`add_spikes`.
        dist: Writes a distance in km for people (``"5.0 km"``, or in miles).
    """
    ref = float(run["spike_ref_km"])
    basis = run.get("spike_basis")
    if basis == SpikeBasis.AFTER_BREAK:
        weeks = int(run["break_weeks"])
        if weeks < 1:
            return f"your longest run before your break ({dist(ref)})"
        factor = break_factor(weeks)
        return (
            f"your longest run before your {weeks}-week break ({dist(ref / factor)}), less "
            f"{round((1 - factor) * 100)}% for the weeks off ({dist(ref)})"
        )
    if basis == SpikeBasis.SHORT_HISTORY:
        days = int(run["history_days"])
        span = "first day" if days <= 1 else f"first {days} days"
        return f"the longest of your {span} of records ({dist(ref)}), a short reference"
    return f"the longest run of the 30 days before it ({dist(ref)})"


def top_spike(timeline: pd.DataFrame, first_day: pd.Timestamp) -> pd.Series | None:
    """The spike run with the largest ratio of the week starting on ``first_day``, if any."""
    if "spike" not in timeline.columns:
        return None
    week = timeline[calendar.in_week(timeline["start"], first_day) & timeline["spike"].notna()]
    if week.empty:
        return None
    top: pd.Series = week.iloc[int(week["spike_ratio"].to_numpy().argmax())]
    return top
