"""``index.html``: the nightly report as one small static page.

Built from the JSON report itself (the content of ``latest.json``), so the page can only ever
show what the JSON says, with its distances (always km in the JSON) in the units the runner
chose. It needs no network: styles are inline and the chart is the SVG file written beside it,
so the page works opened straight from disk, and it needs no script: its toggles are
``<details>`` and CSS's ``:target``.

In order: the newest week as a card (:mod:`loadwatch.render.page_card`), the body log's newest
entries, the chart, then the weeks newest first, each opening to its runs
(:mod:`loadwatch.render.page_weeks`, :mod:`loadwatch.render.page_runs`). One column that fits a
phone: wide tables scroll inside their own box, long paths wrap, text is 12 px or more.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from loadwatch.model import DEFAULT_THRESHOLD
from loadwatch.render.bodylog import LOG_STRENGTH
from loadwatch.render.page_card import card
from loadwatch.render.page_weeks import weeks_section
from loadwatch.render.page_words import count_words
from loadwatch.render.progress import status_sentences
from loadwatch.units import km_per_unit

#: The page's styles: one column that fits a phone (390 px), wide tables scrolling in their own
#: box, text of 12 px or more, the chart as wide as the page.
_STYLE = """
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
       max-width: 72rem; padding: 1rem 1.25rem 3rem; color: #1b1b1b; background: #fff;
       overflow-wrap: break-word; }
h1 { font-size: 1.5rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; }
h3 { font-size: 1rem; margin: .9rem 0 .3rem; }
a { color: #0b57a4; }
.card { border-radius: .5rem; padding: .9rem 1.1rem; border: 2px solid; }
.card.stale { border-color: #e69f00; background: #fdf5e6; }
.card.ok { border-color: #009e73; background: #e9f7f2; }
.card.flagged { border-color: #d55e00; background: #fcefe6; }
.card .headline { font-size: 1.2rem; font-weight: 650; margin: 0 0 .3rem; }
.card ul { margin: .3rem 0 0 1.1rem; padding: 0; }
.figures { display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; margin: .5rem 0; }
.figures dt { font-size: .8rem; color: #555; }
.figures dd { margin: 0; font-size: 1.15rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.red-flag { color: #a30000; }
figure { margin: 1rem 0; }
figure img { display: block; width: 100%; max-width: 45rem; height: auto; border: 1px solid #ddd; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .4rem; border-bottom: 1px solid #e4e4e4; text-align: right;
         font-size: .9rem; white-space: nowrap; }
th { background: #f4f4f4; white-space: normal; vertical-align: bottom; }
td.text, th.text { text-align: left; }
td.list { white-space: normal; min-width: 7rem; }
td.name { white-space: normal; min-width: 10rem; overflow-wrap: anywhere; }
.weeks tr > :first-child { position: sticky; left: 0; background: #fff; }
.weeks th:first-child { background: #f4f4f4; }
.weeks tr.flagged > td { background: #fcefe6; }
tbody.rest td { color: #666; }
tr.runs { display: none; }
tr.runs:target { display: table-row; }
.weeks tr.runs > td { position: static; white-space: normal; background: #f8f8f8; padding: .5rem; }
.runs-box { position: sticky; left: .5rem; max-width: calc(100vw - 3rem); }
.flag { color: #b34700; font-weight: 650; }
.muted { color: #555; font-size: .9rem; }
code { overflow-wrap: anywhere; word-break: break-word; }
details.older, details.log { margin: 1rem 0; }
summary { cursor: pointer; }
@media (max-width: 40rem) { body { padding: .75rem .75rem 2rem; } }
@media print { tr.runs { display: none; } .scroll { overflow: visible; } }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


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
            (:func:`loadwatch.render.bodylog.latest_entries`); listed after the card, so that
            they never push the newest week down.

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
        card(report, threshold, units, advice, status_sentences(report, units)),
        *_body_log(body_log),
    ]
    if chart:
        parts.append(
            f'<figure><img src="{_e(chart)}" alt="Weekly distance, runs, intensity and surface '
            'mix, with the weeks that grew more than the rule allows highlighted"></figure>'
        )
    parts.append('<h2 id="weeks">Week by week</h2>')
    parts.append(weeks_section(report, threshold, units))
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
    summary = f"Your body log, newest first ({count_words(len(entries), 'entry', 'entries')})"
    return [f'<details class="log" open><summary>{summary}</summary><ul>{items}</ul></details>']


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
