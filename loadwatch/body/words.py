"""Body-log entries in words, for the terminal: what ``loadwatch log`` echoes and lists."""

from __future__ import annotations

from loadwatch.body.entries import CheckIn, Effort, Entry, Pain, Strength
from loadwatch.vocab import day_words, region_words

#: How each moment of a pain reads after its level.
_TIMING_WORDS = {
    "during": "during a run",
    "after": "after a run",
    "next-morning": "the next morning",
    "rest": "at rest",
}


def _number(value: float) -> str:
    """``7`` or ``6.5``: no needless decimals."""
    return f"{value:g}"


def describe(entry: Entry) -> str:
    """``entry`` in a line: ``Mon 2 Mar 2026  pain 4/10, lower back, after a run``."""
    day = day_words(entry.day, weekday=True)
    if isinstance(entry, Pain):
        region = region_words(entry.region)
        what = f"pain {entry.level}/10, {region}, {_TIMING_WORDS[entry.timing]}"
    elif isinstance(entry, Strength):
        effort = "" if entry.rpe is None else f", effort {_number(entry.rpe)}/10"
        what = f"strength, {_number(entry.minutes)} min{effort}"
    elif isinstance(entry, Effort):
        start = entry.run_start
        run = "the run" if start is None else f"the run at {start:%H:%M}"
        what = f"effort {_number(entry.rpe)}/10 (CR-10) for {run}"
    elif isinstance(entry, CheckIn):
        what = f"check-in, OSTRC severity {entry.score}/100"
    note = f"  ({entry.note})" if entry.note else ""
    return f"{day}  {what}{note}"
