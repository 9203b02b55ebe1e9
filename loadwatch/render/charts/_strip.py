"""The whole-history strip of the weekly chart: every week's distance in one compact panel,
the flagged weeks marked above it and the weeks the panels below show shaded.

Drawn only when the history is longer than the panels' window, so that a runner with years of
files sees the shape of all of them while the detail stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from loadwatch.render.charts._layout import week_ticks
from loadwatch.render.charts._scale import edge_marks, off_scale_handle, robust_top, value_text
from loadwatch.render.charts._style import (
    BLACK,
    LOOKS,
    MIN_FONT_PT,
    NORMAL_COLOR,
    FloatArray,
    bars,
    legend,
)

#: The strip's id in the SVG (its group's ``id``), for a page or a test to find it by.
STRIP_ID = "history-strip"
#: Values off the strip's scale are written only this far apart (a share of the weeks), so that
#: a cluster of them does not write over itself: the highest of a cluster is written.
_VALUE_SPACING = 0.07
_WINDOW_FILL: dict[str, Any] = {
    "facecolor": "#000000",
    "alpha": 0.08,
    "edgecolor": BLACK,
    "linewidth": 0.8,
}
# The marks row sits this far above the top of the bars, as a share of the scale.
_MARKS_AT = 1.2


def week_meanings(
    flags: Sequence[tuple[str, ...]], levels: Sequence[str] | None
) -> list[str | None]:
    """Each week's meaning on the strip (a key of :data:`LOOKS`): its risk level when elevated or
    high, else "rule_flag" when a rule flagged it (without risk levels), else ``None``."""
    if levels is not None:
        return [level if level in ("elevated", "high") else None for level in levels]
    return ["rule_flag" if week else None for week in flags]


def history_strip(
    ax: Axes,
    index: pd.DatetimeIndex,
    distance: FloatArray,
    meanings: Sequence[str | None],
    window: int,
    *,
    units: str,
    axes_width: float,
) -> None:
    """Every week's distance (in ``units``) as thin bars, flagged weeks marked above them, and
    the last ``window`` weeks shaded: the weeks the panels below show.

    Args:
        ax: The strip's axes.
        index: Every week of the history.
        distance: Each week's distance, in ``units``.
        meanings: Each week's meaning (:func:`week_meanings`), ``None`` for an unmarked week.
        window: How many of the newest weeks the panels below show.
        units: The distance units, for the axis label.
        axes_width: The strip's width in inches, which decides how many dates fit under it.
    """
    n = len(distance)
    x = np.arange(n, dtype=float)
    ax.set_gid(STRIP_ID)
    scale = robust_top(distance)
    bars(ax, x, np.minimum(distance, scale), [NORMAL_COLOR] * n, [""] * n)
    handles: list[Any] = [Patch(facecolor=NORMAL_COLOR, label=f"weekly distance ({units})")]
    for meaning in ("high", "elevated", "rule_flag"):
        rows = [i for i, m in enumerate(meanings) if m == meaning]
        if not rows:
            continue
        look = LOOKS[meaning]
        style: dict[str, Any] = {
            "linestyle": "none",
            "marker": look.marker,
            "markersize": 4.5,
            "markerfacecolor": look.colour,
            "markeredgecolor": BLACK,
            "markeredgewidth": 0.5,
        }
        ax.plot(x[rows], np.full(len(rows), scale * _MARKS_AT), **style)
        handles.append(Line2D([], [], label=f"{look.words} week", **style))
    over = edge_marks(ax, x, distance, 0.0, scale, write=False)
    _write_values(ax, x, distance, over, scale)
    if over:
        handles.append(off_scale_handle())
    ax.axvspan(n - window - 0.5, n - 0.5, **_WINDOW_FILL)
    handles.append(Patch(**_WINDOW_FILL, label=f"the last {window} weeks, shown below"))
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(0, scale * (_MARKS_AT + 0.15))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=2))
    ax.set_ylabel(units)
    week_ticks(ax, index, axes_width)
    ax.set_xlabel("Every week of the history")
    legend(ax, handles)


def _write_values(
    ax: Axes, x: FloatArray, values: FloatArray, rows: Sequence[int], scale: float
) -> None:
    """Write the values off the scale beside their marks, the highest first, leaving out one
    too close to a value already written."""
    written: list[float] = []
    apart = max(1.0, _VALUE_SPACING * len(x))
    for i in sorted(rows, key=lambda r: (-values[r], r)):
        if any(abs(x[i] - w) < apart for w in written):
            continue
        written.append(float(x[i]))
        late = x[i] > 0.85 * len(x)  # written to the left, inside the strip
        ax.annotate(
            value_text(float(values[i])),
            xy=(x[i], scale),
            xytext=(-5 if late else 5, 0),
            textcoords="offset points",
            ha="right" if late else "left",
            va="center",
            fontsize=MIN_FONT_PT,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "linewidth": 0},
            zorder=5,
        )
