"""The week in progress on the chart: a lighter, outlined bar, the room left up to the cap
and a "so far" label, in the panels whose totals can still grow (distance, runs).

A week that is not over is not a finished bar: what it holds is what was done so far, and the
dashed outline above it is what it can still take within the rule. Drawn as
:class:`~matplotlib.patches.Rectangle` outlines over the panel's bars, so the bars themselves
stay one compound path per style.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.patches import Patch, Rectangle

from loadwatch.metrics.weekly import LIMIT_TOLERANCE
from loadwatch.render.charts._style import BAR_WIDTH, BLACK

#: The words above the week in progress.
SO_FAR = "so far"
#: How much of the way to white the week in progress's fill is.
_LIGHTEN = 0.55
_ROOM_EDGE: dict[str, Any] = {"edgecolor": BLACK, "linestyle": (0, (3, 2)), "linewidth": 1.0}
_BAR_EDGE_WIDTH = 1.4
#: The week in progress as a panel draws it: its position, and the room it has left in the
#: panel's units (NaN: no cap to fill).
Progress = tuple[int, float]


class SoFar(NamedTuple):
    """The week in progress.

    Attributes:
        week: Its position among the charted weeks (the last).
        days: Days of it up to the analysis day, 1 to 6 (0: not known).
        room_km: Distance it can still add within the rule, in km (NaN: no cap to fill).
        room_runs: Runs it can still add within the rule (NaN: no cap to fill).
    """

    week: int
    days: int
    room_km: float
    room_runs: float


def so_far(weeks: pd.DataFrame, threshold: float) -> SoFar | None:
    """The newest week if it is still in progress (``complete`` false), else ``None``.

    The room is the weekly metrics' ``remaining_km`` and ``remaining_runs`` where given, else
    what is left below the previous week's total plus ``threshold``.
    """
    if "complete" not in weeks.columns or not len(weeks) or _is_true(weeks["complete"].iloc[-1]):
        return None
    newest = weeks.iloc[-1]
    days = _number(newest.get("days_elapsed"))
    before = weeks.iloc[-2] if len(weeks) > 1 else None
    room_km = _number(newest.get("remaining_km"))
    room_runs = _number(newest.get("remaining_runs"))
    if before is not None and _number(before.get("runs")) >= 1:
        if math.isnan(room_km):
            cap_km = _number(before.get("distance_km")) * (1 + threshold)
            room_km = max(cap_km - _number(newest.get("distance_km")), 0.0)
        if math.isnan(room_runs):
            allowed = math.floor(_number(before.get("runs")) * (1 + threshold) + LIMIT_TOLERANCE)
            room_runs = max(allowed - _number(newest.get("runs")), 0.0)
    return SoFar(len(weeks) - 1, int(days) if math.isfinite(days) else 0, room_km, room_runs)


def lighter(colour: str) -> str:
    """``colour`` taken part of the way to white: the fill of a week's bar while it runs."""
    red, green, blue = (c + (1.0 - c) * _LIGHTEN for c in to_rgb(colour))
    return to_hex((red, green, blue))


def draw_so_far(ax: Axes, x: float, height: float, room: float, colour: str) -> float:
    """Outline the week in progress's bar in ``colour`` and its room (if any) dashed above it.

    Args:
        ax: The panel.
        x: The week's position.
        height: What the week holds so far, in the panel's units.
        room: What it can still take within the rule (NaN or 0: nothing to outline).
        colour: The bar's full colour (its fill is :func:`lighter`).

    Returns:
        The top of what was drawn, where a label above it goes.
    """
    half = BAR_WIDTH / 2
    ax.add_patch(
        Rectangle(
            (x - half, 0.0),
            BAR_WIDTH,
            height,
            fill=False,
            edgecolor=colour,
            linewidth=_BAR_EDGE_WIDTH,
            zorder=3,
        )
    )
    if not room > 0:
        return height
    ax.add_patch(Rectangle((x - half, height), BAR_WIDTH, room, fill=False, zorder=3, **_ROOM_EDGE))
    return height + room


def so_far_handles(colour: str, room_label: str | None) -> list[Patch]:
    """Legend entries of the week in progress (and of its room, when one is drawn)."""
    handles = [
        Patch(
            facecolor=lighter(colour),
            edgecolor=colour,
            linewidth=_BAR_EDGE_WIDTH,
            label="this week so far",
        )
    ]
    if room_label is not None:
        handles.append(Patch(fill=False, label=room_label, **_ROOM_EDGE))
    return handles


def room_label(room: float, amount: str) -> str | None:
    """The legend's words for the room left (``amount`` says it in the panel's units), or
    ``None`` when there is none to draw."""
    if not room > 0:
        return None
    return f"room left this week ({amount})"


def _is_true(value: object) -> bool:
    """A ``complete`` value as a bool (missing counts as complete)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return bool(value)


def _number(value: object) -> float:
    """A number from a weekly cell, NaN for anything else."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number
