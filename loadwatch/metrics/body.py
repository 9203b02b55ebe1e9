"""The body log beside the runs: each run's effort, and each week's pain, check-in, strength
work and session-RPE load. Pure: the log arrives as the frame of
:func:`loadwatch.read_body_log` (columns ``kind``, ``day``, ``pain_level``, ``region``,
``rpe``, ``run_start``, ``duration_min``, ``ostrc_score``); no file is read here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from loadwatch.fields import ACTIVITY_FIELDS, WEEK_FIELDS, Frame, columns
from loadwatch.metrics import calendar
from loadwatch.vocab import EntryKind, Note, PainRegion, Sport, WeekStart

#: The weekly frame's columns from the body log, and the timeline's.
BODY_WEEK_COLUMNS: tuple[str, ...] = columns(WEEK_FIELDS, Frame.BODY)
BODY_TIMELINE_COLUMNS: tuple[str, ...] = columns(ACTIVITY_FIELDS, Frame.BODY)
#: The order regions are listed in when equally painful.
_REGION_ORDER = {str(region): k for k, region in enumerate(PainRegion)}


def entries_of(body: pd.DataFrame | None, kind: EntryKind) -> pd.DataFrame:
    """The log's entries of ``kind`` (none when there is no log)."""
    if body is None or body.empty:
        return pd.DataFrame(columns=["kind", "day"])
    chosen: pd.DataFrame = body[body["kind"] == kind]
    return chosen


