"""Weekly metrics and the 10% rule: pure functions over a timeline, no I/O.

Weeks run Monday to Sunday (Sunday to Saturday with ``week_start=WeekStart.SUNDAY``) in the
time zone of the timeline's ``start`` column (the athlete's local time); the rule is
:mod:`loadwatch.metrics.calendar`'s. Every calendar week from the first run to the last is
present; weeks without runs have ``runs == 0``. See ``docs/metrics.md`` for each definition and
its sources.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from loadwatch.fields import WEEK_FIELDS, Frame, columns
from loadwatch.metrics.calendar import week_range, week_starts
from loadwatch.model import DEFAULT_THRESHOLD
from loadwatch.vocab import Surface, WeekStart

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

#: Columns of the weekly frame, in order (the index is ``week_start``): from the field schema.
WEEKLY_COLUMNS: tuple[str, ...] = columns(WEEK_FIELDS, Frame.WEEKLY)


def weekly(
    timeline: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    week_start: WeekStart = WeekStart.MONDAY,
) -> pd.DataFrame:
    """Sum a timeline's runs into calendar weeks and apply the 10% rule.

    Only running activities count (road, trail, track and treadmill runs alike).

    Args:
        timeline: As made by :func:`loadwatch.timeline`: ``start`` in local time, ``sport``,
            ``surface``, ``distance_km``, ``duration_s``, ``moving_s``, ``intensity``,
            ``hard_minutes``, ``elev_gain_m``.
        threshold: Growth over the previous week that raises a flag (0.10 is 10%).
        week_start: The day weeks start on (Monday, or Sunday).

    Returns:
        One row per calendar week, indexed by ``week_start`` (the week's first day, a tz-naive
        midnight), with :data:`WEEKLY_COLUMNS`; ``attrs["week_start"]`` keeps ``week_start``.
        ``*_change`` is the fractional change from the previous week (NaN when that week had no
        run); ``flags`` lists the measures that grew by more than ``threshold``;
        ``distance_cap_km`` is the previous week's distance x (1 + threshold).
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
    totals = [c for c in weeks.columns if c != "intensity"]
    weeks[totals] = weeks[totals].fillna(0.0)
    weeks["runs"] = weeks["runs"].astype("int64")
    result = _apply_rule(weeks, threshold)[list(WEEKLY_COLUMNS)]
    result.attrs["week_start"] = WeekStart(week_start)
    return result


def _apply_rule(weeks: pd.DataFrame, threshold: float) -> pd.DataFrame:
    previous = weeks.shift(1)
    had_runs = previous["runs"] >= 1
    flags: list[list[str]] = [[] for _ in range(len(weeks))]
    for flag, column in RULE_MEASURES.items():
        before = previous[column].astype("float64")
        now = weeks[column].astype("float64")
        usable = had_runs & (before > 0) & before.notna() & now.notna()
        change = ((now - before) / before).where(usable)
        name = "runs_change" if column == "runs" else f"{column.removesuffix('_km')}_change"
        weeks[name] = change
        for position in np.flatnonzero((change > threshold + LIMIT_TOLERANCE).to_numpy()):
            flags[position].append(flag)
    weeks["distance_cap_km"] = (previous["distance_km"] * (1.0 + threshold)).where(had_runs)
    weeks["flags"] = [tuple(f) for f in flags]
    weeks["notes"] = [tuple(n) for n in _notes(weeks)]
    return weeks


def _notes(weeks: pd.DataFrame) -> list[list[str]]:
    known = weeks[[f"surface_km_{s}" for s in Surface if s != Surface.UNKNOWN]].sum(axis=1)
    total = known + weeks["surface_km_unknown"]
    covered = known >= HARD_SURFACE_KNOWN_SHARE * total - LIMIT_TOLERANCE
    road_share = (weeks["surface_km_road"] / known).where((known > 0) & covered)
    return [
        ["hard_surface"] if share >= HARD_SURFACE_SHARE - LIMIT_TOLERANCE else []
        for share in road_share.fillna(0.0)
    ]
