"""The weekly chart's fixed layout: title lines, the panels stacked with each one's legend
under it, and the foot; the week labels under a panel; the words of the title and of a stale
folder's line.

A fixed layout rather than matplotlib's constrained one, which measures every tick label of
every panel on each draw and took a third of the time of writing the charts. The figure is
:data:`~loadwatch.render.charts._style.FIGURE_WIDTH_IN` wide and as tall as its panels and
legends need, so that it reads on a phone: legends go under their panel, not beside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from loadwatch.metrics.calendar import first_day_name, last_day
from loadwatch.render.charts._style import FIGURE_WIDTH_IN, MIN_FONT_PT, text_width
from loadwatch.vocab import WeekStart

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The margins, in inches: room on the left for the widest y tick label ("100%") and the y label,
# and an edge elsewhere.
LEFT_IN = 0.75
RIGHT_IN = 0.15
_EDGE_IN = 0.1
#: The width of every panel, in inches.
AXES_WIDTH_IN = FIGURE_WIDTH_IN - LEFT_IN - RIGHT_IN
#: Histories up to this many weeks get a small tick for every week.
MINOR_TICK_WEEKS = 60
# The room a week's label takes on the x axis, in inches: rotated, and upright.
_LABEL_IN = 0.21
_UPRIGHT_LABEL_IN = 0.5
# From the left spine to the y labels, so that they line up whatever each panel's ticks are.
_YLABEL_IN = 0.5
# Between a legend and the next panel, and between panels sharing their dates.
_GAP_IN = 0.2
_SHARED_GAP_IN = 0.1
# Between a panel (or its dates) and its legend: room for the tick marks.
_KEY_GAP_IN = 0.1
_TITLE_PT = 11.0
_SUBTITLE_PT = 10.0
_LINE = 1.3
_STALE_COLOR = "#8A4B00"
# A date as the chart writes it, whose spaces are not places to break a line.
_DATE = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b")
_GLUE = "\x00"


class Row(NamedTuple):
    """One panel in the stack.

    Attributes:
        ax: The panel.
        height: Its height in inches.
        below: The room under it for its tick labels and axis label, in inches (0: none).
    """

    ax: Axes
    height: float
    below: float


def new_figure() -> Figure:
    """A figure of the chart's width on an Agg canvas (its height is set by :func:`lay_out`)."""
    fig = Figure(figsize=(FIGURE_WIDTH_IN, 10.0))
    FigureCanvasAgg(fig)
    return fig


def wrap(text: str, size: float, *, bold: bool = False) -> str:
    """``text`` broken into lines that fit the figure's width at ``size`` points: after a comma
    where it can, never inside a date or a range of dates ("1 Jun 2026 – 14 Jun 2026")."""
    room = (FIGURE_WIDTH_IN - 2 * _EDGE_IN) * 72
    kept = _DATE.sub(lambda m: m.group(0).replace(" ", _GLUE), text)
    kept = kept.replace(" – ", f"{_GLUE}–{_GLUE}")
    lines: list[str] = []
    for part in kept.split(", "):
        joined = f"{lines[-1]}, {part}" if lines else part
        if lines and text_width(joined.replace(_GLUE, " "), size, bold=bold) <= room:
            lines[-1] = joined
            continue
        if lines:
            lines[-1] += ","
        lines += _words(part, size, bold, room)
    return "\n".join(line.replace(_GLUE, " ") for line in lines)


def _words(text: str, size: float, bold: bool, room: float) -> list[str]:
    """``text`` broken between words into lines ``room`` points wide (a long word alone)."""
    lines: list[str] = []
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined.replace(_GLUE, " "), size, bold=bold) <= room:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def lay_out(
    fig: Figure,
    rows: Sequence[Row],
    *,
    heading: str,
    stale: str | None = None,
    credit: str | None = None,
) -> None:
    """Size the figure to what it holds and place the title, the stale line, each panel with its
    legend under it, and the credit at the foot.

    Args:
        fig: The figure, its panels drawn.
        rows: The panels, top first.
        heading: The title.
        stale: The line under the title for a stale folder.
        credit: The line at the foot, such as the map data's attribution.
    """
    title = wrap(heading, _TITLE_PT, bold=True)
    top_in = _EDGE_IN + _lines_in(title, _TITLE_PT)
    note = wrap(stale, _SUBTITLE_PT, bold=True) if stale else ""
    if note:
        top_in += 0.05 + _lines_in(note, _SUBTITLE_PT)
    top_in += _GAP_IN
    foot = wrap(credit, MIN_FONT_PT) if credit else ""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    keys = [row.ax.get_legend() for row in rows]
    key_in = [0.0 if k is None else k.get_window_extent(renderer).height / fig.dpi for k in keys]
    spans = [_span(row, k) for row, k in zip(rows, key_in, strict=True)]
    height = top_in + sum(spans) + _lines_in(foot, MIN_FONT_PT) + _EDGE_IN
    fig.set_size_inches(FIGURE_WIDTH_IN, height)
    y = height - top_in
    for row, key, span in zip(rows, keys, spans, strict=True):
        left, width = LEFT_IN / FIGURE_WIDTH_IN, AXES_WIDTH_IN / FIGURE_WIDTH_IN
        row.ax.set_position((left, (y - row.height) / height, width, row.height / height))
        row.ax.yaxis.set_label_coords(-_YLABEL_IN / AXES_WIDTH_IN, 0.5)
        if key is not None:
            top = y - row.height - row.below - _KEY_GAP_IN
            anchor = (_EDGE_IN / FIGURE_WIDTH_IN, top / height)
            key.set_bbox_to_anchor(anchor, transform=fig.transFigure)
        y -= span
    fig.suptitle(title, y=1 - _EDGE_IN / height, va="top", fontsize=_TITLE_PT, linespacing=1.1)
    if note:
        fig.text(
            0.5,
            1 - (_EDGE_IN + _lines_in(title, _TITLE_PT) + 0.05) / height,
            note,
            ha="center",
            va="top",
            color=_STALE_COLOR,
            fontsize=_SUBTITLE_PT,
            fontweight="bold",
            linespacing=1.1,
        )
    if foot:
        fig.text(
            1 - _EDGE_IN / FIGURE_WIDTH_IN,
            _EDGE_IN / 2 / height,
            foot,
            ha="right",
            va="bottom",
            color="0.35",
            linespacing=1.1,
        )


