"""The weekly chart as a figure, and as PNG and SVG files written atomically.

Builds the stacked panels of :mod:`loadwatch.render.charts._panels` (and the risk layers of
:mod:`loadwatch.render.charts._risk`) for the newest :data:`DETAIL_WEEKS` weeks, the strip of
:mod:`loadwatch.render.charts._strip` over them for a longer history, and places them with the
fixed layout of :mod:`loadwatch.render.charts._layout`, using matplotlib's object API only: no
pyplot, so no global figures and no GUI backend.
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from loadwatch.atomic import atomic_writer
from loadwatch.errors import ConfigError, LoadwatchError
from loadwatch.metrics.body import BodyDays
from loadwatch.metrics.calendar import check_weeks
from loadwatch.model import DEFAULT_ACWR_LIMIT
from loadwatch.render.charts._body import pain_panel
from loadwatch.render.charts._layout import (
    AXES_WIDTH_IN,
    Row,
    empty_figure,
    lay_out,
    new_figure,
    stale_line,
    title_for,
    week_ticks,
)
from loadwatch.render.charts._panels import (
    distance_panel,
    intensity_panel,
    runs_panel,
    surface_panel,
)
from loadwatch.render.charts._progress import SoFar, so_far
from loadwatch.render.charts._risk import (
    FLAG_MARK_STYLE,
    acwr_panel,
    flag_tuple,
    spike_marks,
    spike_tuple,
)
from loadwatch.render.charts._strip import history_strip, week_meanings
from loadwatch.render.charts._style import FloatArray, chart_style, column, legend
from loadwatch.settings.checks import check_threshold
from loadwatch.units import km_per_unit
from loadwatch.vocab import WeekStart

#: Resolution of the PNG output.
PNG_DPI = 150
#: How many of the newest weeks the panels show in full; a longer history gets a strip of all
#: its weeks over them.
DETAIL_WEEKS = 26
# The panels' heights and the room under the ones with dates, in inches.
_STRIP = (0.75, 0.62)
_DISTANCE_IN = 2.0
_ACWR_IN = 1.25
_RUNS_IN = 0.9
_INTENSITY_IN = 0.9
_PAIN_IN = 1.5
_SURFACE_IN = 0.9
_DATES_IN = 0.72


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
    detail_weeks: int = DETAIL_WEEKS,
) -> Figure:
    """Draw distance, runs, intensity and surfaces per week, with the flagged weeks marked.

    With the risk columns of :func:`loadwatch.metrics.risk.risk_weeks`, the distance bars are
    coloured by ``risk`` level, each spike run is marked inside its week's bar at its own
    distance, and an ACWR panel (labelled disputed, with Gabbett's coupled 0.8-1.3 band and the
    flag limit) follows the distance panel. A newest week whose ``complete`` is false is drawn
    as "so far", with the room it has left (``remaining_km``, ``remaining_runs``) up to the cap.

    The panels show the newest ``detail_weeks`` weeks; a longer history gets a strip of every
    week's distance on top, flagged weeks marked and the weeks below shaded. Axes stop at
    readable ranges (a robust top for distance, 1.6 x the limit for ACWR, 0.5-1.5 for
    intensity): a value past one is marked at the edge with its value written. The figure is
    phone-wide (docs/metrics.md, The chart).

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
        detail_weeks: How many of the newest weeks the panels show (26: half a year). A longer
            history also gets a strip of every week's distance on top, its flagged weeks marked
            and these weeks shaded.

    Returns:
        A figure on an Agg canvas; with no runs at all it only says "No runs to chart".

    Raises:
        ConfigError: ``units``, ``threshold`` or ``detail_weeks`` cannot be used.
        LoadwatchError: ``weeks`` lacks ``runs`` or ``distance_km``, is not indexed by date, or
            its weeks do not start on ``week_start``'s day.
    """
    return _build(
        weeks,
        units,
        threshold,
        title,
        acwr_limit,
        credit,
        week_start,
        stale_since,
        body,
        detail_weeks,
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
    detail_weeks: int = DETAIL_WEEKS,
) -> tuple[Figure, str]:
    """The figure and its title, for :func:`weekly_risk_figure` and :func:`write_charts`."""
    per_unit = km_per_unit(units)
    threshold = check_threshold(threshold)
    window = _check_window(detail_weeks)
    limit = float(acwr_limit or weeks.attrs.get("acwr_limit") or DEFAULT_ACWR_LIMIT)
    starts_on = WeekStart(week_start or weeks.attrs.get("week_start") or WeekStart.MONDAY)
    weeks = _checked(weeks, starts_on)
    index = pd.DatetimeIndex(weeks.index)
    levels = [str(v) for v in weeks["risk"]] if "risk" in weeks.columns else None
    progress = so_far(weeks, threshold)
    days = progress.days if progress is not None and progress.days else 7  # 0: not known
    heading = title_for(index, threshold, title, risk=levels is not None, days=days)
    with chart_style():
        if column(weeks, "runs").sum() <= 0:
            return empty_figure(heading), heading
        fig = new_figure()
        flags: list[tuple[str, ...]] = [()] * len(weeks)
        if "flags" in weeks:
            flags = [flag_tuple(v) for v in weeks["flags"]]
        cap_km = _caps(weeks, threshold)
        shown = weeks.iloc[-window:]
        if progress is not None:  # the newest week, counted among the weeks shown
            progress = progress._replace(week=len(shown) - 1)
        first = len(weeks) - len(shown)
        rows = _detail(
            fig,
            shown,
            cap_km[first:] / per_unit,
            flags[first:],
            units=units,
            threshold=threshold,
            limit=limit,
            levels=None if levels is None else levels[first:],
            progress=progress,
            body=body,
        )
        week_ticks(rows[-1].ax, pd.DatetimeIndex(shown.index), AXES_WIDTH_IN, starts_on)
        if len(weeks) > window:  # added last: the panels stay fig.axes[0...]
            strip = fig.add_axes((0.0, 0.0, 1.0, 1.0))
            distance = column(weeks, "distance_km") / per_unit
            meanings = week_meanings(flags, levels)
            history_strip(
                strip, index, distance, meanings, window, units=units, axes_width=AXES_WIDTH_IN
            )
            rows.insert(0, Row(strip, *_STRIP))
        stale = stale_line(stale_since) if stale_since is not None else None
        lay_out(fig, rows, heading=heading, stale=stale, credit=credit)
    return fig, heading


def _caps(weeks: pd.DataFrame, threshold: float) -> FloatArray:
    """Each week's distance cap in km: the weekly metrics' own where they give it, else the
    previous week's distance plus ``threshold`` (NaN after a week without runs)."""
    if "distance_cap_km" in weeks.columns:
        return column(weeks, "distance_cap_km", fill=math.nan)
    distance_km, runs = column(weeks, "distance_km"), column(weeks, "runs")
    cap_km: FloatArray = np.r_[math.nan, distance_km[:-1]] * (1 + threshold)
    cap_km[1:][runs[:-1] <= 0] = math.nan
    return cap_km


