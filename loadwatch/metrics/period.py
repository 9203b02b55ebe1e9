"""A week or a stretch of days, and the activities in it (what ``loadwatch runs`` lists).

A period is a first and a last local day, both included. A week is named as ``2026-W23`` (an
ISO week: the week, counted as the analysis counts weeks, that holds its Monday) or by any day
in it (``2026-06-03``); a stretch by its first day, its last, or both.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

import pandas as pd

from loadwatch.metrics.calendar import DAYS_PER_WEEK, local_dates, week_of
from loadwatch.model import Analysis
from loadwatch.vocab import WeekStart

_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Period:
    """The local days from ``first`` to ``last``, both included."""

    first: date
    last: date


def parse_week(text: str) -> date:
    """A day of the week ``text`` names: ``2026-W23`` (its Monday) or a date ``2026-06-03``.

    Raises:
        ValueError: ``text`` is neither, saying what is wanted.
    """
    said = text.strip()
    iso = _ISO_WEEK.fullmatch(said)
    try:
        if iso is not None:
            return date.fromisocalendar(int(iso[1]), int(iso[2]), 1)
        return date.fromisoformat(said)
    except ValueError as error:
        raise ValueError(
            f"{text!r} is no week: give one as 2026-W23 or as a day in it, 2026-06-03"
        ) from error


def period_of(
    *,
    newest: date,
    week: date | None = None,
    since: date | None = None,
    until: date | None = None,
    week_start: WeekStart = WeekStart.MONDAY,
) -> Period:
    """The period asked for: the week holding ``week``; else from ``since`` (or the start of
    the records) to ``until`` (or ``newest``); else the week holding ``newest``.

    Args:
        newest: The newest day there is (the analysis's as-of day, or its newest run's).
        week: A day of the week to list.
        since: The first day to list.
        until: The last day to list.
        week_start: The day weeks begin on.

    Raises:
        ValueError: ``week`` given with ``since`` or ``until``, or ``since`` after ``until``.
    """
    if week is not None and (since is not None or until is not None):
        raise ValueError("give a week, or since and until, not both")
    if week is not None or (since is None and until is None):
        first = week_of(week if week is not None else newest, week_start)
        return Period(first, first + timedelta(days=DAYS_PER_WEEK - 1))
    last = until if until is not None else newest
    first = since if since is not None else date.min
    if first > last:
        bound = "until" if until is not None else "the newest day there is"
        raise ValueError(f"since ({first}) is after {bound} ({last})")
    return Period(first, last)


def activities_in(timeline: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The activities of ``timeline`` whose local start day is in ``period``, in start order."""
    if timeline.empty:
        return timeline
    days = local_dates(timeline["start"])
    inside = (days >= period.first) & (days <= period.last)
    chosen: pd.DataFrame = timeline[inside.to_numpy()]
    return chosen.sort_values("start", kind="stable")


@dataclasses.dataclass(frozen=True)
class Runs:
    """What ``loadwatch runs`` lists: a period, and the activities in it (timeline rows)."""

    period: Period
    activities: pd.DataFrame


def runs(
    analysis: Analysis,
    *,
    week: date | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Runs:
    """The activities of a week or a stretch of days of ``analysis``.

    Args:
        analysis: What :func:`loadwatch.analyze` found.
        week: A day of the week to list.
        since: The first day to list (default: the first there is).
        until: The last day to list (default: the analysis's as-of day).

    Returns:
        The period and its activities; without ``week``, ``since`` and ``until``, the newest
        week of the analysis (the week in progress, else the last with runs).

    Raises:
        ValueError: ``week`` given with ``since`` or ``until``, or ``since`` after ``until``.
    """
    weeks = analysis.weeks
    newest = analysis.as_of
    if newest is None and analysis.last_activity is not None:
        newest = analysis.last_activity.date()
    if newest is None:
        return Runs(Period(date.min, date.min), analysis.timeline.iloc[0:0])
    if week is None and since is None and until is None and not weeks.empty:
        week = pd.Timestamp(weeks.index[-1]).date()
    chosen = period_of(
        newest=newest, week=week, since=since, until=until, week_start=analysis.week_start
    )
    return Runs(chosen, activities_in(analysis.timeline, chosen))