def _span(row: Row, key_in: float) -> float:
    """The height a panel takes with what is under it: its labels, legend and the gap after."""
    if key_in:
        return row.height + row.below + _KEY_GAP_IN + key_in + _GAP_IN
    return row.height + row.below + (_GAP_IN if row.below else _SHARED_GAP_IN)


def _lines_in(text: str, size: float) -> float:
    """The height of ``text``'s lines in inches (none for no text)."""
    return 0.0 if not text else (text.count("\n") + 1) * size * _LINE / 72


def title_for(
    index: pd.DatetimeIndex,
    threshold: float,
    title: str | None,
    *,
    risk: bool = False,
    days: int = 7,
) -> str:
    """The given title, else the rule and the days charted: up to the analysis day when the
    newest week is in progress (``days`` of it so far)."""
    if title is not None:
        return title
    heading = f"Weekly training load and {threshold * 100:g}% rule flags"
    if risk:
        heading = f"Weekly training load, {threshold * 100:g}% rule flags and overuse risk"
    if len(index) == 0:
        return heading
    first = index.min()
    last = last_day(index.max()) if days >= 7 else index.max() + pd.Timedelta(days=max(days, 1) - 1)
    return f"{heading}, {day_words(first)} – {day_words(last)}"


def stale_line(since: date) -> str:
    """The words under a stale folder's title: since when nothing new came, and what to check."""
    return (
        f"No new activity since {day_words(since)}: the newest week shown is not this week. "
        "Is the watch still syncing?"
    )


def day_words(d: date) -> str:
    """A date as '4 Mar 2024', the same in every locale."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def week_ticks(
    ax: Axes,
    index: pd.DatetimeIndex,
    axes_width: float,
    week_start: WeekStart = WeekStart.MONDAY,
) -> None:
    """Label the weeks of a short history (every week, or every other as room allows); months
    (or every Nth month) of a long one.

    Args:
        ax: The bottom panel.
        index: The weeks shown.
        axes_width: The panel's width in inches, which decides how many labels fit.
        week_start: The day the weeks start on, which the axis label names.
    """
    n = len(index)
    starting = f"Week starting ({first_day_name(week_start)})"
    if n <= 26:
        rotate = n * _UPRIGHT_LABEL_IN > axes_width
        step = max(1, math.ceil(n * _LABEL_IN / axes_width)) if rotate else 1
        shown = range((n - 1) % step, n, step)  # the newest week always named
        labels = [f"{index[i].day} {MONTHS[index[i].month - 1]}" for i in shown]
        if step > 1:
            ax.set_xticks(np.arange(n), minor=True)
        ax.set_xticks(
            list(shown),
            labels,
            rotation=45 if rotate else 0,
            ha="right" if rotate else "center",
            rotation_mode="anchor",
        )
        years = sorted({d.year for d in index})
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        ax.set_xlabel(f"{starting}, {span}")
        return
    starts = [i for i, d in enumerate(index) if d.day <= 7]
    budget = max(1, int(axes_width / 0.45))
    step = next((s for s in (1, 2, 3, 4, 6) if math.ceil(len(starts) / s) <= budget), 12)
    ticks = [i for i in starts if (index[i].month - 1) % step == 0]
    if step == 12:  # one year's label each, every other or more when the years do not fit
        ticks = ticks[:: math.ceil(len(ticks) / budget)]
    labels = []
    for k, i in enumerate(ticks):
        d = index[i]
        if step == 12:
            labels.append(str(d.year))
        elif k == 0 or d.month <= step:
            labels.append(f"{MONTHS[d.month - 1]}\n{d.year}")
        else:
            labels.append(MONTHS[d.month - 1])
    ax.set_xticks(ticks, labels)
    if n <= MINOR_TICK_WEEKS:  # beyond that they are a grey smear, and slow to draw
        ax.set_xticks(np.arange(n), minor=True)
    ax.set_xlabel(starting)


def empty_figure(heading: str) -> Figure:
    """A figure that only says there are no runs to chart."""
    fig = new_figure()
    fig.set_size_inches(fig.get_figwidth(), 3.0)
    fig.suptitle(wrap(heading, _TITLE_PT, bold=True), fontsize=_TITLE_PT)
    fig.text(0.5, 0.5, "No runs to chart", ha="center", va="center", fontsize=16, color="#444444")
    fig.text(
        0.5,
        0.3,
        wrap("Point loadwatch at a folder of activity files that hold runs.", MIN_FONT_PT),
        ha="center",
        va="center",
        color="#444444",
    )
    return fig