def attach_rpe(
    timeline: pd.DataFrame,
    body: pd.DataFrame | None,
    recorded: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The timeline with ``rpe``: each run's logged effort (the newest entry wins), else the
    one its export recorded (``recorded``, by ``source``: Strava's Perceived Exertion), else NaN.

    An effort names its run by its start (to the minute); one without (from a spreadsheet)
    goes to the longest run of its day.
    """
    out = timeline.copy()
    given = out["source"].map(dict(recorded or {})) if len(out) else pd.Series(dtype="float64")
    out["rpe"] = pd.to_numeric(given, errors="coerce").astype("float64")
    efforts = entries_of(body, EntryKind.RPE)
    if out.empty or efforts.empty:
        return out
    runs = out["sport"] == Sport.RUNNING
    minute = pd.to_datetime(out["start"], utc=True).dt.floor("min")
    day = calendar.local_days(out["start"])
    for _, effort in efforts.sort_values("id", kind="stable").iterrows():
        if pd.notna(effort["run_start"]):
            wanted = pd.Timestamp(effort["run_start"]).tz_convert("UTC").floor("min")
            match = runs & (minute == wanted)
        else:
            match = runs & (day == pd.Timestamp(effort["day"]).tz_localize(None))
        if match.any():
            longest = out.loc[match, "duration_s"].idxmax()
            out.loc[longest, "rpe"] = float(effort["rpe"])
    return out


def _week(body: pd.DataFrame, week_start: WeekStart) -> pd.Series:
    """The week each entry's day falls in."""
    weeks: pd.Series = calendar.week_starts(body["day"], week_start)
    return weeks


def body_weeks(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    body: pd.DataFrame | None,
    *,
    week_start: WeekStart = WeekStart.MONDAY,
    strength_target: int = 2,
) -> pd.DataFrame:
    """Add :data:`BODY_WEEK_COLUMNS` to a weekly frame (a new frame), and count logged strength
    sessions in ``strength_sessions`` (one per day when a recorded one exists too).

    Args:
        weeks: The weekly frame with the risk columns.
        timeline: The timeline, with ``rpe`` (:func:`attach_rpe`).
        body: The body log's frame, or ``None`` without a log.
        week_start: The day weeks begin on.
        strength_target: Sessions a week below which ``low_strength`` is noted.
    """
    out = weeks.copy()
    index = out.index
    pains = entries_of(body, EntryKind.PAIN)
    hurt = pains[pains["pain_level"] >= 1] if not pains.empty else pains
    out["pain_max"] = _by_week(pains, "pain_level", week_start, index, "max")
    days = hurt.assign(week=_week(hurt, week_start)) if not hurt.empty else None
    out["pain_days"] = (
        days.groupby("week")["day"].nunique().reindex(index, fill_value=0).astype("int64")
        if days is not None
        else pd.Series(0, index=index, dtype="int64")
    )
    out["pain_regions"] = _regions(days, index)
    out["ostrc_severity"] = _by_week(
        entries_of(body, EntryKind.CHECK_IN), "ostrc_score", week_start, index, "max"
    )
    out["srpe_load"] = _srpe(timeline, entries_of(body, EntryKind.STRENGTH), week_start, index)
    logged = entries_of(body, EntryKind.STRENGTH)
    if not logged.empty and "strength_sessions" in out.columns:
        out["strength_sessions"] = _strength(timeline, logged, week_start, index)
        out["notes"] = [
            _strength_note(tuple(notes), runs > 0 and sessions < strength_target)
            for notes, runs, sessions in zip(
                out["notes"], out["runs"], out["strength_sessions"], strict=True
            )
        ]
    return out


def _by_week(
    entries: pd.DataFrame, column: str, week_start: WeekStart, index: pd.Index, how: str
) -> pd.Series:
    """``column`` of ``entries`` aggregated by week (NaN for a week without any)."""
    if entries.empty:
        return pd.Series(np.nan, index=index, dtype="float64")
    grouped = entries[column].groupby(_week(entries, week_start).to_numpy()).agg(how)
    series: pd.Series = grouped.reindex(index).astype("float64")
    return series


def _regions(days: pd.DataFrame | None, index: pd.Index) -> list[tuple[str, ...]]:
    """Each week's painful regions, most painful first (then in the regions' order)."""
    if days is None:
        return [() for _ in index]
    worst = days.groupby(["week", "region"])["pain_level"].max()
    found: dict[pd.Timestamp, tuple[str, ...]] = {}
    for week, levels in worst.groupby(level="week"):
        ranked = sorted(
            levels.droplevel("week").items(),
            key=lambda item: (-item[1], _REGION_ORDER.get(str(item[0]), 99)),
        )
        found[pd.Timestamp(str(week))] = tuple(str(region) for region, _ in ranked)
    return [found.get(pd.Timestamp(week), ()) for week in index]


def _srpe(
    timeline: pd.DataFrame, strength: pd.DataFrame, week_start: WeekStart, index: pd.Index
) -> pd.Series:
    """Each week's session-RPE load: effort × minutes of runs and logged strength sessions
    (Foster et al. 2001); NaN for a week without an effort."""
    parts: list[pd.Series] = []
    if "rpe" in timeline.columns and len(timeline):
        rated = timeline[timeline["rpe"].notna()]
        if len(rated):
            load = rated["rpe"] * rated["duration_s"] / 60.0
            parts.append(load.groupby(calendar.week_starts(rated["start"], week_start)).sum())
    if not strength.empty:
        rated = strength[strength["rpe"].notna()]
        if len(rated):
            load = rated["rpe"] * rated["duration_min"]
            parts.append(load.groupby(_week(rated, week_start).to_numpy()).sum())
    if not parts:
        return pd.Series(np.nan, index=index, dtype="float64")
    summed = pd.concat(parts).groupby(level=0).sum()
    series: pd.Series = summed.reindex(index).astype("float64")
    return series


def _strength(
    timeline: pd.DataFrame, logged: pd.DataFrame, week_start: WeekStart, index: pd.Index
) -> pd.Series:
    """Strength sessions a week: on each day the recorded ones or the logged ones, whichever
    are more (a session both recorded and logged counts once)."""
    recorded = timeline[timeline["sport"] == Sport.STRENGTH] if len(timeline) else timeline
    per_day = pd.concat(
        [
            pd.DataFrame({"day": calendar.local_days(recorded["start"]), "recorded": 1}),
            pd.DataFrame({"day": logged["day"].dt.tz_localize(None), "logged": 1}),
        ]
    )
    counts = per_day.groupby("day")[["recorded", "logged"]].sum().max(axis=1)
    days = pd.Series(counts.index, index=counts.index)
    week = days - pd.to_timedelta(calendar.day_in_week(days, week_start), unit="D")
    weekly = counts.groupby(week.to_numpy()).sum()
    series: pd.Series = weekly.reindex(index, fill_value=0).astype("int64")
    return series


def _strength_note(notes: tuple[str, ...], low: bool) -> tuple[str, ...]:
    """``notes`` with ``low_strength`` as the logged sessions have it, in its usual place
    (before ``shoe_wear``)."""
    kept = [note for note in notes if note != Note.LOW_STRENGTH]
    if low:
        place = kept.index(Note.SHOE_WEAR) if Note.SHOE_WEAR in kept else len(kept)
        kept.insert(place, Note.LOW_STRENGTH)
    return tuple(kept)
