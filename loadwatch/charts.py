"""Chart of weekly load and 10%-rule flags: one figure, four stacked panels, as PNG and SVG.

Uses matplotlib's object API only (no pyplot, so no global figures and no GUI backend) under a
fixed style, so the user's matplotlibrc cannot change the result. Colours are Okabe-Ito
(colour-blind safe); flagged weeks also carry a hatch or a distinct marker so that the chart
still reads when printed in greyscale.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

import matplotlib as mpl
import matplotlib.style
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator, PercentFormatter

from loadwatch.atomic import atomic_writer
from loadwatch.charts_risk import (
    SpikeRun,
    acwr_panel,
    panel_message,
    risk_bar_style,
    risk_handles,
    spike_marks,
)
from loadwatch.errors import ConfigError, LoadwatchError

FloatArray = npt.NDArray[np.float64]

#: Kilometres in one international mile.
KM_PER_MILE = 1.609344
#: Resolution of the PNG output.
PNG_DPI = 150
#: Histories up to this many weeks get a small tick for every week.
MINOR_TICK_WEEKS = 60

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
# From the left spine to the y labels, so that they line up whatever each panel's ticks are.
_YLABEL_IN = 0.5

# Okabe-Ito palette.
_BLACK = "#000000"
_ORANGE = "#E69F00"
_SKY_BLUE = "#56B4E9"
_GREEN = "#009E73"
_BLUE = "#0072B2"
_VERMILLION = "#D55E00"
_PURPLE = "#CC79A7"
_GREY = "#BBBBBB"

#: Fill of a week no rule flagged, and of a flagged week (which also gets FLAG_HATCH).
NORMAL_COLOR = _SKY_BLUE
FLAG_COLOR = _VERMILLION
FLAG_HATCH = "////"

#: Surface name, colour and hatch, bottom of the stack first.
SURFACES: tuple[tuple[str, str, str], ...] = (
    ("road", _BLUE, ""),
    ("trail", _GREEN, "...."),
    ("track", _ORANGE, "////"),
    ("treadmill", _PURPLE, "xxxx"),
    ("unknown", _GREY, ""),
)

# Flags this version knows, in the order their letters are stacked; later flags get a letter
# of their own, made from their name.
_KNOWN_FLAGS: tuple[tuple[str, str, str], ...] = (
    ("distance", "D", "distance"),
    ("intensity", "I", "intensity"),
    ("frequency", "F", "runs"),
)
# Legend words of the risk flags (their letters are made from their names).
_FLAG_WORDS: dict[str, str] = {
    "session_spike": "session spike: a run >10% over the 30-day longest",
    "acwr": "acwr above its limit",
    "monotony": "monotony above 2",
}
#: ACWR limit drawn when neither the caller nor the weekly frame says.
DEFAULT_ACWR_LIMIT = 1.5
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_BAR_WIDTH = 0.8
# The path codes of one bar: a closed rectangle.
_BAR_CODES = np.array([MplPath.MOVETO, *[MplPath.LINETO] * 3, MplPath.CLOSEPOLY], dtype=np.uint8)
# Read-only styles shared by the plotted artists and their legend entries.
_INTENSITY_LINE: Mapping[str, Any] = MappingProxyType(
    {"color": _BLUE, "marker": "o", "markersize": 3.5, "linewidth": 1.3}
)
_INTENSITY_FLAG: Mapping[str, Any] = MappingProxyType(
    {
        "linestyle": "none",
        "marker": "D",
        "markersize": 6.5,
        "color": FLAG_COLOR,
        "markeredgecolor": _BLACK,
        "markeredgewidth": 0.6,
    }
)
_THRESHOLD_LINE: Mapping[str, Any] = MappingProxyType(
    {"color": "#555555", "linestyle": "--", "linewidth": 1.0}
)


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
def _chart_style() -> Iterator[None]:
    """Matplotlib's built-in defaults plus our style, whatever the user's matplotlibrc says."""
    with matplotlib.style.context("default"), mpl.rc_context(_rc()):
        yield


def weekly_risk_figure(
    weeks: pd.DataFrame,
    *,
    units: str = "km",
    threshold: float = 0.10,
    title: str | None = None,
    acwr_limit: float | None = None,
    credit: str | None = None,
) -> Figure:
    """Draw distance, runs, intensity and surfaces per week, with the flagged weeks marked.

    With the risk columns of :func:`loadwatch.risk.risk_weeks`, the distance bars are coloured
    by ``risk`` level, each spike run is marked inside its week's bar at its own distance, and
    an ACWR panel (with the 0.8-1.3 band and the flag limit) follows the distance panel.

    Args:
        weeks: One row per calendar week, indexed by the Monday it starts, with ``runs``,
            ``distance_km`` and, where known, ``intensity``, ``surface_km_*``, ``flags`` and
            the risk columns (``risk``, ``acwr``, ``acwr_ewma``, ``spike_runs``).
        units: ``"km"`` or ``"mi"``, for the distances shown.
        threshold: Allowed growth over the previous week (0.10 is the 10% rule).
        title: Figure title; by default names the rule and the date range.
        acwr_limit: The ACWR flag limit to draw; default: ``weeks.attrs["acwr_limit"]``, else
            1.5.
        credit: A line for the foot of the chart, such as the map data's attribution.

    Returns:
        A figure on an Agg canvas; with no runs at all it only says "No runs to chart".

    Raises:
        ConfigError: ``units`` or ``threshold`` cannot be used.
        LoadwatchError: ``weeks`` lacks ``runs`` or ``distance_km``, or is not indexed by date.
    """
    return _build(weeks, units, threshold, title, acwr_limit, credit)[0]


def _build(
    weeks: pd.DataFrame,
    units: str,
    threshold: float,
    title: str | None,
    acwr_limit: float | None = None,
    credit: str | None = None,
) -> tuple[Figure, str]:
    """The figure and its title, for :func:`weekly_risk_figure` and :func:`write_charts`."""
    km_per_unit = _km_per_unit(units)
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ConfigError(f"threshold must be a fraction of 0 or more, like 0.10; got {threshold}")
    limit = float(acwr_limit or weeks.attrs.get("acwr_limit") or DEFAULT_ACWR_LIMIT)
    weeks = _checked(weeks)
    index = pd.DatetimeIndex(weeks.index)
    runs = _column(weeks, "runs")
    levels = [str(v) for v in weeks["risk"]] if "risk" in weeks.columns else None
    heading = _title(index, threshold, title, risk=levels is not None)
    with _chart_style():
        if runs.sum() <= 0:
            return _empty_figure(heading), heading
        n = len(weeks)
        has_acwr = "acwr" in weeks.columns
        fig = Figure(figsize=(min(max(5.5 + 0.12 * n, 9.0), 20.0), 11.5 if has_acwr else 10.0))
        FigureCanvasAgg(fig)
        ratios = [3.0, 1.6, 1.3, 1.5, 1.5] if has_acwr else [3.0, 1.5, 1.7, 1.7]
        axes = fig.subplots(len(ratios), 1, sharex=True, height_ratios=ratios)
        x = np.arange(n, dtype=float)
        flags = [_flag_tuple(v) for v in weeks["flags"]] if "flags" in weeks else [()] * n
        distance_km = _column(weeks, "distance_km")
        if "distance_cap_km" in weeks.columns:  # the weekly metrics' own cap, where they give it
            cap_km = _column(weeks, "distance_cap_km", fill=math.nan)
        else:
            cap_km = np.r_[math.nan, distance_km[:-1]] * (1 + threshold)
            cap_km[1:][runs[:-1] <= 0] = math.nan
        _distance_panel(
            axes[0],
            x,
            distance_km / km_per_unit,
            cap_km / km_per_unit,
            flags,
            threshold,
            units,
            levels=levels,
        )
        if "spike_runs" in weeks.columns:
            spikes = [_spike_tuple(v) for v in weeks["spike_runs"]]
            handles = spike_marks(axes[0], x, spikes, km_per_unit)
            if handles:
                legend = axes[0].get_legend()
                old = legend.legend_handles if legend is not None else []
                _legend(axes[0], [*old, *handles])
        rest = list(axes[1:])
        if has_acwr:
            acwr_panel(
                rest.pop(0),
                x,
                _column(weeks, "acwr", fill=math.nan),
                _column(weeks, "acwr_ewma", fill=math.nan),
                flags,
                limit,
                _legend,
            )
        _runs_panel(rest[0], x, runs, flags)
        _intensity_panel(rest[1], x, _column(weeks, "intensity", fill=math.nan), flags)
        _surface_panel(rest[2], x, weeks)
        pad = max(0.0, (4 - n) / 2)
        axes[-1].set_xlim(-0.6 - pad, n - 0.4 + pad)
        _week_ticks(axes[-1], index, fig.get_figwidth())
        fig.suptitle(heading, y=1 - _TITLE_Y_IN / fig.get_figheight(), va="top")
        if credit:
            fig.text(0.995, 0.002, credit, ha="right", va="bottom", fontsize=7, color="0.35")
        _lay_out(fig, list(axes))
    return fig, heading


def _lay_out(fig: Figure, axes: list[Axes]) -> None:
    """Place the stacked panels with fixed margins, leaving the legends their width on the right.

    A fixed layout rather than matplotlib's constrained one, which measures every tick label of
    every panel on each draw and took a third of the time of writing the charts.
    """
    width, height = fig.get_size_inches()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    legends = [ax.get_legend() for ax in axes]
    legend_in = max(
        (legend.get_window_extent(renderer).width / fig.dpi for legend in legends if legend),
        default=0.0,
    )
    right_in = _LEGEND_GAP_IN + legend_in + _EDGE_IN
    panels_in = height - _TOP_IN - _BOTTOM_IN - _PANEL_GAP_IN * (len(axes) - 1)
    fig.subplots_adjust(
        left=_LEFT_IN / width,
        right=1 - right_in / width,
        top=1 - _TOP_IN / height,
        bottom=_BOTTOM_IN / height,
        hspace=_PANEL_GAP_IN / (panels_in / len(axes)),
    )
    axes_in = width - _LEFT_IN - right_in
    for ax, legend in zip(axes, legends, strict=True):
        ax.yaxis.set_label_coords(-_YLABEL_IN / axes_in, 0.5)
        if legend is not None:
            legend.set_bbox_to_anchor((1 + _LEGEND_GAP_IN / axes_in, 1.0), transform=ax.transAxes)


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

    Returns:
        The paths written: the PNG, then the SVG.

    Raises:
        ConfigError: ``units``, ``threshold`` or ``basename`` cannot be used.
        LoadwatchError: ``weeks`` cannot be charted, or the files cannot be written.
    """
    if basename in ("", ".", "..") or any(sep in basename for sep in ("/", "\\", os.sep)):
        raise ConfigError(f"basename must be a plain file name without folders; got {basename!r}")
    fig, heading = _build(weeks, units, threshold, title, acwr_limit, credit)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LoadwatchError(
            f"cannot create the chart folder ({e.strerror}); choose another output folder",
            path=out_dir,
        ) from e
    png, svg = out_dir / f"{basename}.png", out_dir / f"{basename}.svg"
    with _chart_style():
        for target, fmt, metadata in (
            (png, "png", {"Title": heading}),
            (svg, "svg", {"Title": heading, "Date": None}),
        ):
            with atomic_writer(target) as handle:
                fig.savefig(handle, format=fmt, dpi=PNG_DPI, metadata=metadata)
    return [png, svg]


