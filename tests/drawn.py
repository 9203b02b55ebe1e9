"""What a chart drew, read back from its artists, for the chart tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.patches import PathPatch
from matplotlib.path import Path

# A bar is a closed rectangle: move, three lines, close.
_RECTANGLE = (Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY)


@dataclass(frozen=True)
class Bar:
    """One bar: its week (the x it is centred on), base, height, fill colour and hatch."""

    x: float
    bottom: float
    height: float
    facecolor: tuple[float, float, float, float]
    hatch: str


def bars(ax: Axes) -> list[Bar]:
    """The bars of a panel, by week then from the bottom up.

    The charts draw all bars of one style as one compound path; this splits those paths back
    into their rectangles, so the tests read bars whatever artists carry them.
    """
    found = []
    for patch in ax.patches:
        if not isinstance(patch, PathPatch):
            continue
        path = patch.get_path()
        codes = tuple(np.asarray(path.codes).tolist()) if path.codes is not None else ()
        if not codes or len(codes) % 5 or codes != _RECTANGLE * (len(codes) // 5):
            continue
        colour = to_rgba(patch.get_facecolor())
        for corners in np.asarray(path.vertices, dtype=float).reshape(-1, 5, 2):
            (left, low), (right, high) = corners[0], corners[2]
            centre = float(left + right) / 2
            found.append(
                Bar(
                    centre,
                    float(low),
                    float(high - low),
                    colour,
                    patch.get_hatch() or "",
                )
            )
    return sorted(found, key=lambda bar: (bar.x, bar.bottom))
