"""Telling the user when the newest week goes red, or the folder goes stale: what is new since
the last run, and a hook.

The state that says what was already known (the newest week and its flags at the previous run,
and the stale spell already told of, named by its newest activity) lives in the cache database,
next to what it describes.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from loadwatch.metrics.levels import decisive
from loadwatch.metrics.spikes import SPIKE_CLASSES, reference_words, top_spike
from loadwatch.metrics.weekly import RULE_MEASURES
from loadwatch.model import Analysis
from loadwatch.render.data import report_head
from loadwatch.render.flags import red_flag_sentences, words_for
from loadwatch.render.progress import status_sentences

#: How long a notification command may run before it is stopped.
NOTIFY_TIMEOUT_S = 60.0


@dataclasses.dataclass(frozen=True)
class WeekStatus:
    """The newest week's flags, and which of them are new since the last run.

    Attributes:
        week_start: The newest week's first day (ISO).
        flags: Its flags.
        new_flags: Those the previous run had not told of.
        distance_km: Its distance.
        runs: Its runs.
        first: What is said before anything else: the folder is stale, or this week so far
            (:mod:`loadwatch.render.progress`).
        stale_since: The newest activity's local start (ISO) while the folder is stale: it
            names the stale spell. ``None`` while it is current.
        new_stale: Whether this stale spell was not told of yet.
        spike: The week's largest spike in words, with what it was measured against (the 30
            days before it, the runs before a break, or a short history); ``None`` without one.
        red_flags: The body log's red flags (their names), said first in ``first``.
        new_red_flags: Those the previous run had not told of.
    """

    week_start: str
    flags: tuple[str, ...]
    new_flags: tuple[str, ...]
    distance_km: float
    runs: int
    first: tuple[str, ...] = ()
    stale_since: str | None = None
    new_stale: bool = False
    spike: str | None = None
    red_flags: tuple[str, ...] = ()
    new_red_flags: tuple[str, ...] = ()

    @property
    def news(self) -> bool:
        """Whether there is something to tell: a new flag, a new stale spell or red flag."""
        return bool(self.new_flags) or self.new_stale or bool(self.new_red_flags)

    def state(self) -> dict[str, Any]:
        """What to remember for the next run."""
        return {
            "week_start": self.week_start,
            "flags": list(self.flags),
            "stale_since": self.stale_since,
            "red_flags": list(self.red_flags),
        }

    def summary(self) -> str:
        """A few plain lines for a notification (the command's standard input): a stale folder
        or this week so far first."""
        if self.stale_since is not None:
            week = f"the last week with runs, {self.week_start}"
        elif self.first:
            week = f"this week so far (week of {self.week_start})"
        else:
            week = f"week of {self.week_start}"
        lines = [*self.first, f"loadwatch: {week}: {self.runs} runs, {self.distance_km:.1f} km."]
        if self.flags:
            lines.append(f"Flagged: {flag_words(self.flags)}.")
        if self.spike is not None:
            lines.append(self.spike)
        if self.new_flags:
            new = "; ".join(words_for(flag).what for flag in self.new_flags)
            lines.append(f"New since the last run: {new}.")
        return "\n".join(lines) + "\n"


def flag_words(flags: tuple[str, ...]) -> str:
    """The week's flags in words: the week-on-week rule's together, then each of the others.

    ``("distance", "frequency", "acwr")`` -> "distance and the number of runs grew more than
    the week-on-week rule allows; a load high against the 3 weeks before (ACWR)" (the words are
    :mod:`loadwatch.render.flags`').
    """
    grew = [words_for(flag).what for flag in flags if flag in RULE_MEASURES]
    parts = []
    if grew:
        what = grew[0] if len(grew) == 1 else ", ".join(grew[:-1]) + " and " + grew[-1]
        parts.append(f"{what} grew more than the week-on-week rule allows")
    parts += [words_for(flag).what for flag in flags if flag not in RULE_MEASURES]
    return "; ".join(parts)


def newest_week(analysis: Analysis, previous: Mapping[str, Any] | None) -> WeekStatus | None:
    """The newest week with its flags; ``new_flags`` are those the previous state did not have.

    A new week (or no previous state) makes all of its flags new. A stale folder is news once
    per spell: until an activity newer than the one it was told of comes in.
    """
    weeks = analysis.weeks
    if weeks.empty:
        return None
    label = weeks.index[-1]
    if not isinstance(label, pd.Timestamp):
        raise TypeError("weeks are indexed by week_start timestamps")
    row = weeks.iloc[-1]
    week_start = label.date().isoformat()
    flags = tuple(row["flags"])
    known: set[str] = set()
    if previous is not None and previous.get("week_start") == week_start:
        known = {str(flag) for flag in previous.get("flags", [])}
    new = tuple(flag for flag in flags if flag not in known)
    report = report_head(analysis)
    stale_since = report["last_activity"] if analysis.status == "stale" else None
    told = (previous or {}).get("stale_since")
    red = tuple(str(found["flag"]) for found in report["red_flags"])
    red_told = {str(flag) for flag in (previous or {}).get("red_flags", [])}
    return WeekStatus(
        week_start,
        flags,
        new,
        float(row["distance_km"]),
        int(row["runs"]),
        first=(*red_flag_sentences(report), *status_sentences(report)),
        stale_since=stale_since,
        new_stale=stale_since is not None and stale_since != told,
        spike=spike_sentence(analysis.timeline, label),
        red_flags=red,
        new_red_flags=tuple(flag for flag in red if flag not in red_told),
    )


def spike_sentence(timeline: pd.DataFrame, first_day: pd.Timestamp) -> str | None:
    """The largest spike of the week starting on ``first_day``, and its reference, in words."""
    top = top_spike(timeline, first_day)
    if top is None:
        return None
    ratio = decisive(float(top["spike_ratio"]), [edge for _, edge in SPIKE_CLASSES])
    when = pd.Timestamp(top["start"])
    return (
        f"Spike: the {float(top['distance_km']):.1f} km run of {when.day_name()[:3]} {when.day} "
        f"{when.month_name()[:3]} "
        f"was {ratio} × {reference_words(top, _km)}: a {top['spike']} spike."
    )


def _km(km: float) -> str:
    return f"{km:.1f} km"


def run_notify(command: str, status: WeekStatus, report: Path | None = None) -> str | None:
    """Run the user's notification command through the shell.

    The command gets the summary on its standard input and these environment variables:
    ``LOADWATCH_WEEK`` (the week's first day), ``LOADWATCH_FLAGS`` and ``LOADWATCH_NEW_FLAGS``
    (comma-separated), ``LOADWATCH_STATUS`` (``stale`` or ``current``), ``LOADWATCH_SUMMARY``
    (the same text as standard input) and, with ``--out``, ``LOADWATCH_REPORT`` (the path of
    ``latest.json``).

    Returns:
        ``None`` when the command succeeded, else what went wrong (for a warning: a failing
        notification must not fail the analysis).
    """
    environment = dict(os.environ)
    environment.update(
        LOADWATCH_WEEK=status.week_start,
        LOADWATCH_FLAGS=",".join(status.flags),
        LOADWATCH_NEW_FLAGS=",".join(status.new_flags),
        LOADWATCH_FLAG_LABELS=",".join(words_for(f).mark for f in status.flags),
        LOADWATCH_SUMMARY=status.summary(),
        LOADWATCH_STATUS="stale" if status.stale_since is not None else "current",
    )
    if report is not None:
        environment["LOADWATCH_REPORT"] = str(report)
    try:
        finished = subprocess.run(
            command,
            shell=True,  # the user's own command line, as they would type it: pipes included
            input=status.summary(),
            text=True,
            env=environment,
            capture_output=True,
            timeout=NOTIFY_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"the --notify command did not finish within {NOTIFY_TIMEOUT_S:g} s"
    except OSError as error:
        return f"the --notify command could not be run ({error})"
    if finished.returncode != 0:
        detail = finished.stderr.strip().splitlines()[-1:] or [""]
        return f"the --notify command failed with exit code {finished.returncode} {detail[0]}"
    return None