def _km_per_unit(units: str) -> float:
    if units == "km":
        return 1.0
    if units == "mi":
        return KM_PER_MILE
    raise ConfigError(f'units must be "km" or "mi"; got {units!r}')


def _checked(weeks: pd.DataFrame) -> pd.DataFrame:
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
    return weeks.set_axis(index, axis=0).sort_index()


def _column(weeks: pd.DataFrame, name: str, *, fill: float = 0.0) -> FloatArray:
    """A numeric column as floats, with ``fill`` for missing values or a missing column."""
    if name not in weeks.columns:
        return np.full(len(weeks), fill, dtype=np.float64)
    values = np.asarray(pd.to_numeric(weeks[name], errors="coerce"), dtype=np.float64)
    return np.where(np.isfinite(values), values, fill)


def _flag_tuple(value: object) -> tuple[str, ...]:
    """The flags of one week, from a tuple or list of names (or one name, or nothing)."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, tuple | list | set | frozenset | np.ndarray):
        return tuple(str(v) for v in value)
    return ()


def _spike_tuple(value: object) -> tuple[SpikeRun, ...]:
    """A week's spike runs from the ``spike_runs`` column (anything else: none)."""
    if not isinstance(value, tuple | list):
        return ()
    return tuple(
        (int(v[0]), float(v[1]), str(v[2]))
        for v in value
        if isinstance(v, tuple | list) and len(v) == 3
    )


