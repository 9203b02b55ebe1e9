"""The card at the top of the page: the newest week, what to do next, and the red flags.

It says, in this order: the body log's red flags; a stale folder or this week so far; the
week's runs, distance and time; its risk with its reasons; what was flagged; next week's budget
(the most distance, runs and longest run the rules allow); the advice. Its numbers are the
JSON report's (``latest.json``), distances in the page's units; each figure has an ``id`` so
that a reader (or a test) can find it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from loadwatch.render.flags import note_words, red_flag_sentences, words_for
from loadwatch.render.page_weeks import CHANGE_KEYS, distance, hours
from loadwatch.render.page_words import count_words
from loadwatch.render.risk_text import reasons_text
from loadwatch.render.table import change_text
from loadwatch.vocab import RISK_WORDS


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def card(
    report: Mapping[str, Any],
    threshold: float,
    units: str,
    advice: Sequence[str],
    first: Sequence[str] = (),
) -> str:
    """The newest week's card; ``first`` (a stale folder, or this week so far) is said first."""
    weeks: Sequence[Mapping[str, Any]] = report.get("weeks", [])
    red = "".join(
        f'<p class="red-flag"><strong>{_e(text)}</strong></p>'
        for text in red_flag_sentences(report)
    )
    if not weeks:
        headline = '<p class="headline">No runs found yet.</p>'
        return f'<section class="card ok" id="status">{red}{headline}</section>'
    week = weeks[-1]
    if bool(first) and week.get("complete", True):
        return _stale(week, first, units, red)
    flags = list(week.get("flags", []))
    risk = week.get("risk")
    label = "This week so far" if first else f"Week of {_e(week['week_start'])}"
    attention = bool(flags) or (isinstance(risk, str) and risk != "low")
    # The risk in the words the terminal and --notify use (vocab.RISK_WORDS), with its reasons.
    if isinstance(risk, str) and risk in RISK_WORDS:
        verdict = RISK_WORDS[risk] + reasons_text(week.get("risk_reasons", []) or [])
    else:
        verdict = "flagged" if flags else "no flags"
    body = [
        red,
        f'<p class="headline">{label}: {_e(verdict)}</p>',
        *(f"<p><strong>{_e(text)}</strong></p>" for text in first),
        _figures(week, units),
        _flagged(week, flags, threshold),
        _next_week(week, units),
    ]
    # The newest week's advice already speaks to each note; without advice, name the notes.
    notes = [] if advice else [note_words(n) for n in week.get("notes", [])]
    advice = [text for text in advice if text not in first]  # this week so far: said above
    items = "".join(f"<li>{_e(text)}</li>" for text in [*notes, *advice])
    if items:
        body.append(f'<h3>What to do</h3><ul class="advice">{items}</ul>')
    css = "flagged" if attention else "ok"
    return f'<section class="card {css}" id="status">{"".join(body)}</section>'


def _figure(key: str, label: str, value: str) -> str:
    """One figure of the card: its label above its value."""
    return f'<div><dt>{_e(label)}</dt><dd id="card-{key}">{_e(value)}</dd></div>'


def _figures(week: Mapping[str, Any], units: str) -> str:
    """The week's runs, distance, time and risk (with its reasons)."""
    risk = week.get("risk")
    risk_text = "–" if risk is None else RISK_WORDS.get(str(risk), str(risk))
    return (
        '<dl class="figures">'
        + _figure("runs", "Runs", str(week.get("runs", 0)))
        + _figure("distance", "Distance", f"{distance(week.get('distance_km'), units)} {units}")
        + _figure("time", "Time", f"{hours(week.get('duration_s'))} h")
        + _figure("risk", "Risk", risk_text)
        + "</dl>"
    )


def _flagged(week: Mapping[str, Any], flags: Sequence[str], threshold: float) -> str:
    """What was flagged, each with its change, or nothing."""
    if not flags:
        return ""
    items = []
    for flag in flags:
        change = week.get(CHANGE_KEYS.get(flag, ""))
        detail = f" {change_text(change, threshold)}" if change is not None else ""
        items.append(f'<li><span class="flag">{_e(words_for(flag).what)}{_e(detail)}</span></li>')
    return f"<p>Flagged:</p><ul>{''.join(items)}</ul>"


def _next_week(week: Mapping[str, Any], units: str) -> str:
    """Next week's budget as figures (nothing when the report has none)."""
    budget = week.get("next_week")
    if not isinstance(budget, Mapping) or budget.get("max_km") is None:
        return ""
    runs = budget.get("max_runs")
    return (
        '<h3>Next week, at most</h3><dl class="figures">'
        + _figure("next-distance", "Distance", f"{distance(budget.get('max_km'), units)} {units}")
        + _figure("next-runs", "Runs", "–" if runs is None else count_words(int(runs), "run"))
        + _figure(
            "next-longest",
            "Longest run",
            f"{distance(budget.get('longest_run_km'), units)} {units}",
        )
        + "</dl>"
    )


def _stale(week: Mapping[str, Any], first: Sequence[str], units: str, red: str) -> str:
    """The card of a folder without new activity: that first, then the last week with runs,
    named as such rather than as this week."""
    headline = f'<p class="headline">{_e(first[0])}</p>'
    runs = count_words(int(week.get("runs") or 0), "run")
    last = (
        f"<p>The last week with runs was the week of {_e(week['week_start'])}: "
        f"{_e(runs)}, {distance(week.get('distance_km'), units)} {units}. "
        "Nothing newer has reached this folder.</p>"
    )
    return f'<section class="card stale" id="status">{red}{headline}{last}</section>'
