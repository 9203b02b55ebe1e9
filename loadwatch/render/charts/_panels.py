"""The panels of the weekly chart: distance with the rule's cap and flag letters, runs,
intensity and surface shares, and the week ticks under them.

Each function draws on the axes it is given and adds the panel's legend; the figure and its
layout are :mod:`loadwatch.render.charts._figure`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from loadwatch.metrics.weekly import RULE_MEASURES
from loadwatch.render.charts._progress import (
    SO_FAR,
    Progress,
    draw_so_far,
    lighter,
    room_label,
    so_far_handles,
)
from loadwatch.render.charts._risk import risk_bar_style, risk_handles
from loadwatch.render.charts._scale import (
    edge_marks,
    off_scale_handle,
    robust_top,
    value_text,
)
from loadwatch.render.charts._style import (
    BAR_WIDTH,
    BLACK,
    BLUE,
    FLAG_COLOR,
    FLAG_HATCH,
    MIN_FONT_PT,
    NORMAL_COLOR,
    SURFACES,
    FloatArray,
    bar_style,
    bars,
    column,
    flag_patch,
    legend,
    panel_message,
)
from loadwatch.render.flags import words_for
from loadwatch.vocab import FLAG_WORDS

#: Histories up to this many weeks (three years) get their flags' letters above the bars: past
#: that, a week's bar on the widest chart is narrower than a letter.
LETTER_WEEKS = 156
# Up to this many weeks, the newest week's words are centred over its bar; past it, bars are
# so narrow that centred words would reach the legends, so they end at the bar.
_CENTRED_WEEKS = LETTER_WEEKS
#: The intensity axis never goes past these: a week outside is marked at the edge.
INTENSITY_RANGE = (0.5, 1.5)
# Read-only styles shared by the plotted artists and their legend entries.
_INTENSITY_LINE: Mapping[str, Any] = MappingProxyType(
    {"color": BLUE, "marker": "o", "markersize": 3.5, "linewidth": 1.3}
)
_INTENSITY_FLAG: Mapping[str, Any] = MappingProxyType(
    {
        "linestyle": "none",
        "marker": "D",
        "markersize": 6.5,
        "color": FLAG_COLOR,
        "markeredgecolor": BLACK,
        "markeredgewidth": 0.6,
    }
)
_THRESHOLD_LINE: Mapping[str, Any] = MappingProxyType(
    {"color": "#555555", "linestyle": "--", "linewidth": 1.0}
)


def _flag_letters(flags: Sequence[tuple[str, ...]], pct: str) -> dict[str, tuple[str, str]]:
    """Letter and legend label of each flag raised: known flags first, in their order."""
    raised = {f for week in flags for f in week}
    letters: dict[str, tuple[str, str]] = {}
    used = {words.letter for words in FLAG_WORDS.values()}
    for name in [*FLAG_WORDS, *sorted(raised - FLAG_WORDS.keys())]:
        if name not in raised:
            continue
        words = words_for(name)
        if name in FLAG_WORDS:
            grew = name in RULE_MEASURES
            letters[name] = (words.letter, f"{words.short} rose >{pct}" if grew else words.short)
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
        letters[name] = (letter, words.short)
    return letters


def distance_panel(
    ax: Axes,
    x: FloatArray,
    distance: FloatArray,
    cap: FloatArray,
    flags: Sequence[tuple[str, ...]],
    threshold: float,
    units: str,
    *,
    levels: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> float:
    """Distance bars, the previous-week cap (NaN: none) and the letters of each week's flags.

    Bars are coloured by risk level when ``levels`` is given, else by whether a week is flagged.
    The week in ``progress`` (its position and the room it has left, in ``units``) is drawn
    lighter and outlined, with its room dashed above it and "so far" over it. The axis stops at
    :func:`~loadwatch.render.charts._scale.robust_top`: a week above it is drawn up to the top,
    marked there, and its distance written over it.

    Returns:
        The top of the axis's scale, in ``units`` (spike runs above it are not drawn).
    """
    if levels is None:
        colors, hatches = bar_style([bool(f) for f in flags])
    else:
        colors, hatches = risk_bar_style(levels)
    full = list(colors)
    if progress is not None:
        colors[progress[0]] = lighter(colors[progress[0]])
    scale = robust_top(distance, also=cap)
    shown = np.minimum(distance, scale)
    bars(ax, x, shown, colors, hatches)
    has_cap = np.isfinite(cap) & (cap <= scale)
    half = BAR_WIDTH / 2
    if has_cap.any():
        ax.hlines(cap[has_cap], x[has_cap] - half, x[has_cap] + half, colors=BLACK, linewidth=1.6)
    tops = np.where(has_cap, np.fmax(shown, cap), shown)
    handles = _level_handles(levels, colors, hatches, distance, progress)
    if progress is not None:
        week, room = progress
        tops[week] = max(tops[week], draw_so_far(ax, x[week], shown[week], room, full[week]))
        handles += so_far_handles(full[week], room_label(room, f"{room:.1f} {units}"))
    if has_cap.any():
        label = f"previous week +{threshold * 100:g}%"
        handles.append(Line2D([], [], color=BLACK, linewidth=1.6, label=label))
    # Over a long history the letters no longer fit above their bars and pile into a smear;
    # the flagged weeks keep their colour and hatch.
    letters = _flag_letters(flags, f"{threshold * 100:g}%") if len(x) <= LETTER_WEEKS else {}
    texts = ["\n".join(letters[f][0] for f in letters if f in week) for week in flags]
    over = edge_marks(ax, x, distance, 0.0, scale, write=False)
    for i in over:  # its distance under its letters, just above the mark
        texts[i] = "\n".join(t for t in (texts[i], value_text(float(distance[i]))) if t)
        tops[i] = scale + 0.04 * scale
    if progress is not None:
        texts[progress[0]] = "\n".join(t for t in (texts[progress[0]], SO_FAR) if t)
    tallest = _label_bars(ax, x, tops, texts)
    ax.set_ylim(0, (float(tops.max()) or 1.0) * (1.06 + 0.12 * tallest))
    ax.set_ylabel(f"Distance ({units})")
    if over:
        handles.append(off_scale_handle())
    handles += [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=f"$\\mathrm{{{letter}}}$",
            markersize=6,
            markeredgewidth=0,
            color=BLACK,
            label=label,
        )
        for letter, label in letters.values()
    ]
    legend(ax, handles)
    return scale


def _level_handles(
    levels: Sequence[str] | None,
    colors: Sequence[str],
    hatches: Sequence[str],
    heights: FloatArray,
    progress: Progress | None,
) -> list[Any]:
    """Legend entries of the bar styles drawn on finished weeks: risk levels, or flagged or not."""
    skip = progress[0] if progress is not None else -1
    drawn = {(colors[i], hatches[i]) for i in range(len(colors)) if i != skip and heights[i] > 0}
    if levels is not None:
        return risk_handles(drawn)
    named = (
        (NORMAL_COLOR, "", Patch(facecolor=NORMAL_COLOR, label="no flag")),
        (FLAG_COLOR, FLAG_HATCH, flag_patch("flagged week")),
    )
    return [handle for colour, hatch, handle in named if (colour, hatch) in drawn]


def _label_bars(ax: Axes, x: FloatArray, tops: FloatArray, texts: Sequence[str]) -> int:
    """Write each week's text (flag letters, "so far") over its bar; the most lines written."""
    tallest = 0
    for i, text in enumerate(texts):
        if not text:
            continue
        tallest = max(tallest, text.count("\n") + 1)
        ax.annotate(
            text,
            xy=(x[i], tops[i]),
            xytext=(0, 2),
            textcoords="offset points",
            # the newest week's words end at its bar where they could reach the legend
            ha="center" if i < len(x) - 1 or len(x) <= _CENTRED_WEEKS else "right",
            va="bottom",
            fontsize=MIN_FONT_PT,
            fontweight="bold",
            linespacing=1.0,
            annotation_clip=False,
        )
    return tallest


