"""Calendar weeks: the day they start on, the local clock they are counted on, and where each
day sits in its week.

Times are tz-aware: readers give UTC, and :func:`to_local` puts them in the athlete's time zone
(the timeline's ``start``). Days and weeks are counted on that local wall clock, so a run at
23:30 on a Sunday in Berlin is on Sunday whatever the time in UTC: :func:`wall_clock` drops the
zone once the time is local. A week is named by its first day, a tz-naive midnight
``pd.Timestamp`` (the index of the weekly frame, ``week_start``): a Monday by default, a Sunday
with :attr:`WeekStart.SUNDAY <loadwatch.vocab.WeekStart>`.

Every module that needs a week start, a local day or a day's place in its week calls this one;
pure functions, no I/O.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta

import pandas as pd

from loadwatch.vocab import WeekStart

#: Days in a calendar week.
DAYS_PER_WEEK = 7
#: English day names, in Python's weekday order (Monday 0 to Sunday 6).
DAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)


def first_weekday(week_start: WeekStart = WeekStart.MONDAY) -> int:
    """Python's weekday number (Monday 0 to Sunday 6) of the first day of each week.

    Raises:
        ValueError: ``week_start`` is not a :class:`~loadwatch.vocab.WeekStart` (or its text).
    """
    return 6 if WeekStart(week_start) is WeekStart.SUNDAY else 0


def first_day_name(week_start: WeekStart = WeekStart.MONDAY) -> str:
    """The name of the day weeks start on: ``"Monday"`` or ``"Sunday"``."""
    return DAY_NAMES[first_weekday(week_start)]


def last_day_name(week_start: WeekStart = WeekStart.MONDAY) -> str:
    """The name of the day weeks end on: ``"Sunday"`` or ``"Saturday"``."""
    return DAY_NAMES[(first_weekday(week_start) + DAYS_PER_WEEK - 1) % DAYS_PER_WEEK]


def to_local(times: pd.Series, timezone: str) -> pd.Series:
    """Times in the IANA time zone ``timezone``, still tz-aware (tz-naive ones are read as UTC)."""
    local: pd.Series = pd.to_datetime(times, utc=True).dt.tz_convert(zoneinfo.ZoneInfo(timezone))
    return local


def wall_clock(times: pd.Series) -> pd.Series:
    """Local wall-clock times without their zone, for counting calendar days.

    ``times`` are tz-aware in the athlete's zone (as the timeline's ``start``); tz-naive times
    are taken to be local already. Across a DST change the wall clock jumps, so 30 days back
    is the same clock time 30 calendar days earlier, not 720 hours.
    """
    if times.dt.tz is None:
        return times
    naive: pd.Series = times.dt.tz_localize(None)
    return naive


def local_days(times: pd.Series) -> pd.Series:
    """The local calendar day of each time, as a tz-naive midnight."""
    days: pd.Series = wall_clock(times).dt.normalize()
    return days


def local_dates(times: pd.Series) -> pd.Series:
    """The local calendar date (a :class:`datetime.date`) of each time."""
    dates: pd.Series = wall_clock(times).dt.date
    return dates


def day_in_week(times: pd.Series, week_start: WeekStart = WeekStart.MONDAY) -> pd.Series:
    """Each local time's place in its week: 0 on the week's first day to 6 on its last."""
    weekday = wall_clock(times).dt.day_of_week
    position: pd.Series = (weekday - first_weekday(week_start)) % DAYS_PER_WEEK
    return position.astype("int64")


def week_starts(times: pd.Series, week_start: WeekStart = WeekStart.MONDAY) -> pd.Series:
    """The first day (a tz-naive midnight) of the week each local time falls in."""
    days = local_days(times)
    starts: pd.Series = days - pd.to_timedelta(day_in_week(days, week_start), unit="D")
    return starts


def week_of(day: date, week_start: WeekStart = WeekStart.MONDAY) -> date:
    """The first day of the week holding ``day``."""
    return day - timedelta(days=(day.weekday() - first_weekday(week_start)) % DAYS_PER_WEEK)


def last_day(week: pd.Timestamp) -> pd.Timestamp:
    """The last day of the week that starts on ``week``."""
    return week + pd.Timedelta(days=DAYS_PER_WEEK - 1)


def week_range(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    """Every week start from the week ``first`` to the week ``last`` (both week starts)."""
    return pd.date_range(first, last, freq=f"{DAYS_PER_WEEK}D", name="week_start")


def days_of(weeks: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Every calendar day from the first day of the first week to the last day of the last."""
    if not len(weeks):
        return pd.DatetimeIndex([])
    return pd.date_range(weeks.min(), last_day(weeks.max()), freq="D")


def in_week(times: pd.Series, week: pd.Timestamp) -> pd.Series:
    """Which local times fall in the week that starts on ``week`` (a tz-naive midnight)."""
    local = wall_clock(times)
    inside: pd.Series = (local >= week) & (local < week + pd.Timedelta(days=DAYS_PER_WEEK))
    return inside


def check_weeks(weeks: pd.DatetimeIndex, week_start: WeekStart = WeekStart.MONDAY) -> None:
    """Check that every label of a weekly index is a midnight on the first day of a week.

    Raises:
        ValueError: A week does not start on ``week_start``'s day, so the weeks were counted
            with another first day (or by something else than loadwatch's weekly metrics).
    """
    index = pd.DatetimeIndex(weeks)
    wrong = (index.day_of_week != first_weekday(week_start)) | (index != index.normalize())
    if wrong.any():
        day = index[wrong][0]
        raise ValueError(
            f"the weeks must start on {first_day_name(week_start)}s at midnight (week_start="
            f"{WeekStart(week_start).value!r}), but one starts {DAY_NAMES[day.weekday()]} "
            f"{day.isoformat()}: give the week_start they were counted with"
        )


def centred_day(position: int) -> float:
    """A day's place in its week as an offset from mid-week: -3 for the first day to 3 for the last.

    Charts use it to put a mark for a day inside its week's bar, left to right.
    """
    return position - (DAYS_PER_WEEK - 1) / 2
