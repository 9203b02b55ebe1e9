"""Which run an effort (RPE) belongs to: the run of its day, or the one at a given start."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from loadwatch.body.entries import BodyLogError
from loadwatch.vocab import Sport


def pick_run(timeline: pd.DataFrame, day: date, run: str | None = None) -> datetime:
    """The local start of the run an effort of ``day`` is about.

    Args:
        timeline: The analysed folder's timeline (``start`` in local time, ``sport``).
        day: The local day of the run.
        run: Its start, ``HH:MM`` on ``day`` or ``YYYY-MM-DDTHH:MM``, when the day had several
            runs or the run was on another day.

    Raises:
        BodyLogError: No run that day (or at that start), or several and ``run`` not given;
            the message says what to give.
    """
    runs = timeline[timeline["sport"] == Sport.RUNNING] if len(timeline) else timeline
    starts = [pd.Timestamp(s).to_pydatetime() for s in (runs["start"] if len(runs) else [])]
    if run is not None:
        return _at(starts, day, run)
    that_day = [start for start in starts if start.date() == day]
    if len(that_day) == 1:
        return that_day[0]
    if not that_day:
        raise BodyLogError(
            f"no run on {day.isoformat()} in the analysed folder; check --date, or name the "
            "run with --run START (its start, such as --run 2026-03-01T18:30)"
        )
    times = ", ".join(f"{start:%H:%M}" for start in that_day)
    raise BodyLogError(
        f"{len(that_day)} runs on {day.isoformat()} (at {times}); choose one with --run HH:MM"
    )


def _at(starts: list[datetime], day: date, run: str) -> datetime:
    """The run starting at ``run`` (to the minute)."""
    text = run.strip()
    try:
        wanted = (
            datetime.fromisoformat(f"{day.isoformat()}T{text}")
            if len(text) <= 5
            else datetime.fromisoformat(text)
        )
    except ValueError as error:
        raise BodyLogError(
            f"--run must be a start such as 07:30 or 2026-03-01T07:30, not {run!r}"
        ) from error
    wanted = wanted.replace(tzinfo=None)
    for start in starts:
        if start.replace(tzinfo=None, second=0, microsecond=0) == wanted.replace(second=0):
            return start
    on_day = ", ".join(f"{s:%H:%M}" for s in starts if s.date() == wanted.date()) or "none"
    raise BodyLogError(
        f"no run started at {wanted:%Y-%m-%d %H:%M} in the analysed folder "
        f"(runs that day: {on_day})"
    )
