"""A week's activities on the page: the JSON's ``activities[]`` grouped by week, one row each.

Each week of the page opens to its runs (and other activities): date, name, sport, distance,
time, pace, heart rate, surface, spike, shoe and file. Every text from a file (its name, the
shoe's name, the file's path) is escaped; the values are the JSON's, distances in the page's
units.
"""

from __future__ import annotations

import bisect
import html
from collections.abc import Mapping, Sequence
from typing import Any

from loadwatch.render.page_words import SPORT_SHORT, SURFACE_SHORT, count_words, said
from loadwatch.units import km_per_unit
from loadwatch.vocab import Sport

#: The columns of a week's runs table, by the units of its distances.
_HEADS = ("Date", "Name", "Sport", "{units}", "Time", "Pace", "HR", "Surface", "Spike", "Shoe")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def by_week(
    activities: Sequence[Mapping[str, Any]], week_starts: Sequence[str]
) -> dict[str, list[Mapping[str, Any]]]:
    """The activities of each week, keyed by its ``week_start`` (ISO dates, oldest first).

    An activity belongs to the newest week that starts on or before its local date; one before
    the first week belongs to none.
    """
    grouped: dict[str, list[Mapping[str, Any]]] = {start: [] for start in week_starts}
    for activity in activities:
        day = str(activity.get("start", ""))[:10]
        at = bisect.bisect_right(week_starts, day) - 1
        if at >= 0:
            grouped[week_starts[at]].append(activity)
    return grouped


def runs_summary(activities: Sequence[Mapping[str, Any]]) -> str:
    """``3 runs and 1 other activity`` (or ``no activities``)."""
    runs = sum(1 for a in activities if a.get("sport") == Sport.RUNNING)
    others = len(activities) - runs
    parts = [count_words(runs, "run")] if runs else []
    if others:
        parts.append(count_words(others, "other activity", "other activities"))
    return " and ".join(parts) or "no activities"


def runs_table(activities: Sequence[Mapping[str, Any]], units: str) -> str:
    """A week's activities as a table in its own scrolling box, oldest first."""
    if not activities:
        return '<p class="muted">No activities this week.</p>'
    named = any(a.get("name") for a in activities)  # a Name column only when there are names
    heads = "".join(
        f'<th class="{"text" if k in (0, 1, 2, 7, 8, 9) else ""}">{_e(h.format(units=units))}</th>'
        for k, h in enumerate(_HEADS)
        if named or k != 1
    )
    rows = [
        '<div class="scroll"><table class="runs-table">',
        f"<thead><tr>{heads}<th class='text'>File</th></tr></thead><tbody>",
    ]
    rows.extend(_row(activity, units, named) for activity in activities)
    rows.append("</tbody></table></div>")
    return "".join(rows)


def _row(activity: Mapping[str, Any], units: str, named: bool) -> str:
    """One activity's cells."""
    start = str(activity.get("start", ""))
    when = f"{start[:10]} {start[11:16]}".strip()
    km = activity.get("distance_km")
    per_unit = km_per_unit(units)
    distance = f"{km / per_unit:,.2f}" if isinstance(km, int | float) and km > 0 else "–"
    running = activity.get("sport") == Sport.RUNNING
    hr = activity.get("avg_hr")
    cells = [
        ("text", when),
        ("text", said(activity.get("sport"), SPORT_SHORT)),
        ("", distance),
        ("", clock(activity.get("duration_s"))),
        ("", pace(activity, units) if running else ""),
        ("", "" if hr is None else f"{hr:.0f}"),
        ("text", said(activity.get("surface"), SURFACE_SHORT) if running else ""),
        ("text", spike_words(activity)),
        ("text", activity.get("gear") or ""),
        ("text file", activity.get("source") or ""),
    ]
    if named:
        cells.insert(1, ("text name", activity.get("name") or ""))
    return "<tr>" + "".join(f'<td class="{css}">{_e(text)}</td>' for css, text in cells) + "</tr>"


def clock(seconds: object) -> str:
    """``1:04:53`` or ``42:10``: a duration as a watch shows it."""
    if not isinstance(seconds, int | float) or seconds <= 0:
        return "–"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def pace(activity: Mapping[str, Any], units: str) -> str:
    """A run's pace over its moving time (its timer time when moving time is not given):
    ``5:12 /km``."""
    km = activity.get("distance_km")
    seconds = activity.get("moving_s") or activity.get("duration_s")
    if not isinstance(km, int | float) or km <= 0 or not isinstance(seconds, int | float):
        return "–"
    per_unit = round(seconds / (km / km_per_unit(units)))
    return f"{per_unit // 60}:{per_unit % 60:02d} /{units}"


def spike_words(activity: Mapping[str, Any]) -> str:
    """``large (×1.45)`` for a spike run; empty for none."""
    spike = activity.get("spike")
    if not spike:
        return ""
    ratio = activity.get("spike_ratio")
    times = f" (×{ratio:.2f})" if isinstance(ratio, int | float) else ""
    return f"{said(spike, {})}{times}"