def _flag_letters(flags: Sequence[tuple[str, ...]], pct: str) -> dict[str, tuple[str, str]]:
    """Letter and legend label for each flag raised, in stacking order."""
    known = {name: (letter, f"{what} rose >{pct}") for name, letter, what in _KNOWN_FLAGS}
    raised = {f for week in flags for f in week}
    order = [name for name, _, _ in _KNOWN_FLAGS] + sorted(raised - known.keys())
    letters: dict[str, tuple[str, str]] = {}
    used = {letter for _, letter, _ in _KNOWN_FLAGS}
    for name in order:
        if name not in raised:
            continue
        if name in known:
            letters[name] = known[name]
            continue
        word = "".join(ch for ch in name if ch.isalnum()) or "X"
        letter = next(
            (
                word[:k].capitalize()
                for k in range(1, len(word) + 1)
                if word[:k].capitalize() not in used
            ),
            word.capitalize(),
        )
        used.add(letter)
        letters[name] = (letter, _FLAG_WORDS.get(name, name.replace("_", " ")))
    return letters


def _title(
    index: pd.DatetimeIndex, threshold: float, title: str | None, *, risk: bool = False
) -> str:
    if title is not None:
        return title
    heading = f"Weekly training load and {threshold * 100:g}% rule flags"
    if risk:
        heading = f"Weekly training load, {threshold * 100:g}% rule flags and overuse risk"
    if len(index) == 0:
        return heading
    first, last = index.min(), index.max() + pd.Timedelta(days=6)
    return f"{heading}, {_day(first)} – {_day(last)}"


