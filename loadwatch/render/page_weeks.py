"""The page's weeks, newest first: one row a week, each opening to its runs.

The columns are the weekly fields the schema shows on the page (:mod:`loadwatch.fields`), in
a box of their own that scrolls sideways on a narrow screen. The newest :data:`RECENT_WEEKS`
weeks are shown; older ones wait behind a ``<details>`` toggle, which works without script.
Weeks without runs collapse into one row per stretch, as in the terminal. A week's date is a
link to the row of its runs, shown by CSS's ``:target`` (no script either).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from loadwatch.fields import WEEK_FIELDS, Field, Kind, Output, display_order, shown_in
from loadwatch.metrics.weekly import RULE_MEASURES
from loadwatch.render.page_runs import by_week, runs_summary, runs_table
from loadwatch.render.page_words import FLAG_SHORT, NOTE_SHORT, count_words, said_all
from loadwatch.render.table import change_text
from loadwatch.units import km_per_unit

#: How many of the newest weeks the page shows before the toggle (half a year).
RECENT_WEEKS = 26

#: The JSON key of the change each 10%-rule flag is about (``distance`` -> ``distance_change``).
CHANGE_KEYS: dict[str, str] = {
    flag: f.name
    for flag, column in RULE_MEASURES.items()
    for f in WEEK_FIELDS
    if f.change_of == column
}
#: Which flag each change belongs to: a week in progress shows its change only once flagged.
_CHANGE_FLAGS: dict[str, str] = {key: flag for flag, key in CHANGE_KEYS.items()}
#: Kinds whose cells are text, aligned left.
_TEXT_KINDS = frozenset({Kind.DATE, Kind.TEXT, Kind.LIST})
#: Classes of a column beyond its alignment.
_CLASSES: dict[str, str] = {"flags": "flag"}
#: The words of each list column's codes.
_LIST_WORDS: dict[str, dict[str, str]] = {"flags": FLAG_SHORT, "notes": NOTE_SHORT}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def number(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals, or a dash for none."""
    return "–" if value is None else f"{value:,.{digits}f}"


def distance(km: float | None, units: str) -> str:
    """A distance in km from the report, shown in ``units``."""
    return number(None if km is None else km / km_per_unit(units))


def hours(seconds: float | None) -> str:
    """A week's time as ``h:mm``."""
    if not seconds:
        return "0:00"
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def weeks_section(report: Mapping[str, Any], threshold: float, units: str) -> str:
    """The weeks, newest first: the recent ones in a table, older ones behind a toggle."""
    weeks: Sequence[Mapping[str, Any]] = report.get("weeks", [])
    starts = [str(week["week_start"]) for week in weeks]
    runs = by_week(report.get("activities", []) or [], starts)
    columns = display_order(shown_in(WEEK_FIELDS, Output.PAGE))  # each change beside its measure
    newest_first = list(reversed(weeks))
    recent, older = newest_first[:RECENT_WEEKS], newest_first[RECENT_WEEKS:]
    parts = [
        '<p class="muted">Tap or click a week\'s date to see its runs.</p>',
        _table(recent, columns, runs, threshold, units),
    ]
    if older:
        span = f"{older[-1]['week_start']} to {older[0]['week_start']}"
        parts.append(
            f'<details class="older"><summary>{count_words(len(older), "older week")} '
            f"({_e(span)})</summary>{_table(older, columns, runs, threshold, units)}</details>"
        )
    return "\n".join(parts)


def _table(
    weeks: Sequence[Mapping[str, Any]],
    columns: Sequence[Field],
    runs: Mapping[str, Sequence[Mapping[str, Any]]],
    threshold: float,
    units: str,
) -> str:
    """Weeks (newest first) as a table in its own scrolling box."""
    head = "".join(_heads(f, units) for f in columns)
    width = sum(len(f.per) if f.per is not None else 1 for f in columns)
    rows = ['<div class="scroll"><table class="weeks">', f"<thead><tr>{head}</tr></thead>"]
    rest: list[Mapping[str, Any]] = []
    for week in weeks:
        if not week.get("runs") and not runs.get(str(week["week_start"])):
            rest.append(week)
            continue
        rows.extend(_rest(rest, width))
        rest = []
        rows.append(
            _week(week, columns, runs.get(str(week["week_start"]), []), width, threshold, units)
        )
    rows.extend(_rest(rest, width))
    rows.append("</table></div>")
    return "\n".join(rows)


