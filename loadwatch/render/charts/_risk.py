"""The overuse-risk layers of the weekly chart: risk colours, spike runs and the ACWR panel.

Drawing helpers for :mod:`loadwatch.render.charts._figure`, which lays out the figure; they take the
axes and plain arrays and return legend handles. Colours are Okabe-Ito (colour-blind safe), and
each risk level also has its own hatch, so the chart still reads in greyscale.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from loadwatch.metrics.calendar import centred_day
from loadwatch.metrics.levels import coupled_equivalent
from loadwatch.metrics.risk import ACWR_WEEKS
from loadwatch.render.charts._scale import edge_marks, off_scale_handle
from loadwatch.render.charts._style import (
    LOOKS,
    FloatArray,
    legend,
    panel_message,
)

#: A week's spike runs: (day in week, 0 on the week's first day to 6 on its last; km; class).
SpikeRun = tuple[int, float, str]
#: The width of a week's bar a day's mark moves by, first day left, last day right.
_DAY_STEP = 0.1

#: Fill and hatch of a week's distance bar by risk level.
RISK_STYLES: dict[str, tuple[str, str]] = {
    level: (LOOKS[level].colour, LOOKS[level].hatch) for level in ("low", "elevated", "high")
}
#: Fill and hatch of a bar flagged by a rule on its panel's measure (the runs panel's frequency
#: flag), and the colour of the other flag marks: a flag's own look, never a risk level's, as a
#: flag alone does not make a week's level (docs/metrics.md, Risk level).
FLAG_MARK_STYLE = (LOOKS["rule_flag"].colour, LOOKS["rule_flag"].hatch)
FLAG_MARK_COLOR = FLAG_MARK_STYLE[0]
#: Marker size of a spike run by class (all black-edged yellow triangles).
SPIKE_SIZES: dict[str, float] = {"small": 6.5, "moderate": 8.5, "large": 11.0}
_SPIKE_FILL = LOOKS["spike_run"].colour
#: Gabbett 2016's "sweet spot", a band of the coupled ratio (see docs/metrics.md, ACWR).
COUPLED_BAND = (0.8, 1.3)
#: The ACWR axis stops at this many times the flag limit; higher ratios are written at the top.
ACWR_AXIS_LIMITS = 1.6
_BAND_COLOR = "#009E73"
_LIMIT_LINE: dict[str, Any] = {"color": FLAG_MARK_COLOR, "linestyle": "--", "linewidth": 1.0}
_ACWR_LABEL = "week / 3 weeks before"
_ACWR_LINE: dict[str, Any] = {"color": "#000000", "marker": "o", "markersize": 3, "linewidth": 1.2}
_SO_FAR_JOIN: dict[str, Any] = {"color": "#000000", "linestyle": (0, (3, 2)), "linewidth": 1.0}
_SO_FAR_POINT: dict[str, Any] = {
    "linestyle": "none",
    "marker": "o",
    "markersize": 5,
    "markerfacecolor": "white",
    "markeredgecolor": "#000000",
    "markeredgewidth": 1.0,
}
_EWMA_LINE: dict[str, Any] = {"color": "#0072B2", "linestyle": ":", "linewidth": 1.4}
_ACWR_FLAG: dict[str, Any] = {
    "linestyle": "none",
    "marker": LOOKS["rule_flag"].marker,
    "markersize": 6.5,
    "color": FLAG_MARK_COLOR,
    "markeredgecolor": "#000000",
    "markeredgewidth": 0.6,
}


def risk_bar_style(levels: Sequence[str]) -> tuple[list[str], list[str]]:
    """Face colours and hatches of the distance bars, one per week, from its risk level."""
    styles = [RISK_STYLES.get(level, RISK_STYLES["low"]) for level in levels]
    return [colour for colour, _ in styles], [hatch for _, hatch in styles]


def risk_handles(drawn: Collection[tuple[str, str]]) -> list[Patch]:
    """Legend entries of the risk levels whose (fill, hatch) is among the bars ``drawn``, lowest
    first: a level no week reached is not listed."""
    return [
        Patch(facecolor=colour, hatch=hatch, edgecolor="white", linewidth=0, label=f"{name} risk")
        for name, (colour, hatch) in RISK_STYLES.items()
        if (colour, hatch) in drawn
    ]


def spike_marks(
    ax: Axes,
    x: FloatArray,
    spikes: Sequence[Sequence[SpikeRun]],
    km_per_unit: float,
    *,
    top: float = math.inf,
) -> list[Line2D]:
    """Mark each spike run at its own distance inside its week's bar, left to right by day;
    a run longer than the axis's ``top`` is left to its week's off-scale mark.

    Returns:
        Legend entries for the classes drawn, smallest first.
    """
    drawn: set[str] = set()
    for week, runs in zip(x, spikes, strict=True):
        for day, km, name in runs:
            if km / km_per_unit > top:
                continue
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
    *,
    so_far_week: int | None = None,
) -> None:
    """Weekly ACWR (and its EWMA version), labelled disputed, against the flag limit and the
    0.8-1.3 band of the coupled ratio, drawn where it falls on our uncoupled ratio.

    The axis stops at :func:`acwr_top`: a ratio above it (one spike after a quiet month) is
    drawn at the top as an open triangle with its value, so the band stays readable. The ratio
    of the week in progress (``so_far_week``), whose days to come count as rest, is an open
    circle joined by a dashed line, not part of the finished weeks' line.
    """
    low, high = (uncoupled_equivalent(edge, ACWR_WEEKS) for edge in COUPLED_BAND)
    ax.axhspan(low, high, color=_BAND_COLOR, alpha=0.15, linewidth=0)
    ax.axhline(limit, **_LIMIT_LINE)
    ax.plot(x, ewma, **_EWMA_LINE)
    so_far = _so_far_ratio(ax, x, acwr, so_far_week)
    ax.plot(x, np.where(np.arange(len(x)) == so_far_week, np.nan, acwr), **_ACWR_LINE)
    marked = np.array(["acwr" in f for f in flags], dtype=bool) & np.isfinite(acwr)
    ax.plot(x[marked], acwr[marked], **_ACWR_FLAG)
    known = np.concatenate([acwr[np.isfinite(acwr)], ewma[np.isfinite(ewma)]])
    top = acwr_top(known, limit)
    ax.set_ylim(0, top)
    clipped = bool(edge_marks(ax, x, np.fmax(acwr, np.nan_to_num(ewma, nan=-1.0)), -math.inf, top))
    if not known.size:
        panel_message(ax, "ACWR needs 3 weeks of history")
    ax.set_ylabel("ACWR (disputed)")
    coupled = coupled_equivalent(limit, ACWR_WEEKS)
    limit_label = f"flag limit {limit:g} (coupled {coupled:.2f})"
    band_label = f"coupled {COUPLED_BAND[0]:g}–{COUPLED_BAND[1]:g} band ({low:.2f}–{high:.2f})"
    entries: list[tuple[bool, Any]] = [
        (bool(np.isfinite(acwr).any()), Line2D([], [], label=_ACWR_LABEL, **_ACWR_LINE)),
        (so_far, Line2D([], [], label="this week so far", **_SO_FAR_POINT)),
        (bool(np.isfinite(ewma).any()), Line2D([], [], label="EWMA (7 d / 28 d)", **_EWMA_LINE)),
        (bool(marked.any()), Line2D([], [], label="acwr flag (disputed)", **_ACWR_FLAG)),
        (clipped, off_scale_handle()),
        (True, Line2D([], [], label=limit_label, **_LIMIT_LINE)),
        (True, Patch(facecolor=_BAND_COLOR, alpha=0.15, label=band_label)),
    ]
    legend(ax, [handle for drawn, handle in entries if drawn])


def _so_far_ratio(ax: Axes, x: FloatArray, acwr: FloatArray, week: int | None) -> bool:
    """Draw the week in progress's ratio, dashed on from the week before; whether it was."""
    if week is None or not np.isfinite(acwr[week]):
        return False
    start = max(week - 1, 0)
    ax.plot(x[start : week + 1], acwr[start : week + 1], **_SO_FAR_JOIN)
    ax.plot([x[week]], [acwr[week]], **_SO_FAR_POINT)
    return True


