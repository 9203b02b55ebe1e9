"""The overuse-risk layers of the weekly chart: risk colours, spike runs and the ACWR panel.

Drawing helpers for :mod:`loadwatch.render.charts._figure`, which lays out the figure; they take the
axes and plain arrays and return legend handles. Colours are Okabe-Ito (colour-blind safe), and
each risk level also has its own hatch, so the chart still reads in greyscale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from loadwatch.metrics.calendar import centred_day
from loadwatch.metrics.levels import coupled_equivalent
from loadwatch.metrics.risk import ACWR_WEEKS
from loadwatch.render.charts._style import FloatArray, legend, panel_message

#: A week's spike runs: (day in week, 0 on the week's first day to 6 on its last; km; class).
SpikeRun = tuple[int, float, str]
#: The width of a week's bar a day's mark moves by, first day left, last day right.
_DAY_STEP = 0.1

#: Fill and hatch of a week's distance bar by risk level.
RISK_STYLES: dict[str, tuple[str, str]] = {
    "low": ("#56B4E9", ""),
    "elevated": ("#E69F00", "...."),
    "high": ("#D55E00", "////"),
}
#: Marker size of a spike run by class (all black-edged yellow triangles).
SPIKE_SIZES: dict[str, float] = {"small": 6.5, "moderate": 8.5, "large": 11.0}
_SPIKE_FILL = "#F0E442"
_BAND = (0.8, 1.3)
_BAND_COLOR = "#009E73"
_LIMIT_COLOR = "#D55E00"
_ACWR_LINE: dict[str, Any] = {"color": "#000000", "marker": "o", "markersize": 3, "linewidth": 1.2}
_EWMA_LINE: dict[str, Any] = {"color": "#0072B2", "linestyle": ":", "linewidth": 1.4}
_ACWR_FLAG: dict[str, Any] = {
    "linestyle": "none",
    "marker": "D",
    "markersize": 6.5,
    "color": "#D55E00",
    "markeredgecolor": "#000000",
    "markeredgewidth": 0.6,
}


def risk_bar_style(levels: Sequence[str]) -> tuple[list[str], list[str]]:
    """Face colours and hatches of the distance bars, one per week, from its risk level."""
    styles = [RISK_STYLES.get(level, RISK_STYLES["low"]) for level in levels]
    return [colour for colour, _ in styles], [hatch for _, hatch in styles]


def risk_handles() -> list[Patch]:
    """Legend entries of the risk levels, lowest first (all three, so the scale is clear)."""
    return [
        Patch(facecolor=colour, hatch=hatch, edgecolor="white", linewidth=0, label=f"{name} risk")
        for name, (colour, hatch) in RISK_STYLES.items()
    ]


def spike_marks(
    ax: Axes, x: FloatArray, spikes: Sequence[Sequence[SpikeRun]], km_per_unit: float
) -> list[Line2D]:
    """Mark each spike run at its own distance inside its week's bar, left to right by day.

    Returns:
        Legend entries for the classes drawn, smallest first.
    """
    drawn: set[str] = set()
    for week, runs in zip(x, spikes, strict=True):
        for day, km, name in runs:
            size = SPIKE_SIZES.get(name, SPIKE_SIZES["small"])
            ax.plot(
                [week + centred_day(day) * _DAY_STEP],
                [km / km_per_unit],
                linestyle="none",
                marker="^",
                markersize=size,
                markerfacecolor=_SPIKE_FILL,
                markeredgecolor="#000000",
                markeredgewidth=0.8,
                zorder=4,
            )
            drawn.add(name)
    return [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="^",
            markersize=size,
            markerfacecolor=_SPIKE_FILL,
            markeredgecolor="#000000",
            label=f"{name} spike run",
        )
        for name, size in SPIKE_SIZES.items()
        if name in drawn
    ]


def acwr_panel(
    ax: Axes,
    x: FloatArray,
    acwr: FloatArray,
    ewma: FloatArray,
    flags: Sequence[tuple[str, ...]],
    limit: float,
) -> None:
    """Weekly ACWR (and its EWMA version) against the 0.8-1.3 band and the flag limit."""
    low, high = _BAND
    ax.axhspan(low, high, color=_BAND_COLOR, alpha=0.15, linewidth=0)
    ax.axhline(limit, color=_LIMIT_COLOR, linestyle="--", linewidth=1.0)
    ax.plot(x, ewma, **_EWMA_LINE)
    ax.plot(x, acwr, **_ACWR_LINE)
    marked = np.array(["acwr" in f for f in flags], dtype=bool) & np.isfinite(acwr)
    ax.plot(x[marked], acwr[marked], **_ACWR_FLAG)
    known = np.concatenate([acwr[np.isfinite(acwr)], ewma[np.isfinite(ewma)]])
    top = max(limit * 1.15, float(known.max()) * 1.08 if known.size else 0.0)
    ax.set_ylim(0, top if math.isfinite(top) else limit * 1.15)
    if not known.size:
        panel_message(ax, "ACWR needs 3 weeks of history")
    ax.set_ylabel("ACWR")
    legend(
        ax,
        [
            Line2D([], [], label="week / 3 weeks before", **_ACWR_LINE),
            Line2D([], [], label="EWMA (7 d / 28 d)", **_EWMA_LINE),
            Line2D([], [], label=_flag_label(limit), **_ACWR_FLAG),
            Patch(facecolor=_BAND_COLOR, alpha=0.15, label=f"{low:g}–{high:g} band"),
            Line2D([], [], color=_LIMIT_COLOR, linestyle="--", linewidth=1.0, label="limit"),
        ],
    )


def _flag_label(limit: float) -> str:
    """The ACWR flag's legend entry: its limit, as a coupled ratio too, and that it is disputed."""
    coupled = coupled_equivalent(limit, ACWR_WEEKS)
    return f"acwr flag, disputed (above {limit:g}; coupled {coupled:.2f})"
