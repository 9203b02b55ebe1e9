"""The weekly chart as a figure, and as PNG and SVG files written atomically.

Builds the stacked panels of :mod:`loadwatch.render.charts._panels` (and the risk layers of
:mod:`loadwatch.render.charts._risk`) on one figure with a fixed layout of its own, using
matplotlib's
object API only: no pyplot, so no global figures and no GUI backend.
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from loadwatch.atomic import atomic_writer
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.metrics.body import BodyDays
from loadwatch.metrics.calendar import check_weeks, last_day
from loadwatch.model import DEFAULT_ACWR_LIMIT
from loadwatch.render.charts._body import pain_panel
from loadwatch.render.charts._panels import (
    MONTHS,
    distance_panel,
    intensity_panel,
    runs_panel,
    surface_panel,
    week_ticks,
)
from loadwatch.render.charts._progress import so_far
from loadwatch.render.charts._risk import (
    FLAG_MARK_STYLE,
    acwr_panel,
    flag_tuple,
    spike_marks,
    spike_tuple,
)
from loadwatch.render.charts._style import FLAG_COLOR, FLAG_HATCH, chart_style, column, legend
from loadwatch.settings.checks import check_threshold
from loadwatch.units import km_per_unit
from loadwatch.vocab import WeekStart

#: Resolution of the PNG output.
PNG_DPI = 150
# The figure's fixed layout, in inches. Room on the left for the widest y tick label ("100%")
# and the y label, on top for the title, below for two lines of x tick labels (or rotated day
# labels), the x label and a credit line; the right margin is measured from the legends.
_LEFT_IN = 0.8
_TOP_IN = 0.5
_BOTTOM_IN = 0.9
_TITLE_Y_IN = 0.15
_PANEL_GAP_IN = 0.22
_LEGEND_GAP_IN = 0.1
_EDGE_IN = 0.1
# A stale folder's line under the title, and the room it takes.
_SUBTITLE_Y_IN = 0.42
_SUBTITLE_IN = 0.25
_STALE_COLOR = "#8A4B00"
# From the left spine to the y labels, so that they line up whatever each panel's ticks are.
_YLABEL_IN = 0.5
# The height the pain panel adds, when there is a body log.
_PAIN_IN = 1.9


def weekly_risk_figure(
    weeks: pd.DataFrame,
    *,
    units: str = "km",
    threshold: float = 0.10,
    title: str | None = None,
    acwr_limit: float | None = None,
    credit: str | None = None,
    week_start: WeekStart | None = None,
    stale_since: date | None = None,
    body: BodyDays | None = None,
) -> Figure:
    """Draw distance, runs, intensity and surfaces per week, with the flagged weeks marked.

    With the risk columns of :func:`loadwatch.metrics.risk.risk_weeks`, the distance bars are
    coloured by ``risk`` level, each spike run is marked inside its week's bar at its own
    distance, and an ACWR panel (labelled disputed, with Gabbett's coupled 0.8-1.3 band and the
    flag limit) follows the distance panel. A newest week whose ``complete`` is false is drawn
    as "so far", with the room it has left (``remaining_km``, ``remaining_runs``) up to the cap.

    Args:
        weeks: One row per calendar week, indexed by the day it starts, with ``runs``,
            ``distance_km`` and, where known, ``intensity``, ``surface_km_*``, ``flags``,
            ``complete``, ``days_elapsed``, ``remaining_km``, ``remaining_runs`` and the risk
            columns (``risk``, ``acwr``, ``acwr_ewma``, ``spike_runs``).
        units: ``"km"`` or ``"mi"``, for the distances shown.
        threshold: Allowed growth over the previous week (0.10 is the 10% rule).
        title: Figure title; by default names the rule and the date range.
        acwr_limit: The ACWR flag limit to draw; default: ``weeks.attrs["acwr_limit"]``, else
            1.5.
        credit: A line for the foot of the chart, such as the map data's attribution.
        week_start: The day the weeks start on, named under the chart; default:
            ``weeks.attrs["week_start"]`` (set by :func:`loadwatch.metrics.weekly.weekly`), else
            Monday.
        stale_since: The day of the newest activity when the folder is stale (the analysis's
            ``status`` is ``"stale"``): a line under the title says there has been no new
            activity since then, so the newest week is not taken for this week.
        body: The body log by day (:func:`loadwatch.metrics.body.body_days`): a pain panel
            under the load panels; ``None`` (no log): none.

    Returns:
        A figure on an Agg canvas; with no runs at all it only says "No runs to chart".

    Raises:
        ConfigError: ``units`` or ``threshold`` cannot be used.
        LoadwatchError: ``weeks`` lacks ``runs`` or ``distance_km``, is not indexed by date, or
            its weeks do not start on ``week_start``'s day.
    """
    return _build(
        weeks, units, threshold, title, acwr_limit, credit, week_start, stale_since, body
    )[0]


def _build(
    weeks: pd.DataFrame,
    units: str,
    threshold: float,
    title: str | None,
    acwr_limit: float | None = None,
    credit: str | None = None,
    week_start: WeekStart | None = None,
    stale_since: date | None = None,
    body: BodyDays | None = None,
) -> tuple[Figure, str]:
    """The figure and its title, for :func:`weekly_risk_figure` and :func:`write_charts`."""
    per_unit = km_per_unit(units)
    threshold = check_threshold(threshold)
    limit = float(acwr_limit or weeks.attrs.get("acwr_limit") or DEFAULT_ACWR_LIMIT)
    starts_on = WeekStart(week_start or weeks.attrs.get("week_start") or WeekStart.MONDAY)
    weeks = _checked(weeks, starts_on)
    index = pd.DatetimeIndex(weeks.index)
    runs = column(weeks, "runs")
    levels = [str(v) for v in weeks["risk"]] if "risk" in weeks.columns else None
    progress = so_far(weeks, threshold)
    days = progress.days if progress is not None and progress.days else 7  # 0: not known
    heading = _title(index, threshold, title, risk=levels is not None, days=days)
    with chart_style():
        if runs.sum() <= 0:
            return _empty_figure(heading), heading
        n = len(weeks)
        has_acwr = "acwr" in weeks.columns
        height = (11.5 if has_acwr else 10.0) + (_PAIN_IN if body is not None else 0.0)
        fig = Figure(figsize=(min(max(5.5 + 0.12 * n, 9.0), 20.0), height))
        FigureCanvasAgg(fig)
        ratios = [3.0, 1.6, 1.3, 1.5, 1.5] if has_acwr else [3.0, 1.5, 1.7, 1.7]
        if body is not None:  # the pain panel goes after intensity, before the surfaces
            ratios.insert(-1, 1.9)
        axes = fig.subplots(len(ratios), 1, sharex=True, height_ratios=ratios)
        x = np.arange(n, dtype=float)
        flags = [flag_tuple(v) for v in weeks["flags"]] if "flags" in weeks else [()] * n
        distance_km = column(weeks, "distance_km")
        if "distance_cap_km" in weeks.columns:  # the weekly metrics' own cap, where they give it
            cap_km = column(weeks, "distance_cap_km", fill=math.nan)
        else:
            cap_km = np.r_[math.nan, distance_km[:-1]] * (1 + threshold)
            cap_km[1:][runs[:-1] <= 0] = math.nan
        distance_panel(
            axes[0],
            x,
            distance_km / per_unit,
            cap_km / per_unit,
            flags,
            threshold,
            units,
            levels=levels,
            progress=None if progress is None else (progress.week, progress.room_km / per_unit),
        )
        if "spike_runs" in weeks.columns:
            spikes = [spike_tuple(v) for v in weeks["spike_runs"]]
            handles = spike_marks(axes[0], x, spikes, per_unit)
            if handles:
                existing = axes[0].get_legend()
                old = existing.legend_handles if existing is not None else []
                legend(axes[0], [*old, *handles])
        rest = list(axes[1:])
        if has_acwr:
            acwr_panel(
                rest.pop(0),
                x,
                column(weeks, "acwr", fill=math.nan),
                column(weeks, "acwr_ewma", fill=math.nan),
                flags,
                limit,
                so_far_week=None if progress is None else progress.week,
            )
        # With risk levels, a weekly flag is drawn in the elevated level's colour: alone it
        # never makes a week more (docs/metrics.md, Risk level).
        flag_style = FLAG_MARK_STYLE if levels is not None else (FLAG_COLOR, FLAG_HATCH)
        runs_panel(
            rest[0],
            x,
            runs,
            flags,
            flag_style=flag_style,
            progress=None if progress is None else (progress.week, progress.room_runs),
        )
        intensity_panel(
            rest[1], x, column(weeks, "intensity", fill=math.nan), flags, flag_colour=flag_style[0]
        )
        if body is not None:
            pain_panel(rest.pop(2), index, body)
        surface_panel(rest[2], x, weeks)
        pad = max(0.0, (4 - n) / 2)
        axes[-1].set_xlim(-0.6 - pad, n - 0.4 + pad)
        week_ticks(axes[-1], index, fig.get_figwidth(), starts_on)
        fig.suptitle(heading, y=1 - _TITLE_Y_IN / fig.get_figheight(), va="top")
        if stale_since is not None:
            fig.text(
                0.5,
                1 - _SUBTITLE_Y_IN / fig.get_figheight(),
                stale_line(stale_since),
                ha="center",
                va="top",
                color=_STALE_COLOR,
                fontweight="bold",
            )
        if credit:
            fig.text(0.995, 0.002, credit, ha="right", va="bottom", fontsize=7, color="0.35")
        _lay_out(fig, list(axes), top_in=_TOP_IN + (_SUBTITLE_IN if stale_since else 0.0))
    return fig, heading


def _lay_out(fig: Figure, axes: list[Axes], *, top_in: float = _TOP_IN) -> None:
    """Place the stacked panels with fixed margins, leaving the legends their width on the right.

    A fixed layout rather than matplotlib's constrained one, which measures every tick label of
    every panel on each draw and took a third of the time of writing the charts.
    """
    width, height = fig.get_size_inches()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legends = [ax.get_legend() for ax in axes]
    legend_in = max(
        (key.get_window_extent(renderer).width / fig.dpi for key in legends if key is not None),
        default=0.0,
    )
    right_in = _LEGEND_GAP_IN + legend_in + _EDGE_IN
    panels_in = height - top_in - _BOTTOM_IN - _PANEL_GAP_IN * (len(axes) - 1)
    fig.subplots_adjust(
        left=_LEFT_IN / width,
        right=1 - right_in / width,
        top=1 - top_in / height,
        bottom=_BOTTOM_IN / height,
        hspace=_PANEL_GAP_IN / (panels_in / len(axes)),
    )
    axes_in = width - _LEFT_IN - right_in
    for ax, key in zip(axes, legends, strict=True):
        ax.yaxis.set_label_coords(-_YLABEL_IN / axes_in, 0.5)
        if key is not None:
            key.set_bbox_to_anchor((1 + _LEGEND_GAP_IN / axes_in, 1.0), transform=ax.transAxes)


def write_charts(
    weeks: pd.DataFrame,
    out_dir: Path,
    *,
    units: str = "km",
    threshold: float = 0.10,
    title: str | None = None,
    basename: str = "weekly-risk",
    acwr_limit: float | None = None,
    credit: str | None = None,
    week_start: WeekStart | None = None,
    stale_since: date | None = None,
    body: BodyDays | None = None,
) -> list[Path]:
    """Write the weekly chart as ``<basename>.png`` and ``<basename>.svg`` into ``out_dir``.

    Each file is written to a temporary name in ``out_dir`` and renamed into place, so a
    reader never sees half a chart; the SVG is byte-identical from one run to the next.

    Args:
        weeks: Weekly metrics and flags, as for :func:`weekly_risk_figure`.
        out_dir: Folder to write into; created if missing.
        units: ``"km"`` or ``"mi"``.
        threshold: Allowed growth over the previous week.
        title: Figure title; by default names the rule and the date range.
        basename: File name without extension.
        acwr_limit: The ACWR flag limit to draw (see :func:`weekly_risk_figure`).
        credit: A line for the foot of the chart, such as the map data's attribution.
        week_start: The day the weeks start on (see :func:`weekly_risk_figure`).
        stale_since: The newest activity's day when the folder is stale (see
            :func:`weekly_risk_figure`).
        body: The body log by day, for the pain panel (see :func:`weekly_risk_figure`).

    Returns:
        The paths written: the PNG, then the SVG.

    Raises:
        ConfigError: ``units``, ``threshold`` or ``basename`` cannot be used.
        LoadwatchError: ``weeks`` cannot be charted, or the files cannot be written.
    """
    if basename in ("", ".", "..") or any(sep in basename for sep in ("/", "\\", os.sep)):
        raise ConfigError(f"basename must be a plain file name without folders; got {basename!r}")
    fig, heading = _build(
        weeks, units, threshold, title, acwr_limit, credit, week_start, stale_since, body
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LoadwatchError(
            f"cannot create the chart folder ({e.strerror}); choose another output folder",
            path=out_dir,
        ) from e
    png, svg = out_dir / f"{basename}.png", out_dir / f"{basename}.svg"
    with chart_style():
        for target, fmt, metadata in (
            (png, "png", {"Title": heading}),
            (svg, "svg", {"Title": heading, "Date": None}),
        ):
            with atomic_writer(target) as handle:
                fig.savefig(handle, format=fmt, dpi=PNG_DPI, metadata=metadata)
    return [png, svg]


def _checked(weeks: pd.DataFrame, week_start: WeekStart) -> pd.DataFrame:
    """The weekly table sorted by week, after checking it has what every chart needs."""
    missing = [c for c in ("runs", "distance_km") if c not in weeks.columns]
    if missing:
        raise LoadwatchError(
            f"the weekly table lacks column(s) {', '.join(missing)}; "
            "build it with loadwatch's weekly metrics"
        )
    try:
        index = pd.DatetimeIndex(weeks.index)
    except (TypeError, ValueError) as e:
        raise LoadwatchError("the weekly table must be indexed by week start dates") from e
    try:
        check_weeks(index, week_start)
    except ValueError as e:
        raise LoadwatchError(f"cannot chart the weekly table: {e}") from e
    return weeks.set_axis(index, axis=0).sort_index()


def _title(
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
    return f"{heading}, {_day(first)} – {_day(last)}"


def stale_line(since: date) -> str:
    """The words under a stale folder's title: since when nothing new came, and what to check."""
    return (
        f"No new activity since {_day(since)}: the newest week shown is not this week. "
        "Is the watch still syncing?"
    )


def _day(d: date) -> str:
    """A date as '4 Mar 2024', the same in every locale."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _empty_figure(heading: str) -> Figure:
    fig = Figure(figsize=(8.0, 3.0))
    FigureCanvasAgg(fig)
    fig.suptitle(heading)
    fig.text(0.5, 0.5, "No runs to chart", ha="center", va="center", fontsize=16, color="#444444")
    fig.text(
        0.5,
        0.3,
        "Point loadwatch at a folder of activity files that hold runs.",
        ha="center",
        va="center",
        color="#444444",
    )
    return fig