def _detail(
    fig: Figure,
    weeks: pd.DataFrame,
    cap: FloatArray,
    flags: list[tuple[str, ...]],
    *,
    units: str,
    threshold: float,
    limit: float,
    levels: list[str] | None,
    progress: SoFar | None,
    body: BodyDays | None,
) -> list[Row]:
    """The panels of the weeks shown in full, top first, sharing their weeks' axis."""
    n = len(weeks)
    x = np.arange(n, dtype=float)
    per_unit = km_per_unit(units)
    heights = [_DISTANCE_IN, _RUNS_IN, _INTENSITY_IN, _SURFACE_IN]
    has_acwr = "acwr" in weeks.columns
    if has_acwr:
        heights.insert(1, _ACWR_IN)
    if body is not None:  # the pain panel goes after intensity, before the surfaces
        heights.insert(-1, _PAIN_IN)
    axes: list[Axes] = [fig.add_axes((0.0, 0.0, 1.0, 1.0))]
    axes += [fig.add_axes((0.0, 0.0, 1.0, 1.0), sharex=axes[0]) for _ in heights[1:]]
    scale = distance_panel(
        axes[0],
        x,
        column(weeks, "distance_km") / per_unit,
        cap,
        flags,
        threshold,
        units,
        levels=levels,
        progress=None if progress is None else (progress.week, progress.room_km / per_unit),
    )
    if "spike_runs" in weeks.columns:
        spikes = [spike_tuple(v) for v in weeks["spike_runs"]]
        handles = spike_marks(axes[0], x, spikes, per_unit, top=scale)
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
    # A rule's flag has its own look in every panel: alone it never makes a week's risk level
    # (docs/metrics.md, Risk level).
    runs_panel(
        rest[0],
        x,
        column(weeks, "runs"),
        flags,
        flag_style=FLAG_MARK_STYLE,
        progress=None if progress is None else (progress.week, progress.room_runs),
    )
    intensity = column(weeks, "intensity", fill=math.nan)
    intensity_panel(rest[1], x, intensity, flags, flag_colour=FLAG_MARK_STYLE[0])
    if body is not None:
        pain_panel(rest.pop(2), pd.DatetimeIndex(weeks.index), body)
    surface_panel(rest[2], x, weeks)
    pad = max(0.0, (4 - n) / 2)
    axes[-1].set_xlim(-0.6 - pad, n - 0.4 + pad)
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    below = [0.0] * (len(axes) - 1) + [_DATES_IN]
    return [Row(*row) for row in zip(axes, heights, below, strict=True)]


def _check_window(detail_weeks: int) -> int:
    """The number of weeks shown in full, checked."""
    if isinstance(detail_weeks, bool) or not isinstance(detail_weeks, int) or detail_weeks < 1:
        raise ConfigError(
            f"detail_weeks must be a whole number of weeks, 1 or more; got {detail_weeks!r}"
        )
    return detail_weeks


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
    detail_weeks: int = DETAIL_WEEKS,
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
        detail_weeks: How many of the newest weeks the panels show (see
            :func:`weekly_risk_figure`).

    Returns:
        The paths written: the PNG, then the SVG.

    Raises:
        ConfigError: ``units``, ``threshold``, ``detail_weeks`` or ``basename`` cannot be used.
        LoadwatchError: ``weeks`` cannot be charted, or the files cannot be written.
    """
    if basename in ("", ".", "..") or any(sep in basename for sep in ("/", "\\", os.sep)):
        raise ConfigError(f"basename must be a plain file name without folders; got {basename!r}")
    fig, heading = _build(
        weeks,
        units,
        threshold,
        title,
        acwr_limit,
        credit,
        week_start,
        stale_since,
        body,
        detail_weeks,
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
