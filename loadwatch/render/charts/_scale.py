"""Readable value axes: a robust top for the distance axes, and values off the scale drawn as
marks at its edge with their value.

One week far above the others (a race, a holiday of long walks counted as runs) would squash
every other bar into the bottom of its panel; so the distance axes stop at a top taken from the
ordinary weeks (:func:`robust_top`), and what is higher is drawn up to the edge, marked there with
an open triangle and its value written (:func:`edge_marks`, :func:`value_text`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from loadwatch.render.charts._style import BLACK, LOOKS, MIN_FONT_PT, FloatArray

#: The robust top is this many times the upper quartile of the weeks with any distance (a
#: convention: the ordinary weeks keep at least two fifths of the panel's height)...
TOP_OVER_QUARTILE = 2.5
#: ...when at least this many weeks have some; with fewer, what is ordinary is not known, and
#: nothing is off the scale.
MIN_WEEKS_FOR_TOP = 8
#: The mark of a value off the scale, at the edge it went past.
OFF_SCALE: dict[str, Any] = {
    "linestyle": "none",
    "marker": LOOKS["off_scale"].marker,
    "markersize": 7,
    "markerfacecolor": LOOKS["off_scale"].colour,
    "markeredgecolor": BLACK,
    "markeredgewidth": 0.9,
}


def robust_top(values: FloatArray, also: FloatArray | None = None) -> float:
    """The top of a distance axis: the highest value, or, when one or a few weeks are far above
    the others, :data:`TOP_OVER_QUARTILE` times the upper quartile of the weeks with any.

    Args:
        values: Each week's value (NaN: nothing), such as the weekly distances.
        also: Other values the axis shows (NaN: none), such as the caps: they count for the
            highest, not for what an ordinary week is.

    Returns:
        The top, above 0 (1.0 when there is nothing to show).
    """
    weeks = values[np.isfinite(values) & (values > 0)]
    shown = weeks if also is None else np.r_[weeks, also[np.isfinite(also)]]
    if not shown.size:
        return 1.0
    highest = float(shown.max())
    if weeks.size < MIN_WEEKS_FOR_TOP:
        return highest
    return min(highest, TOP_OVER_QUARTILE * float(np.percentile(weeks, 75)))


def value_text(value: float) -> str:
    """A value off the scale as written beside its mark: whole above 10, one decimal below."""
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def edge_marks(
    ax: Axes,
    x: FloatArray,
    values: FloatArray,
    low: float,
    high: float,
    *,
    write: bool = True,
) -> list[int]:
    """Mark each value above ``high`` (or below ``low``) at that edge, its value written inside
    the panel along the mark (upright text would run into the next week's).

    Args:
        ax: The panel.
        x: The weeks' positions.
        values: The values drawn (NaN: none).
        low: The bottom of the axis.
        high: The top of the axis.
        write: Write each value beside its mark (the caller may write it elsewhere).

    Returns:
        The positions (indexes into ``x``) of the values marked.
    """
    finite = np.isfinite(values)
    over = np.flatnonzero(finite & (values > high))
    under = np.flatnonzero(finite & (values < low))
    for rows, edge, flip in ((over, high, False), (under, low, True)):
        for i in rows:
            style = {**OFF_SCALE, "marker": "v" if flip else OFF_SCALE["marker"]}
            ax.plot([x[i]], [edge], clip_on=False, zorder=5, **style)
            if write:
                ax.annotate(
                    value_text(float(values[i])),
                    xy=(x[i], edge),
                    xytext=(0, 6 if flip else -6),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if flip else "top",
                    rotation=90,
                    fontsize=MIN_FONT_PT,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "linewidth": 0},
                    zorder=5,
                )
    return sorted([*over.tolist(), *under.tolist()])


def off_scale_handle() -> Line2D:
    """The legend entry of the marks of values off the scale."""
    return Line2D([], [], label=LOOKS["off_scale"].words, **OFF_SCALE)
