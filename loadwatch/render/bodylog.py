"""The body log's newest entries in words, for the page (``docs/body-log.md``).

The same words as ``loadwatch log list``, from the analysis's body frame (the entries up to
``as_of``): this stage reads no file.
"""

from __future__ import annotations

import math

import pandas as pd

from loadwatch.vocab import EntryKind, day_words, region_words

#: How many of the newest entries the page lists.
PAGE_ENTRIES = 10
#: How to log a strength session the watch did not record, said where low strength shows.
LOG_STRENGTH = "loadwatch log strength --minutes 30"

#: How each moment of a pain reads after its level.
_TIMING_WORDS = {
    "during": "during a run",
    "after": "after a run",
    "next-morning": "the next morning",
    "rest": "at rest",
}


def latest_entries(body: pd.DataFrame | None, count: int = PAGE_ENTRIES) -> list[str]:
    """The ``count`` newest entries of the body frame, newest first, each in a line:
    ``Mon 2 Mar 2026: pain 4/10, lower back, after a run``; none without a log."""
    if body is None or body.empty:
        return []
    newest = body.sort_values(["day", "id"], ascending=False, kind="stable").head(count)
    return [_line(row) for _, row in newest.iterrows()]


def _number(value: object) -> str:
    """``7`` or ``6.5``: no needless decimals."""
    return f"{float(str(value)):g}"


def _given(value: object) -> bool:
    """Whether a cell holds a value (not None, NaN or NaT)."""
    return (
        value is not None
        and not (isinstance(value, float) and math.isnan(value))
        and (value is not pd.NaT)
    )


def _line(row: pd.Series) -> str:
    """One entry of the body frame in words."""
    day = pd.Timestamp(row["day"])
    kind = row["kind"]
    if kind == EntryKind.PAIN:
        region = region_words(row["region"])
        timing = _TIMING_WORDS.get(str(row["timing"]), str(row["timing"]))
        what = f"pain {_number(row['pain_level'])}/10, {region}, {timing}"
    elif kind == EntryKind.STRENGTH:
        effort = f", effort {_number(row['rpe'])}/10" if _given(row["rpe"]) else ""
        what = f"strength, {_number(row['duration_min'])} min{effort}"
    elif kind == EntryKind.RPE:
        start = row["run_start"]
        run = f"the run at {pd.Timestamp(start):%H:%M}" if _given(start) else "the run"
        what = f"effort {_number(row['rpe'])}/10 for {run}"
    else:
        what = f"check-in, OSTRC severity {_number(row['ostrc_score'])}/100"
    note = row.get("note")
    said = f" ({note})" if isinstance(note, str) and note else ""
    return f"{day_words(day, weekday=True)}: {what}{said}"
