"""Weekly metrics and the 10% rule: pure functions over a timeline, no I/O.

Weeks run Monday to Sunday (Sunday to Saturday with ``week_start=WeekStart.SUNDAY``) in the
time zone of the timeline's ``start`` column (the athlete's local time); the rule is
:mod:`loadwatch.metrics.calendar`'s. Every calendar week from the first run to the last is
present; weeks without runs have ``runs == 0``. See ``docs/metrics.md`` for each definition and
its sources.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from loadwatch.fields import WEEK_FIELDS, Frame, columns
from loadwatch.metrics.calendar import week_range, week_starts
from loadwatch.model import DEFAULT_THRESHOLD
from loadwatch.vocab import Flag, MeasureSource, Note, Surface, WeekStart

#: A week whose known-surface distance is at least this share road gets the hard_surface note...
HARD_SURFACE_SHARE = 0.90
#: ...when the known surfaces cover at least this share of its distance: 10 km of road and
#: 14 km of unknown is not "nearly all on road".
HARD_SURFACE_KNOWN_SHARE = 0.75
#: Absolute tolerance when comparing a figure with its limit, so that 10.0 -> 11.0 km (exactly
#: +10%) is not flagged because of floating-point rounding.
LIMIT_TOLERANCE = 1e-9

#: The measures the 10% rule is applied to: flag name -> weekly column.
RULE_MEASURES: dict[str, str] = {
    "distance": "distance_km",
    "intensity": "intensity",
    "frequency": "runs",
}

#: The 10% rule's flags a week in progress can raise: what is done so far only grows (its
#: intensity can still fall).
IN_PROGRESS_FLAGS = frozenset({Flag.DISTANCE, Flag.FREQUENCY})
#: Notes that judge a week as a whole, left off the week in progress.
WHOLE_WEEK_NOTES = frozenset({Note.LOW_LOAD})

#: Columns of the weekly frame, in order (the index is ``week_start``): from the field schema.
WEEKLY_COLUMNS: tuple[str, ...] = columns(WEEK_FIELDS, Frame.WEEKLY)


def weekly(
    timeline: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    week_start: WeekStart = WeekStart.MONDAY,
    as_of: date | None = None,
) -> pd.DataFrame:
    """Sum a timeline's runs into calendar weeks and apply the 10% rule.

    Only running activities count (road, trail, track and treadmill runs alike).

    Args:
        timeline: As made by :func:`loadwatch.timeline`: ``start`` in local time, ``sport``,
            ``surface``, ``distance_km``, ``duration_s``, ``moving_s``, ``intensity``,
            ``hard_minutes``, ``elev_gain_m``.
        threshold: Growth over the previous week that raises a flag (0.10 is 10%).
        week_start: The day weeks start on (Monday, or Sunday).
        as_of: The local day the weeks are judged on, taken at its end: the week holding it is
            in progress (``complete`` false) unless it is the week's last day, and keeps only
            the flags that what is done so far already earns (:data:`IN_PROGRESS_FLAGS`).
            ``None``: every week is over.

    Returns:
        One row per calendar week, indexed by ``week_start`` (the week's first day, a tz-naive
        midnight), with :data:`WEEKLY_COLUMNS`; ``attrs["week_start"]`` keeps ``week_start``.
        ``*_change`` is the fractional change from the previous week (NaN when that week had no
        run); ``flags`` lists the measures that grew by more than ``threshold``;
        ``distance_cap_km`` is the previous week's distance x (1 + threshold);
        ``remaining_km`` and ``remaining_runs`` what the week could still add within the rule.
    """
    runs = timeline[timeline["sport"] == "running"]
    if runs.empty:
        empty = pd.DataFrame(columns=list(WEEKLY_COLUMNS))
        empty.index = pd.DatetimeIndex([], name="week_start")
        empty.attrs["week_start"] = WeekStart(week_start)
        return empty
    runs = runs.assign(
        week_start=week_starts(runs["start"], week_start),
        weighted_intensity=runs["intensity"] * runs["moving_s"],
        intensity_s=runs["moving_s"].where(runs["intensity"].notna(), 0.0),
    )
    grouped = runs.groupby("week_start")
    weeks = pd.DataFrame(
        {
            "runs": grouped.size(),
            "distance_km": grouped["distance_km"].sum(),
            "duration_s": grouped["duration_s"].sum(),
            "moving_s": grouped["moving_s"].sum(),
            "hard_minutes": grouped["hard_minutes"].sum(),
            "elev_gain_m": grouped["elev_gain_m"].sum(),
        }
    )
    weighted = grouped["weighted_intensity"].sum(min_count=1)
    seconds = grouped["intensity_s"].sum()
    weeks["intensity"] = (weighted / seconds).where(seconds > 0)
    weeks["intensity_source"] = _intensity_sources(runs)
    split = [f"surface_km_{surface}" for surface in Surface]
    if all(column in runs.columns for column in split):
        # Each run's own breakdown (a map can split one run over several surfaces).
        weeks[split] = grouped[split].sum()
    else:  # a plain timeline: each run's whole distance on its one surface
        surface_km = runs.pivot_table(
            index="week_start",
            columns="surface",
            values="distance_km",
            aggfunc="sum",
            fill_value=0.0,
        )
        for surface in Surface:
            weeks[f"surface_km_{surface}"] = surface_km.get(surface, 0.0)

    weeks = weeks.reindex(week_range(weeks.index.min(), weeks.index.max()))
    totals = [c for c in weeks.columns if c not in ("intensity", "intensity_source")]
    weeks[totals] = weeks[totals].fillna(0.0)
    weeks["runs"] = weeks["runs"].astype("int64")
    weeks = _apply_rule(weeks, threshold)
    result = _in_progress(weeks, as_of, threshold)[list(WEEKLY_COLUMNS)]
    result.attrs["week_start"] = WeekStart(week_start)
    return result


def _intensity_sources(runs: pd.DataFrame) -> pd.Series:
    """Each week's intensity scale: ``pace`` when most of its timed intensity is from pace
    alone, ``pace_calibrated`` when some is pace put on the heart-rate scale, else
    ``heart_rate``; None without any intensity. A timeline without sources is heart rate."""
    known = runs["intensity"].notna()
    source = runs["intensity_source"] if "intensity_source" in runs else pd.Series(None, runs.index)
    timed = runs.assign(
        pace_s=runs["moving_s"].where(known & (source == MeasureSource.PACE), 0.0),
        calibrated_s=runs["moving_s"].where(known & (source == MeasureSource.PACE_CALIBRATED), 0.0),
    ).groupby("week_start")
    seconds = timed["intensity_s"].sum()
    pace_s, calibrated_s = timed["pace_s"].sum(), timed["calibrated_s"].sum()
    words = [
        None
        if total <= 0
        else MeasureSource.PACE
        if pace > total / 2
        else MeasureSource.PACE_CALIBRATED
        if calibrated > 0
        else MeasureSource.HEART_RATE
        for total, pace, calibrated in zip(seconds, pace_s, calibrated_s, strict=True)
    ]
    return pd.Series(words, index=seconds.index, dtype="object")


def _apply_rule(weeks: pd.DataFrame, threshold: float) -> pd.DataFrame:
    previous = weeks.shift(1)
    had_runs = previous["runs"] >= 1
    flags: list[list[str]] = [[] for _ in range(len(weeks))]
    for flag, column in RULE_MEASURES.items():
        before = previous[column].astype("float64")
        now = weeks[column].astype("float64")
        usable = had_runs & (before > 0) & before.notna() & now.notna()
        if flag == Flag.INTENSITY:  # like with like: pace alone is not on the heart-rate scale
            on_pace = weeks["intensity_source"] == MeasureSource.PACE
            usable &= on_pace == on_pace.shift(1, fill_value=False)
        change = ((now - before) / before).where(usable)
        name = "runs_change" if column == "runs" else f"{column.removesuffix('_km')}_change"
        weeks[name] = change
        for position in np.flatnonzero((change > threshold + LIMIT_TOLERANCE).to_numpy()):
            flags[position].append(flag)
    weeks["distance_cap_km"] = (previous["distance_km"] * (1.0 + threshold)).where(had_runs)
    weeks["flags"] = [tuple(f) for f in flags]
    weeks["notes"] = [tuple(n) for n in _notes(weeks)]
    return weeks


def _in_progress(weeks: pd.DataFrame, as_of: date | None, threshold: float) -> pd.DataFrame:
    """``complete``, ``days_elapsed`` and what is left within the rule; the week in progress
    keeps only the flags it can no longer lose."""
    index = pd.DatetimeIndex(weeks.index)
    if as_of is None:
        elapsed = np.full(len(weeks), 7)
    else:
        elapsed = np.clip((pd.Timestamp(as_of) - index).days.to_numpy() + 1, 1, 7)
    weeks["days_elapsed"] = elapsed.astype("int64")
    weeks["complete"] = elapsed == 7
    newest = np.arange(len(weeks)) == len(weeks) - 1
    room_km = (weeks["distance_cap_km"] - weeks["distance_km"]).clip(lower=0.0)
    before = weeks["runs"].shift(1)
    allowed = np.floor(before * (1.0 + threshold) + LIMIT_TOLERANCE).where(before >= 1)
    room_runs = (allowed - weeks["runs"]).clip(lower=0.0)
    # Only the newest week can still take anything; the others keep NaN (null in the JSON).
    weeks["remaining_km"] = room_km.where(newest)
    weeks["remaining_runs"] = room_runs.where(newest)
    weeks["flags"] = [
        flags if done else tuple(f for f in flags if f in IN_PROGRESS_FLAGS)
        for flags, done in zip(weeks["flags"], weeks["complete"], strict=True)
    ]
    return weeks


def settle_in_progress(weeks: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``weeks`` (with the risk measures) whose week in progress has no note that
    judges a whole week (``low_load``: a week is not easy before it is over).

    A frame without ``complete`` (made without an as-of day) is returned as it is.
    """
    if "complete" not in weeks.columns:
        return weeks
    out = weeks.copy()
    out["notes"] = [
        notes if done else tuple(n for n in notes if n not in WHOLE_WEEK_NOTES)
        for notes, done in zip(out["notes"], out["complete"], strict=True)
    ]
    return out


def _notes(weeks: pd.DataFrame) -> list[list[str]]:
    known = weeks[[f"surface_km_{s}" for s in Surface if s != Surface.UNKNOWN]].sum(axis=1)
    total = known + weeks["surface_km_unknown"]
    covered = known >= HARD_SURFACE_KNOWN_SHARE * total - LIMIT_TOLERANCE
    road_share = (weeks["surface_km_road"] / known).where((known > 0) & covered)
    return [
        ["hard_surface"] if share >= HARD_SURFACE_SHARE - LIMIT_TOLERANCE else []
        for share in road_share.fillna(0.0)
    ]
