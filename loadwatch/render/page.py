"""``index.html``: the nightly report as one small static page.

Built from the JSON report itself (the content of ``latest.json``), so the page can only ever
show what the JSON says, with its distances (always km in the JSON) in the units the runner
chose. It needs no network: styles are inline and the chart is the SVG file written beside it,
so the page works opened straight from disk.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from loadwatch.fields import WEEK_FIELDS, Field, Kind, Output, display_order, shown_in
from loadwatch.metrics.weekly import RULE_MEASURES
from loadwatch.model import DEFAULT_THRESHOLD
from loadwatch.render.bodylog import LOG_STRENGTH
from loadwatch.render.flags import note_words, red_flag_sentences, words_for
from loadwatch.render.progress import status_sentences
from loadwatch.render.risk_text import reasons_text
from loadwatch.render.table import change_text
from loadwatch.units import km_per_unit

#: The JSON key of the change each 10%-rule flag is about (``distance`` -> ``distance_change``).
_CHANGE_KEYS: dict[str, str] = {
    flag: f.name
    for flag, column in RULE_MEASURES.items()
    for f in WEEK_FIELDS
    if f.change_of == column
}
#: Kinds whose cells are text, aligned left.
_TEXT_KINDS = frozenset({Kind.DATE, Kind.TEXT, Kind.LIST})
#: Classes of a column beyond its alignment.
_CLASSES: dict[str, str] = {"flags": "flag"}

#: Which flag each change belongs to: a week in progress shows its change only once flagged.
_CHANGE_FLAGS: dict[str, str] = {key: flag for flag, key in _CHANGE_KEYS.items()}

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
       max-width: 72rem; padding: 1rem 1.25rem 3rem; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.5rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; }
.status { border-radius: .5rem; padding: .9rem 1.1rem; border: 2px solid; }
.status.stale { border-color: #e69f00; background: #fdf5e6; }
.status.ok { border-color: #009e73; background: #e9f7f2; }
.status.flagged { border-color: #d55e00; background: #fcefe6; }
.status .headline { font-size: 1.2rem; font-weight: 650; margin: 0 0 .3rem; }
.status ul { margin: .3rem 0 0 1.1rem; padding: 0; }
figure { margin: 1rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
th { background: #f4f4f4; position: sticky; top: 0; }
td.text, th.text { text-align: left; }
tr.flagged td { background: #fcefe6; }
tr.rest td { color: #888; }
.flag { color: #b34700; font-weight: 650; }
.muted { color: #666; font-size: .9rem; }
@media print { th { position: static; } }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float | int | None, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def _distance(km: float | None, units: str) -> str:
    """A distance in km from the report, shown in ``units``."""
    return _number(None if km is None else km / km_per_unit(units))


def _duration(seconds: float | None) -> str:
    if not seconds:
        return "0:00"
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def render_index(
    report: Mapping[str, Any],
    *,
    units: str = "km",
    advice: Sequence[str] | None = None,
    chart: str | None = "weekly-risk.svg",
    generated: datetime | None = None,
    body_log: Sequence[str] = (),
) -> str:
    """The page for a JSON report (the dict :func:`loadwatch.render.data.report_dict` returns).

    Args:
        report: The JSON report (distances in km).
        units: ``"km"`` or ``"mi"``: the units of every distance on the page.
        advice: The newest week's advice with distances in ``units``
            (:func:`loadwatch.render.risk_text.newest_advice`). ``None`` uses the report's own,
            which
            is in km, so with other units the page then lists the week's notes instead.
        chart: File name of the chart beside the page, or ``None`` for no chart.
        generated: When the page was made (shown at the foot), or ``None`` to leave it out.
        body_log: The body log's newest entries in words, newest first
            (:func:`loadwatch.render.bodylog.latest_entries`); listed after the red flags.

    Raises:
        ConfigError: ``units`` is neither ``"km"`` nor ``"mi"``.
    """
    km_per_unit(units)  # an unknown unit fails here, before any of the page is built
    weeks: Sequence[Mapping[str, Any]] = report.get("weeks", [])
    threshold = float(report.get("threshold", DEFAULT_THRESHOLD))
    newest = weeks[-1] if weeks else None
    if advice is None:
        same_units = units == report.get("units", "km")
        advice = [str(a) for a in newest.get("advice", []) or []] if newest and same_units else []
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>loadwatch: weekly running load</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>Weekly running load</h1>",
        *(
            f'<p class="flag"><strong>{_e(text)}</strong></p>'
            for text in red_flag_sentences(report)
        ),
        *_body_log(body_log),
        _status(newest, threshold, units, advice, status_sentences(report, units)),
    ]
    if chart:
        parts.append(
            f'<figure><img src="{_e(chart)}" alt="Weekly distance, runs, intensity and surface '
            'mix, with the weeks that grew more than the rule allows highlighted"></figure>'
        )
    parts.append("<h2>Week by week</h2>")
    parts.append(_weeks_table(weeks, threshold, units))
    if any("low_strength" in (week.get("notes") or []) for week in weeks):
        parts.append(
            '<p class="muted">Strength work your watch did not record counts once logged: '
            f"<code>{_e(LOG_STRENGTH)}</code> (with its minutes).</p>"
        )
    parts.extend(_set_aside(report))
    foot = f"loadwatch {_e(report.get('loadwatch', ''))}; weeks in {_e(report.get('timezone'))}"
    surface_map = report.get("surface_map")
    if isinstance(surface_map, Mapping):
        foot += f"; surfaces from {_e(surface_map['extract'])}, {_e(surface_map['attribution'])}"
    if generated is not None:
        foot += f"; updated {_e(generated.strftime('%Y-%m-%d %H:%M %Z').strip())}"
    parts.append(
        f'<p class="muted">{foot}. Not medical advice: see a professional if pain is severe, '
        "lasts beyond several weeks, or spreads.</p>"
    )
    parts.extend(["</body>", "</html>", ""])
    return "\n".join(parts)


def _body_log(entries: Sequence[str]) -> list[str]:
    """The body log's newest entries (nothing without a log)."""
    if not entries:
        return []
    items = "".join(f"<li>{_e(line)}</li>" for line in entries)
    summary = f"Your body log, newest first ({len(entries)} entries)"
    return [f"<details open><summary>{summary}</summary><ul>{items}</ul></details>"]