def _day(d: pd.Timestamp) -> str:
    """A date as '4 Mar 2024', the same in every locale."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


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


def _bar_style(marked: Sequence[bool]) -> tuple[list[str], list[str]]:
    """Face colours and hatches: flagged weeks in FLAG_COLOR with FLAG_HATCH."""
    colors = [FLAG_COLOR if m else NORMAL_COLOR for m in marked]
    hatches = [FLAG_HATCH if m else "" for m in marked]
    return colors, hatches


def _bars(
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
    half = _BAR_WIDTH / 2
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


def _flag_patch(label: str) -> Patch:
    """Legend entry for a highlighted bar."""
    return Patch(
        facecolor=FLAG_COLOR, hatch=FLAG_HATCH, edgecolor="white", linewidth=0, label=label
    )


def _legend(ax: Axes, handles: Sequence[Any]) -> None:
    """Legend to the right of the panel, where it cannot cover data."""
    ax.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        handlelength=1.6,
    )


def _distance_panel(
    ax: Axes,
    x: FloatArray,
    distance: FloatArray,
    cap: FloatArray,
    flags: Sequence[tuple[str, ...]],
    threshold: float,
    units: str,
    *,
    levels: Sequence[str] | None = None,
) -> None:
    """Distance bars, the previous-week cap (NaN: none) and the letters of each week's flags.

    Bars are coloured by risk level when ``levels`` is given, else by whether a week is flagged.
    """
    if levels is None:
        colors, hatches = _bar_style([bool(f) for f in flags])
    else:
        colors, hatches = risk_bar_style(levels)
    _bars(ax, x, distance, colors, hatches)
    has_cap = np.isfinite(cap)
    cap_label = f"previous week +{threshold * 100:g}%"
    half = _BAR_WIDTH / 2
    if has_cap.any():
        ax.hlines(cap[has_cap], x[has_cap] - half, x[has_cap] + half, colors=_BLACK, linewidth=1.6)
    letters = _flag_letters(flags, f"{threshold * 100:g}%")
    tallest = 1
    for i, week in enumerate(flags):
        text = "\n".join(letters[f][0] for f in letters if f in week)
        if not text:
            continue
        tallest = max(tallest, text.count("\n") + 1)
        top = max(distance[i], cap[i] if has_cap[i] else 0.0)
        ax.annotate(
            text,
            xy=(x[i], top),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            fontweight="bold",
            linespacing=1.0,
            annotation_clip=False,
        )
    ymax = max(float(distance.max()), float(cap[has_cap].max()) if has_cap.any() else 0.0)
    ax.set_ylim(0, (ymax or 1.0) * (1.06 + (0.1 * tallest if letters else 0)))
    ax.set_ylabel(f"Distance ({units})")
    handles: list[Any] = [
        *(
            risk_handles()
            if levels is not None
            else [Patch(facecolor=NORMAL_COLOR, label="no flag"), _flag_patch("flagged week")]
        ),
        Line2D([], [], color=_BLACK, linewidth=1.6, label=cap_label),
    ]
    handles += [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=f"$\\mathrm{{{letter}}}$",
            markersize=6,
            markeredgewidth=0,
            color=_BLACK,
            label=label,
        )
        for letter, label in letters.values()
    ]
    _legend(ax, handles)


def _runs_panel(
    ax: Axes, x: FloatArray, runs: FloatArray, flags: Sequence[tuple[str, ...]]
) -> None:
    marked = ["frequency" in f for f in flags]
    colors, hatches = _bar_style(marked)
    _bars(ax, x, runs, colors, hatches)
    ax.set_ylim(0, max(float(runs.max()), 1.0) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_ylabel("Runs")
    _legend(ax, [Patch(facecolor=NORMAL_COLOR, label="runs"), _flag_patch("frequency flag")])


def _intensity_panel(
    ax: Axes, x: FloatArray, intensity: FloatArray, flags: Sequence[tuple[str, ...]]
) -> None:
    marked = np.array(["intensity" in f for f in flags], dtype=bool) & np.isfinite(intensity)
    ax.axhline(1.0, **_THRESHOLD_LINE)
    ax.plot(x, intensity, **_INTENSITY_LINE)
    ax.plot(x[marked], intensity[marked], **_INTENSITY_FLAG)
    known = intensity[np.isfinite(intensity)]
    if known.size:
        lo, hi = min(float(known.min()), 1.0), max(float(known.max()), 1.0)
        if hi - lo < 0.2:  # a flat or single week: show a useful band around it
            lo, hi = (lo + hi) / 2 - 0.1, (lo + hi) / 2 + 0.1
        span = hi - lo
        ax.set_ylim(lo - 0.12 * span, hi + 0.12 * span)
    else:
        ax.set_ylim(0.5, 1.3)
        panel_message(ax, "no intensity data")
    ax.set_ylabel("Intensity")
    _legend(
        ax,
        [
            Line2D([], [], label="intensity", **_INTENSITY_LINE),
            Line2D([], [], label="intensity flag", **_INTENSITY_FLAG),
            Line2D([], [], label="threshold (1.0)", **_THRESHOLD_LINE),
        ],
    )


def _surface_panel(ax: Axes, x: FloatArray, weeks: pd.DataFrame) -> None:
    """Share of each week's distance per surface, stacked to 100%; weeks without runs empty."""
    km = {name: _column(weeks, f"surface_km_{name}") for name, _, _ in SURFACES}
    if not any(f"surface_km_{name}" in weeks.columns for name, _, _ in SURFACES):
        km["unknown"] = _column(weeks, "distance_km")
    total = sum(km.values(), np.zeros(len(x)))
    safe_total = np.where(total > 0, total, 1.0)
    bottom = np.zeros(len(x))
    handles: list[Any] = []
    for name, color, hatch in SURFACES:
        share = np.where(total > 0, km[name] / safe_total, 0.0)
        if not (share > 0).any():
            continue
        _bars(ax, x, share, [color] * len(x), [hatch] * len(x), bottom=bottom)
        bottom = bottom + share
        handles.append(Patch(facecolor=color, hatch=hatch, edgecolor="white", label=name))
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("Surface share")
    _legend(ax, handles[::-1])


