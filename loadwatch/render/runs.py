"""The activities of a period, one line each, for ``loadwatch runs``; or as JSON or CSV.

The columns are per-activity fields of :mod:`loadwatch.fields` (:data:`RUN_COLUMNS`, headed
by their labels): date, sport, distance, time, pace, heart rate, surface, spike, shoe and file.
Their widths follow what they hold, and the file, last, takes what is left of 80 columns,
shortened from the left (the end of a path names the file).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from loadwatch.fields import ACTIVITY_FIELDS, Field
from loadwatch.labels import shown
from loadwatch.metrics.period import Period
from loadwatch.render.data import activity_records, record
from loadwatch.units import km_per_unit
from loadwatch.vocab import MONTH_NAMES, day_words, plural

#: The per-activity fields ``loadwatch runs`` lists, in its order (the CSV's columns too).
RUN_COLUMNS: tuple[str, ...] = (
    "start",
    "sport",
    "distance_km",
    "duration_s",
    "mean_speed_mps",
    "avg_hr",
    "surface",
    "spike",
    "gear",
    "source",
)
_FIELDS: tuple[Field, ...] = tuple(
    next(f for f in ACTIVITY_FIELDS if f.name == name) for name in RUN_COLUMNS
)
#: The listing fits an 80-column terminal; the file column gets at least this much of it.
LIST_WIDTH, MIN_FILE = 80, 12
#: Columns whose text is aligned left (the rest are numbers, aligned right).
_LEFT = frozenset({"start", "sport", "surface", "gear", "source"})
#: Columns left out when no activity listed has a value in them.
_OPTIONAL = frozenset({"spike", "gear"})
#: The most a shoe's name takes before it is shortened.
_SHOE_WIDTH = 14


def render_runs(
    activities: pd.DataFrame, period: Period, *, units: str = "km", width: int = LIST_WIDTH
) -> str:
    """The activities of ``period``, one line each, at most ``width`` columns wide.

    Args:
        activities: The timeline's rows in the period (:func:`loadwatch.metrics.period.runs`).
        period: What they are the activities of (said in the first line).
        units: ``"km"`` or ``"mi"`` for distances and paces.
        width: The most columns a line takes (the file name is shortened to fit).
    """
    title = f"{_period_words(period)}: {plural(len(activities), 'activity', 'activities')}"
    runs = int((activities["sport"] == "running").sum()) if len(activities) else 0
    km = (
        float(activities["distance_km"].where(activities["sport"] == "running").sum())
        if runs
        else 0.0
    )
    title += f", {plural(runs, 'run')}" + (
        f" ({km / km_per_unit(units):.1f} {units})" if runs else ""
    )
    if activities.empty:
        return title + ".\n"
    one_year = period.first.year == period.last.year
    rows = [
        [_cell(f.name, row, units, one_year) for f in _FIELDS] for _, row in activities.iterrows()
    ]
    # A column empty in every row (no spike, no shoe known) gives its room to the file's.
    kept = [k for k, f in enumerate(_FIELDS) if f.name not in _OPTIONAL or any(r[k] for r in rows)]
    names = [_FIELDS[k].name for k in kept]
    heads = [_FIELDS[k].label.format(units=units) for k in kept]
    cells = [[row[k] for k in kept] for row in rows]
    widths = [max(len(h), *(len(c[k]) for c in cells)) for k, h in enumerate(heads)]
    widths[-1] = max(MIN_FILE, width - sum(widths[:-1]) - len(widths) + 1)
    lines = [title + ".", _line(names, heads, widths)]
    lines.extend(_line(names, row, widths) for row in cells)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def runs_json(activities: pd.DataFrame, period: Period) -> str:
    """The activities of ``period`` as JSON: the period, and each activity as the
    ``activities`` of ``loadwatch analyze --format json`` gives it."""
    data = {
        "period": {"first": period.first.isoformat(), "last": period.last.isoformat()},
        "activities": activity_records(activities),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def runs_csv(activities: pd.DataFrame) -> str:
    """The activities as CSV: one row each, the columns of :data:`RUN_COLUMNS` (units in km,
    seconds, m/s and bpm, as their names say)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RUN_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for _, row in activities.iterrows():
        values = record(
            _FIELDS, {**{str(k): v for k, v in row.items()}, "source": shown(str(row["source"]))}
        )
        writer.writerow({k: "" if v is None else v for k, v in values.items()})
    return buffer.getvalue()


def _period_words(period: Period) -> str:
    """``Week of 14 Sep 2026``, ``6 Jul 2026 to 20 Sep 2026`` or ``Up to 20 Sep 2026``."""
    if (period.last - period.first).days == 6 and period.first.year > 1:
        return f"Week of {day_words(period.first)}"
    if period.first.year <= 1:
        return f"Up to {day_words(period.last)}"
    return f"{day_words(period.first)} to {day_words(period.last)}"


def _line(names: Sequence[str], cells: Sequence[str], widths: Sequence[int]) -> str:
    """One line: each cell padded to its width, the file shortened from the left."""
    out = []
    for name, text, width in zip(names, cells, widths, strict=True):
        if len(text) > width:
            text = "…" + text[len(text) - width + 1 :]
        out.append(f"{text:<{width}}" if name in _LEFT else f"{text:>{width}}")
    return " ".join(out)


def _cell(name: str, row: pd.Series, units: str, one_year: bool) -> str:
    """One cell's text (a start without its year when the period is within one)."""
    value: Any = row.get(name)
    if name == "start":
        start = pd.Timestamp(value)
        if not one_year:
            return f"{start:%Y-%m-%d}"
        return f"{start.day:>2} {MONTH_NAMES[start.month - 1]} {start:%H:%M}"
    if name == "source":
        return shown(str(value))
    if _unknown(value):
        return ""
    if name == "distance_km":
        return f"{float(value) / km_per_unit(units):.1f}" if float(value) > 0 else ""
    if name == "duration_s":
        minutes = round(float(value) / 60.0)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if name == "mean_speed_mps":
        return _pace(float(value), units)
    if name == "avg_hr":
        return f"{float(value):.0f}"
    if name == "spike":
        ratio: Any = row.get("spike_ratio")  # its class is in the JSON; here how far over
        return f"+{(float(ratio) - 1) * 100:.0f}%" if not _unknown(ratio) else str(value)
    text = str(value)
    return text if len(text) <= _SHOE_WIDTH else text[: _SHOE_WIDTH - 1] + "…"


def _pace(speed_mps: float, units: str) -> str:
    """Minutes per km (or mile) as ``m:ss``; "" when standing still or impossibly slow."""
    if speed_mps <= 0:
        return ""
    seconds = round(1000.0 * km_per_unit(units) / speed_mps)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else ""


def _unknown(value: Any) -> bool:
    """Whether a cell's value is missing (None, NaN)."""
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)