def runs_panel(
    ax: Axes,
    x: FloatArray,
    runs: FloatArray,
    flags: Sequence[tuple[str, ...]],
    *,
    flag_style: tuple[str, str] = (FLAG_COLOR, FLAG_HATCH),
    progress: Progress | None = None,
) -> None:
    """Runs per week, the weeks with the ``frequency`` flag in ``flag_style`` (fill, hatch).

    The week in ``progress`` (its position and the runs it has left) is drawn as in the
    distance panel.
    """
    marked = ["frequency" in f for f in flags]
    colors = [flag_style[0] if m else NORMAL_COLOR for m in marked]
    hatches = [flag_style[1] if m else "" for m in marked]
    full = list(colors)
    if progress is not None:
        colors[progress[0]] = lighter(colors[progress[0]])
    bars(ax, x, runs, colors, hatches)
    top = float(runs.max())
    skip = progress[0] if progress is not None else -1
    shown = [i for i in range(len(x)) if i != skip and runs[i] > 0]
    handles: list[Any] = []
    if any(not marked[i] for i in shown):
        handles.append(Patch(facecolor=NORMAL_COLOR, label="runs"))
    if any(marked[i] for i in shown):
        handles.append(_flag_entry(flag_style, "frequency flag"))
    if progress is not None:
        week, room = progress
        above = draw_so_far(ax, x[week], runs[week], room, full[week])
        more = f"{room:g} more run{'' if room == 1 else 's'}"
        handles += so_far_handles(full[week], room_label(room, more))
        _label_bars(ax, x, np.r_[np.zeros(week), above], [""] * week + [SO_FAR])
        top = max(top, above) * 1.1
    ax.set_ylim(0, max(top, 1.0) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.set_ylabel("Runs")
    legend(ax, handles)


def _flag_entry(style: tuple[str, str], label: str) -> Patch:
    """Legend entry of a flagged bar drawn in ``style`` (fill, hatch)."""
    colour, hatch = style
    return Patch(facecolor=colour, hatch=hatch, edgecolor="white", linewidth=0, label=label)


def intensity_panel(
    ax: Axes,
    x: FloatArray,
    intensity: FloatArray,
    flags: Sequence[tuple[str, ...]],
    *,
    flag_colour: str = FLAG_COLOR,
) -> None:
    """Intensity per week against the threshold (1.0), flagged weeks marked in ``flag_colour``."""
    marked = np.array(["intensity" in f for f in flags], dtype=bool) & np.isfinite(intensity)
    flag_mark = {**_INTENSITY_FLAG, "color": flag_colour}
    ax.axhline(1.0, **_THRESHOLD_LINE)
    ax.plot(x, intensity, **_INTENSITY_LINE)
    ax.plot(x[marked], intensity[marked], **flag_mark)
    known = intensity[np.isfinite(intensity)]
    off = False
    if known.size:
        lo = max(min(float(known.min()), 1.0), INTENSITY_RANGE[0])
        hi = min(max(float(known.max()), 1.0), INTENSITY_RANGE[1])
        if hi - lo < 0.2:  # a flat or single week: show a useful band around it
            lo, hi = (lo + hi) / 2 - 0.1, (lo + hi) / 2 + 0.1
        span = hi - lo
        bottom, top = lo - 0.12 * span, hi + 0.12 * span
        ax.set_ylim(bottom, top)
        off = bool(edge_marks(ax, x, intensity, bottom, top))
    else:
        ax.set_ylim(0.5, 1.3)
        panel_message(ax, "no intensity data")
    ax.set_ylabel("Intensity")
    handles: list[Any] = []
    if known.size:
        handles.append(Line2D([], [], label="intensity", **_INTENSITY_LINE))
    if marked.any():
        handles.append(Line2D([], [], label="intensity flag", **flag_mark))
    handles.append(Line2D([], [], label="threshold (1.0)", **_THRESHOLD_LINE))
    if off:
        handles.append(off_scale_handle())
    legend(ax, handles)


def surface_panel(ax: Axes, x: FloatArray, weeks: pd.DataFrame) -> None:
    """Share of each week's distance per surface, stacked to 100%; weeks without runs empty."""
    km = {name: column(weeks, f"surface_km_{name}") for name, _, _ in SURFACES}
    if not any(f"surface_km_{name}" in weeks.columns for name, _, _ in SURFACES):
        km["unknown"] = column(weeks, "distance_km")
    total = sum(km.values(), np.zeros(len(x)))
    safe_total = np.where(total > 0, total, 1.0)
    bottom = np.zeros(len(x))
    handles: list[Any] = []
    for name, color, hatch in SURFACES:
        share = np.where(total > 0, km[name] / safe_total, 0.0)
        if not (share > 0).any():
            continue
        bars(ax, x, share, [color] * len(x), [hatch] * len(x), bottom=bottom)
        bottom = bottom + share
        handles.append(Patch(facecolor=color, hatch=hatch, edgecolor="white", label=name))
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("Surface share")
    legend(ax, handles[::-1])