def _week_ticks(ax: Axes, index: pd.DatetimeIndex, fig_width: float) -> None:
    """Label every week of a short history; months (or every Nth month) of a long one."""
    n = len(index)
    if n <= 26:
        labels = [f"{d.day} {_MONTHS[d.month - 1]}" for d in index]
        rotate = n > 8
        ax.set_xticks(
            np.arange(n),
            labels,
            rotation=45 if rotate else 0,
            ha="right" if rotate else "center",
            rotation_mode="anchor",
        )
        years = sorted({d.year for d in index})
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        ax.set_xlabel(f"Week starting (Monday), {span}")
        return
    starts = [i for i, d in enumerate(index) if d.day <= 7]
    budget = max(1, int((fig_width - 2.8) / 0.55))
    step = next((s for s in (1, 2, 3, 4, 6) if math.ceil(len(starts) / s) <= budget), 12)
    ticks = [i for i in starts if (index[i].month - 1) % step == 0]
    labels = []
    for k, i in enumerate(ticks):
        d = index[i]
        if step == 12:
            labels.append(str(d.year))
        elif k == 0 or d.month <= step:
            labels.append(f"{_MONTHS[d.month - 1]}\n{d.year}")
        else:
            labels.append(_MONTHS[d.month - 1])
    ax.set_xticks(ticks, labels)
    if n <= MINOR_TICK_WEEKS:  # beyond that they are a grey smear, and slow to draw
        ax.set_xticks(np.arange(n), minor=True)
    ax.set_xlabel("Week starting (Monday)")