def _status(
    week: Mapping[str, Any] | None,
    threshold: float,
    units: str,
    advice: Sequence[str],
    first: Sequence[str] = (),
) -> str:
    """The newest week at the top of the page; ``first`` (a stale folder, or this week so far)
    before anything else."""
    if week is None:
        return '<section class="status ok"><p class="headline">No runs found yet.</p></section>'
    stale = bool(first) and week.get("complete", True)
    if stale:
        return _stale(week, first, units)
    flags = list(week.get("flags", []))
    risk = week.get("risk")
    label = "This week so far" if first else f"Week of {_e(week['week_start'])}"
    if isinstance(risk, str) and risk != "low":
        label += f" ({_e(risk)} risk{_e(reasons_text(week.get('risk_reasons', [])))})"
    distance = _distance(week.get("distance_km"), units)
    summary = f"{week['runs']} runs, {distance} {units}, {_duration(week.get('duration_s'))} h"
    if flags:
        items = []
        for flag in flags:
            change = week.get(_CHANGE_KEYS.get(flag, ""))
            word = words_for(flag).what
            detail = f" {change_text(change, threshold)}" if change is not None else ""
            items.append(f"<li><span class='flag'>{_e(word)}{_e(detail)}</span></li>")
        body = (
            f'<p class="headline">{label}: needs attention</p><p>{_e(summary)}. '
            "Flagged:</p><ul>" + "".join(items) + "</ul>"
        )
        css = "flagged"
    elif isinstance(risk, str) and risk != "low":  # no flag, but a risk all the same (pain)
        body = f'<p class="headline">{label}: needs attention</p><p>{_e(summary)}.</p>'
        css = "flagged"
    else:
        body = f'<p class="headline">{label}: within the rule</p><p>{_e(summary)}.</p>'
        css = "ok"
    body = "".join(f"<p><strong>{_e(text)}</strong></p>" for text in first) + body
    # The newest week's advice already speaks to each note; without advice, name the notes.
    notes = [] if advice else [note_words(n) for n in week.get("notes", [])]
    advice = [text for text in advice if text not in first]  # this week so far: said above
    extra = "".join(f"<li>{_e(text)}</li>" for text in [*notes, *advice])
    if extra:
        body += f"<ul>{extra}</ul>"
    return f'<section class="status {css}" id="status">{body}</section>'