def acwr_top(known: FloatArray, limit: float) -> float:
    """The top of the ACWR axis: room above the limit and the highest ratio, up to
    :data:`ACWR_AXIS_LIMITS` times the limit."""
    floor = limit * 1.15
    highest = float(known.max()) * 1.08 if known.size else 0.0
    return min(max(floor, highest), limit * ACWR_AXIS_LIMITS)


def uncoupled_equivalent(coupled: float, weeks: int) -> float:
    """The uncoupled ratio a coupled one equals (the inverse of
    :func:`loadwatch.metrics.levels.coupled_equivalent`): weeks x c / (weeks + 1 - c)."""
    return weeks * coupled / (weeks + 1 - coupled)


def flag_tuple(value: object) -> tuple[str, ...]:
    """The flags of one week, from a tuple or list of names (or one name, or nothing)."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, tuple | list | set | frozenset | np.ndarray):
        return tuple(str(v) for v in value)
    return ()


def spike_tuple(value: object) -> tuple[SpikeRun, ...]:
    """A week's spike runs from the ``spike_runs`` column (anything else: none)."""
    if not isinstance(value, tuple | list):
        return ()
    return tuple(
        (int(v[0]), float(v[1]), str(v[2]))
        for v in value
        if isinstance(v, tuple | list) and len(v) == 3
    )
