"""The fixed look of every chart: palette, one look per meaning, matplotlib settings, bars and
legends.

Colours are Okabe-Ito (colour-blind safe); every meaning has one colour and one hatch or
marker (:data:`LOOKS`), the same in every panel, so that a flag is never drawn like a risk level
and the charts still read when printed in greyscale. Sizes are chosen for a phone: the figure is
:data:`FIGURE_WIDTH_IN` wide and no text is smaller than :data:`MIN_FONT_PT`, which is at least
:data:`MIN_PHONE_TEXT_PX` pixels tall when the SVG is shown :data:`PHONE_WIDTH_PX` pixels wide.
Everything is drawn under :func:`chart_style` so that the user's matplotlibrc cannot change the
result.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, NamedTuple

import matplotlib as mpl
import matplotlib.style
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.textpath import text_to_path

FloatArray = npt.NDArray[np.float64]
# Okabe-Ito palette.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#BBBBBB"
DARK_GREY = "#555555"
WHITE = "#FFFFFF"


class Look(NamedTuple):
    """How one meaning is drawn, in every panel.

    Attributes:
        colour: Fill of its bars, colour of its marks.
        hatch: Hatch of its bars ("" for none): what tells it apart in greyscale.
        marker: Marker of its marks on lines and on the history strip ("" where it has none).
        words: What it means, as the legend says it.
    """

    colour: str
    hatch: str
    marker: str
    words: str


#: Every meaning drawn on the chart and its look: one colour and hatch (or marker) per meaning,
#: in every panel. Bars: a week within the rule or at low risk, at elevated or high risk, flagged
#: by a rule on the panel's measure (a flag alone is not a risk level), and the surfaces; marks:
#: spike runs, values off the scale. ``docs/metrics.md`` (The chart) lists them for readers.
LOOKS: Mapping[str, Look] = MappingProxyType(
    {
        "low": Look(SKY_BLUE, "", "", "low risk"),
        "elevated": Look(ORANGE, "....", "o", "elevated risk"),
        "high": Look(VERMILLION, "////", "v", "high risk"),
        "rule_flag": Look(PURPLE, "xxxx", "D", "flagged by the rule"),
        "spike_run": Look(YELLOW, "", "^", "spike run"),
        "off_scale": Look(WHITE, "", "^", "off the scale (value written)"),
        "road": Look(BLUE, "", "", "road"),
        "trail": Look(GREEN, "oo", "", "trail"),
        "track": Look(DARK_GREY, "----", "", "track"),
        "treadmill": Look(GREY, "\\\\", "", "treadmill"),
        "unknown": Look("#E3E3E3", "", "", "unknown"),
    }
)
#: Fill of a week no rule flagged, and of a flagged week (which also gets FLAG_HATCH).
NORMAL_COLOR = LOOKS["low"].colour
FLAG_COLOR = LOOKS["rule_flag"].colour
FLAG_HATCH = LOOKS["rule_flag"].hatch
#: Surface name, colour and hatch, bottom of the stack first.
SURFACES: tuple[tuple[str, str, str], ...] = tuple(
    (name, LOOKS[name].colour, LOOKS[name].hatch)
    for name in ("road", "trail", "track", "treadmill", "unknown")
)
#: The chart's width: about a phone's, so that its text is not shrunk there.
FIGURE_WIDTH_IN = 4.8
#: The width a phone shows the SVG at, and the smallest text height wanted there.
PHONE_WIDTH_PX = 390
MIN_PHONE_TEXT_PX = 9.5
#: The smallest text on the chart (tick labels, legends, values): 10.2 px at 390 px wide.
MIN_FONT_PT = 9.0
BAR_WIDTH = 0.8
# The path codes of one bar: a closed rectangle.
_BAR_CODES = np.array([MplPath.MOVETO, *[MplPath.LINETO] * 3, MplPath.CLOSEPOLY], dtype=np.uint8)


def _rc() -> dict[Any, Any]:
    """The fixed style every chart is drawn and saved under."""
    # Keyed by plain strings: only recent matplotlib types rc keys as a Literal.
    return {
        "font.family": "DejaVu Sans",
        "font.size": MIN_FONT_PT,
        "axes.labelsize": 10,
        "xtick.labelsize": MIN_FONT_PT,
        "ytick.labelsize": MIN_FONT_PT,
        "legend.fontsize": MIN_FONT_PT,
        "figure.titlesize": 11,
        "figure.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.6,
        "hatch.linewidth": 0.8,
        "legend.frameon": False,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "svg.fonttype": "path",
        "svg.hashsalt": "loadwatch",
    }


@contextmanager
def chart_style() -> Iterator[None]:
    """Matplotlib's built-in defaults plus our style, whatever the user's matplotlibrc says."""
    with matplotlib.style.context("default"), mpl.rc_context(_rc()):
        yield


def bar_style(marked: Sequence[bool]) -> tuple[list[str], list[str]]:
    """Face colours and hatches: flagged weeks in FLAG_COLOR with FLAG_HATCH."""
    colors = [FLAG_COLOR if m else NORMAL_COLOR for m in marked]
    hatches = [FLAG_HATCH if m else "" for m in marked]
    return colors, hatches


def bars(
    ax: Axes,
    x: FloatArray,
    heights: FloatArray,
    colors: Sequence[str],
    hatches: Sequence[str],
    *,
    bottom: FloatArray | None = None,
) -> None:
    """One bar per week, drawn as one compound path per fill and hatch rather than one each.

    What the bars look like is the same as ``ax.bar``'s, but a hatched path costs the renderer
    a fixed setup each: with a patch per bar, hatches took half the time of drawing the PNG of a
    long history.
    """
    base = np.zeros(len(x)) if bottom is None else bottom
    half = BAR_WIDTH / 2
    styles: dict[tuple[str, str], list[int]] = {}
    for i, style in enumerate(zip(colors, hatches, strict=True)):
        styles.setdefault(style, []).append(i)
    for (color, hatch), rows in styles.items():
        left, right = x[rows] - half, x[rows] + half
        low, high = base[rows], base[rows] + heights[rows]
        corners = [(left, low), (right, low), (right, high), (left, high), (left, low)]
        vertices = np.stack([np.column_stack(c) for c in corners], axis=1).reshape(-1, 2)
        path = MplPath(vertices, np.tile(_BAR_CODES, len(rows)))
        ax.add_patch(
            PathPatch(path, facecolor=color, hatch=hatch or None, edgecolor="white", linewidth=0)
        )


def flag_patch(label: str) -> Patch:
    """Legend entry for a highlighted bar."""
    return Patch(
        facecolor=FLAG_COLOR, hatch=FLAG_HATCH, edgecolor="white", linewidth=0, label=label
    )


def legend(ax: Axes, handles: Sequence[Any]) -> None:
    """Legend under the panel, where it cannot cover data, in as many columns as fit the
    figure's width (the layout puts it in place)."""
    if not handles:
        return
    widest = max(text_width(str(h.get_label())) for h in handles)
    column_pt = widest + (_HANDLE_EM + _PAD_EM + _SPACING_EM) * MIN_FONT_PT
    room_pt = (ax.get_figure(root=True).get_figwidth() - 0.2) * 72  # type: ignore[union-attr]
    ax.legend(
        handles=list(handles),
        loc="upper left",
        borderaxespad=0.0,
        borderpad=0.0,
        handlelength=_HANDLE_EM,
        handletextpad=_PAD_EM,
        columnspacing=_SPACING_EM,
        ncol=max(1, min(len(handles), int(room_pt // column_pt))),
    )


# The legend's handle, the space after it and between columns, in font sizes.
_HANDLE_EM = 1.6
_PAD_EM = 0.6
_SPACING_EM = 1.2


def text_width(text: str, size: float = MIN_FONT_PT, *, bold: bool = False) -> float:
    """The width of one line of words in points, from the font's own metrics (so the same on
    every machine, and without drawing anything)."""
    if not text.strip():
        return 0.0
    font = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal", size=size)
    width, _, _ = text_to_path.get_text_width_height_descent(text, font, ismath=False)
    return float(width)


def panel_message(ax: Axes, text: str) -> None:
    """Say in the middle of a panel why it is empty."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#555555")


def column(weeks: pd.DataFrame, name: str, *, fill: float = 0.0) -> FloatArray:
    """A numeric column as floats, with ``fill`` for missing values or a missing column."""
    if name not in weeks.columns:
        return np.full(len(weeks), fill, dtype=np.float64)
    values = np.asarray(pd.to_numeric(weeks[name], errors="coerce"), dtype=np.float64)
    return np.where(np.isfinite(values), values, fill)