def _rest(weeks: Sequence[Mapping[str, Any]], width: int) -> list[str]:
    """One row for a stretch of weeks without runs (newest first), or none."""
    if not weeks:
        return []
    first, last = weeks[-1]["week_start"], weeks[0]["week_start"]
    words = "no runs" if len(weeks) == 1 else f"no runs for {len(weeks)} weeks, to {_e(last)}"
    return [
        f'<tbody class="rest"><tr><td class="text">{_e(first)}</td>'
        f'<td class="text" colspan="{width - 1}">({words})</td></tr></tbody>'
    ]


def _week(
    week: Mapping[str, Any],
    columns: Sequence[Field],
    activities: Sequence[Mapping[str, Any]],
    width: int,
    threshold: float,
    units: str,
) -> str:
    """A week's row and the row of its runs (shown when its date's link is followed)."""
    start = _e(week["week_start"])
    css = "flagged" if week.get("flags") else ""
    cells = "".join(_cells(f, week, threshold, units) for f in columns[1:])
    link = f'<td class="text"><a class="week-link" href="#runs-{start}">{start}</a></td>'
    summary = f"Runs of the week of {start}: {_e(runs_summary(activities))}"
    return (
        f'<tbody class="week"><tr class="{css}">{link}{cells}</tr>'
        f'<tr class="runs" id="runs-{start}"><td class="text" colspan="{width}">'
        f'<div class="runs-box"><p><strong>{summary}</strong> <a href="#weeks">(close)</a></p>'
        f"{runs_table(activities, units)}</div></td></tr></tbody>"
    )


def _class(field: Field, *, head: bool = False) -> str:
    """The ``class`` attribute of ``field``'s cells: text aligns left, flags stand out."""
    names = ["text"] if field.kind in _TEXT_KINDS else []
    if not head and field.kind is Kind.LIST:
        names.append("list")  # words that may wrap
    if not head and field.name in _CLASSES:
        names.append(_CLASSES[field.name])
    return f' class="{" ".join(names)}"' if names else ""


def _heads(field: Field, units: str) -> str:
    """The header cells of ``field``'s column (one per member of a per-surface field)."""
    members = [str(m) for m in field.per] if field.per is not None else [""]
    return "".join(
        f"<th{_class(field, head=True)}>{_e(field.header(Output.PAGE, units=units, member=m))}</th>"
        for m in members
    )


def _cells(field: Field, week: Mapping[str, Any], threshold: float, units: str) -> str:
    """The cells of ``field`` in a week of the JSON report."""
    if field.change_of is not None and not week.get("complete", True):
        flagged = _CHANGE_FLAGS.get(field.name) in (week.get("flags") or [])
        if not flagged:
            return f"<td{_class(field)}>so far</td>"
    if field.per is not None:
        values = week.get(field.name) or {}
        return "".join(
            f"<td>{_text(field, values.get(str(m)), threshold, units)}</td>" for m in field.per
        )
    return f"<td{_class(field)}>{_text(field, week.get(field.name), threshold, units)}</td>"


def _text(field: Field, value: Any, threshold: float, units: str) -> str:
    """A JSON value as the page shows it, by its field's kind (distances in ``units``)."""
    if field.kind is Kind.LIST:
        return _e(said_all(value, _LIST_WORDS.get(field.name, {})))
    if field.kind is Kind.KM:
        return distance(value, units)
    if field.kind is Kind.FRACTION:
        return change_text(value, threshold)
    if field.kind is Kind.SECONDS:
        return hours(value)
    if field.kind is Kind.RATIO:
        return number(value, 2)
    if field.kind is Kind.MINUTES:
        return number(value, 0)
    if field.kind is Kind.COUNT:
        return _e(value or 0)
    return _e("" if value is None else value)
