"""The fixed look of every chart: palette, matplotlib settings, bars and legends.

Colours are Okabe-Ito (colour-blind safe); flagged weeks and most surfaces also carry a hatch,
so the charts still read when printed in greyscale. Everything is drawn under :func:`chart_style`
so that the user's matplotlibrc cannot change the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import matplotlib.style
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

FloatArray = npt.NDArray[np.float64]
# Okabe-Ito palette.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
GREY = "#BBBBBB"
#: Fill of a week no rule flagged, and of a flagged week (which also gets FLAG_HATCH).
NORMAL_COLOR = SKY_BLUE
FLAG_COLOR = VERMILLION
FLAG_HATCH = "////"
#: Surface name, colour and hatch, bottom of the stack first.
SURFACES: tuple[tuple[str, str, str], ...] = (
    ("road", BLUE, ""),
    ("trail", GREEN, "...."),
    ("track", ORANGE, "////"),
    ("treadmill", PURPLE, "xxxx"),
    ("unknown", GREY, ""),
)
BAR_WIDTH = 0.8
# The path codes of one bar: a closed rectangle.
_BAR_CODES = np.array([MplPath.MOVETO, *[MplPath.LINETO] * 3, MplPath.CLOSEPOLY], dtype=np.uint8)


def _rc() -> dict[Any, Any]:
    """The fixed style every chart is drawn and saved under."""
    # Keyed by plain strings: only recent matplotlib types rc keys as a Literal.
    return {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "figure.titlesize": 12,
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
    """Legend to the right of the panel, where it cannot cover data."""
    ax.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        handlelength=1.6,
    )


def panel_message(ax: Axes, text: str) -> None:
    """Say in the middle of a panel why it is empty."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="#555555")


def column(weeks: pd.DataFrame, name: str, *, fill: float = 0.0) -> FloatArray:
    """A numeric column as floats, with ``fill`` for missing values or a missing column."""
    if name not in weeks.columns:
        return np.full(len(weeks), fill, dtype=np.float64)
    values = np.asarray(pd.to_numeric(weeks[name], errors="coerce"), dtype=np.float64)
    return np.where(np.isfinite(values), values, fill)
