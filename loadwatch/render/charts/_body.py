"""The pain panel of the weekly chart: the body log's pain by region, day by day, under the load.

Each day sits inside its week's bar, so a pain lines up under the load that came before it. The
dashed lines are the pain-monitoring model's limits (Silbernagel et al. 2007, as loadwatch reads
it: 3 or less is fine, above 5 cuts next week back); strength sessions are marked along the
bottom, and the weekly check-in's OSTRC-O2 score (0-100) is drawn a tenth of its size.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from loadwatch.metrics.body import BodyDays
from loadwatch.render.charts._style import (
    BAR_WIDTH,
    BLACK,
    BLUE,
    GREEN,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    VERMILLION,
    FloatArray,
    legend,
    panel_message,
)
from loadwatch.vocab import region_words

#: Where strength sessions are marked, below the pain scale.
_STRENGTH_Y = -1.2
#: Each region's colour and marker, in the order the regions are listed (most painful first).
_REGION_STYLES = tuple(
    zip(
        (VERMILLION, BLUE, ORANGE, GREEN, PURPLE, SKY_BLUE, BLACK),
        ("o", "s", "^", "D", "v", "P", "X"),
        strict=True,
    )
)
_OK_LINE: Mapping[str, Any] = MappingProxyType(
    {"color": GREEN, "linestyle": "--", "linewidth": 1.0}
)
_TOO_MUCH_LINE: Mapping[str, Any] = MappingProxyType(
    {"color": VERMILLION, "linestyle": "--", "linewidth": 1.0}
)
_RECORDED: Mapping[str, Any] = MappingProxyType(
    {"linestyle": "none", "marker": "^", "markersize": 5.5, "color": GREEN}
)
_LOGGED: Mapping[str, Any] = MappingProxyType(
    {**_RECORDED, "markerfacecolor": "white", "markeredgewidth": 1.1}
)
_CHECK_IN: Mapping[str, Any] = MappingProxyType(
    {"linestyle": "none", "marker": "*", "markersize": 8, "color": "#555555"}
)


def day_positions(weeks: pd.DatetimeIndex, days: pd.DatetimeIndex) -> FloatArray:
    """Each day's place on the week axis, inside its week's bar (NaN outside the weeks)."""
    if len(days) == 0:
        return np.array([], dtype=np.float64)
    day = pd.DatetimeIndex(days).normalize()
    week = np.searchsorted(weeks.to_numpy(), day.to_numpy(), side="right") - 1
    start = weeks[np.clip(week, 0, len(weeks) - 1)]
    offset = np.asarray((day - start).days, dtype=np.float64)
    inside = (week >= 0) & (offset < 7)
    x = week - BAR_WIDTH / 2 + (offset + 0.5) * BAR_WIDTH / 7
    return np.where(inside, x, np.nan)


def pain_panel(ax: Axes, weeks: pd.DatetimeIndex, body: BodyDays) -> None:
    """The day's highest pain per region, the model's 3 and 5, strength and check-ins marked."""
    handles: list[Any] = []
    pain = body.pain
    drawn = 0
    for k, region in enumerate(pain.columns):
        levels = pain[region].dropna()
        x = day_positions(weeks, pd.DatetimeIndex(levels.index))
        seen = np.isfinite(x)
        if not seen.any():
            continue
        colour, marker = _REGION_STYLES[k % len(_REGION_STYLES)]
        style: dict[str, Any] = {"linestyle": "none", "marker": marker, "color": colour}
        ax.plot(x[seen], levels.to_numpy()[seen], **style)
        handles.append(Line2D([], [], label=region_words(region), **style))
        drawn += 1
    if not drawn:
        panel_message(ax, "no pain logged")
    ax.axhline(3.0, **_OK_LINE)
    ax.axhline(5.0, **_TOO_MUCH_LINE)
    handles += [
        Line2D([], [], label="above 3: load held", **_OK_LINE),
        Line2D([], [], label="above 5: load cut back", **_TOO_MUCH_LINE),
    ]
    handles += _marks(ax, weeks, body)
    ax.set_ylim(_STRENGTH_Y - 0.8, 10.6)
    ax.set_yticks([0, 3, 5, 10])
    ax.set_ylabel("Pain (0-10)")
    legend(ax, handles)


def _marks(ax: Axes, weeks: pd.DatetimeIndex, body: BodyDays) -> list[Any]:
    """Strength sessions along the bottom (filled: recorded, hollow: logged only) and check-ins
    at a tenth of their score; their legend entries, for what is drawn."""
    handles: list[Any] = []
    recorded = day_positions(weeks, body.strength_recorded)
    recorded = recorded[np.isfinite(recorded)]
    logged_only = body.strength_logged.difference(body.strength_recorded)
    logged = day_positions(weeks, logged_only)
    logged = logged[np.isfinite(logged)]
    for x, style, label in (
        (recorded, _RECORDED, "strength (recorded)"),
        (logged, _LOGGED, "strength (logged)"),
    ):
        if len(x):
            ax.plot(x, np.full(len(x), _STRENGTH_Y), **style)
            handles.append(Line2D([], [], label=label, **style))
    checks = day_positions(weeks, pd.DatetimeIndex(body.check_ins.index))
    seen = np.isfinite(checks)
    if seen.any():
        ax.plot(checks[seen], body.check_ins.to_numpy()[seen] / 10.0, **_CHECK_IN)
        handles.append(Line2D([], [], label="check-in (OSTRC ÷ 10)", **_CHECK_IN))
    return handles