def _stale(week: Mapping[str, Any], first: Sequence[str], units: str) -> str:
    """The top of the page for a folder without new activity: that first, then the last week
    with runs, named as such rather than as this week."""
    headline = f'<p class="headline">{_e(first[0])}</p>'
    last = (
        f"<p>The last week with runs was the week of {_e(week['week_start'])}: "
        f"{_e(week.get('runs'))} runs, {_distance(week.get('distance_km'), units)} {units}. "
        "Nothing newer has reached this folder.</p>"
    )
    return f'<section class="status stale" id="status">{headline}{last}</section>'


def _weeks_table(weeks: Sequence[Mapping[str, Any]], threshold: float, units: str) -> str:
    """The week-by-week table, newest first: the weekly fields the schema shows on the page."""
    columns = display_order(shown_in(WEEK_FIELDS, Output.PAGE))  # each change beside its measure
    head = "".join(_heads(f, units) for f in columns)
    rows = ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for week in reversed(weeks):
        css = "flagged" if week.get("flags") else ("rest" if not week.get("runs") else "")
        cells = "".join(_cells(f, week, threshold, units) for f in columns)
        rows.append(f'<tr class="{css}">{cells}</tr>')
    rows.extend(["</tbody>", "</table>"])
    return "\n".join(rows)


def _class(field: Field, *, head: bool = False) -> str:
    """The ``class`` attribute of ``field``'s cells: text aligns left, flags stand out."""
    names = ["text"] if field.kind in _TEXT_KINDS else []
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
        return _e(", ".join(value or []))
    if field.kind is Kind.KM:
        return _distance(value, units)
    if field.kind is Kind.FRACTION:
        return change_text(value, threshold)
    if field.kind is Kind.SECONDS:
        return _duration(value)
    if field.kind is Kind.RATIO:
        return _number(value, 2)
    if field.kind is Kind.MINUTES:
        return _number(value, 0)
    if field.kind is Kind.COUNT:
        return _e(value or 0)
    return _e("" if value is None else value)


def _set_aside(report: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    skipped = report.get("skipped", [])
    what = "Files and folders" if any(s["source"].endswith("/") for s in skipped) else "Files"
    parts.append(f"<h2>{what} skipped ({len(skipped)})</h2>")
    if skipped:
        parts.append("<ul>")
        parts.extend(f"<li><code>{_e(s['source'])}</code>: {_e(s['reason'])}</li>" for s in skipped)
        parts.append("</ul>")
    else:
        parts.append('<p class="muted">None: every activity file could be read.</p>')
    pending = report.get("pending", [])
    if pending:
        parts.append(f"<h2>Still syncing ({len(pending)})</h2><ul>")
        parts.extend(f"<li><code>{_e(p['source'])}</code></li>" for p in pending)
        parts.append("</ul>")
    duplicates = report.get("duplicates", [])
    if duplicates:
        parts.append(f"<h2>Duplicates left out ({len(duplicates)})</h2><ul>")
        parts.extend(
            f"<li><code>{_e(d['source'])}</code>, the same as "
            f"<code>{_e(d['duplicate_of'])}</code></li>"
            for d in duplicates
        )
        parts.append("</ul>")
    return parts
