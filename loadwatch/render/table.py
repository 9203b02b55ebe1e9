"""What ``loadwatch analyze`` prints: the answer first, then the last weeks, at most 80 columns.

The answer (:mod:`loadwatch.render.answer`) comes first; then the newest weeks (12 unless
told), one line a week and a stretch without runs in one; then the newest week's figures, and
the legend of the marks shown (:mod:`loadwatch.render.legend`).

Its columns are the weekly fields :mod:`loadwatch.fields` shows in the ``table``, in the
schema's order with each change beside its measure, headed by the fields' labels; the layout
(widths, the surface mix, the marks of the Flags column) is this module's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

import pandas as pd

from loadwatch.fields import WEEK_FIELDS, Field, Kind, Output, display_order, shown_in
from loadwatch.metrics.surfaces import MAP_ATTRIBUTION
from loadwatch.metrics.weekly import LIMIT_TOLERANCE, RULE_MEASURES
from loadwatch.model import Analysis
from loadwatch.render.answer import answer
from loadwatch.render.console import SHOWN_WEEKS
from loadwatch.render.flags import note_mark, words_for
from loadwatch.render.legend import COLUMNS, intensity_line, legend_lines, marks_shown
from loadwatch.render.risk_text import RISK_LABELS, newest_week_lines
from loadwatch.render.wrap import wrapped
from loadwatch.units import km_per_unit
from loadwatch.vocab import plural

#: The table fits an 80-column terminal.
TABLE_WIDTH = 80
#: Width of each column before the surface mix, by field: the date left-aligned, numbers right.
WIDTHS: dict[str, int] = {
    "week_start": 10,
    "runs": 4,
    "distance_km": 6,
    "distance_change": 6,
    "duration_s": 6,
    "intensity": 5,
    "intensity_change": 6,
    "hard_minutes": 4,
}
_SURFACE_WIDTH = 12
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: The weekly fields the table shows, in its order.
_SHOWN = display_order(shown_in(WEEK_FIELDS, Output.TABLE))
#: Those with a column of their own before the surface mix.
CELLS: tuple[Field, ...] = tuple(
    f for f in _SHOWN if f.kind not in (Kind.LIST, Kind.TEXT) and f.per is None
)
#: The surface mix's field, and the field whose label heads the Flags column (the marks).
_SURFACE = next(f for f in _SHOWN if f.per is not None)
_MARKS = next(f for f in _SHOWN if f.kind is Kind.LIST and f.label)
#: Which flag highlights a field's cell: a 10%-rule measure and its change.
_FLAG_OF: dict[str, str] = {
    f.name: flag
    for flag, column in RULE_MEASURES.items()
    for f in WEEK_FIELDS
    if column in (f.name, f.change_of)
}


def _week(label: object) -> pd.Timestamp:
    """A weekly frame's index label (always a Timestamp; checked for the type checker)."""
    if not isinstance(label, pd.Timestamp):
        raise TypeError(f"weeks are indexed by week_start timestamps, not {label!r}")
    return label


Styler = Callable[[str, str], str]


def _plain(text: str, _style: str) -> str:
    return text


def render_table(
    analysis: Analysis,
    *,
    units: str = "km",
    style: Styler = _plain,
    weeks: int | None = SHOWN_WEEKS,
    legend: Collection[str] | None = None,
    width: int = TABLE_WIDTH,
) -> str:
    """The answer first, then the last weeks, their figures and the legend of their marks.

    Args:
        analysis: What to show.
        units: ``"km"`` or ``"mi"`` for distances.
        style: ``style(text, kind)`` decorates a cell (``kind`` is ``"flag"``, ``"note"``,
            ``"dim"`` or ``"head"``); the CLI passes a colouring one on a terminal.
        weeks: How many of the newest calendar weeks the table shows; ``None`` for all.
        legend: The codes of the marks to explain (see :mod:`loadwatch.render.legend`);
            ``None`` explains every mark the table shows, and its columns.
        width: The most columns a line of text takes (the table itself takes at most 80).
    """
    said = answer(analysis, units=units, width=width)
    lines = [*_styled_flags(said.first, style), ""]
    shown = shown_weeks(analysis, weeks)
    lines.extend(weeks_lines(analysis, shown, units=units, style=style))
    if shown.empty:
        return "\n".join(lines) + "\n"
    lines.append("")
    after = [_count_sentence(analysis, len(shown))]
    for paragraph in after:
        lines.extend(wrapped(paragraph, width))
    lines.extend(newest_week_lines(analysis, units=units, width=width))
    lines.extend(said.more)
    codes = legend_codes(analysis, shown, units) if legend is None else legend
    explained = legend_lines(analysis, codes, units=units, width=width)
    if analysis.surface_map is not None:  # the map's licence asks for it wherever it is used
        explained.extend(
            wrapped(f"Surfaces matched on {analysis.surface_map.name}. {MAP_ATTRIBUTION}.", width)
        )
    if explained:
        lines.extend(["", *explained])
    return "\n".join(line.rstrip() for line in lines) + "\n"


def render_answer(analysis: Analysis, *, units: str = "km", width: int = TABLE_WIDTH) -> str:
    """The answer alone (``loadwatch analyze -q``): the newest week, its risk and the advice,
    all of it (what would follow the table included)."""
    said = answer(analysis, units=units, width=width)
    return "\n".join([*said.first, *said.more]) + "\n"


def shown_weeks(analysis: Analysis, weeks: int | None = SHOWN_WEEKS) -> pd.DataFrame:
    """The newest ``weeks`` calendar weeks of ``analysis`` (all of them for ``None``)."""
    frame = analysis.weeks
    return frame if weeks is None or weeks >= len(frame) else frame.iloc[-weeks:]


def legend_codes(analysis: Analysis, shown: pd.DataFrame, units: str = "km") -> list[str]:
    """The codes a table of the weeks ``shown`` carries: their marks, its columns, and the
    intensity scale's line (see :mod:`loadwatch.render.legend`)."""
    scale = intensity_line(analysis, units)
    return [*marks_shown(shown), COLUMNS, *([scale] if scale else [])]


def _styled_flags(lines: Sequence[str], style: Styler) -> list[str]:
    """The answer's lines, a red flag's first line styled as a flag."""
    return [style(line, "flag") if line.startswith("RED FLAG") else line for line in lines]


def _count_sentence(analysis: Analysis, shown: int) -> str:
    """How many weeks grew more than the rule allows: of all, and of the weeks shown."""
    flagged = sum(
        1 for flags in analysis.weeks.get("flags", []) if any(f in RULE_MEASURES for f in flags)
    )
    total = len(analysis.weeks)
    pct = f"{analysis.threshold * 100:g}%"
    of = f"{plural(total, 'week')}" if shown >= total else f"{total} weeks (the last {shown} shown)"
    return f"{flagged} of {of} grew more than {pct} over the week before."


def weeks_lines(
    analysis: Analysis, weeks: pd.DataFrame, *, units: str = "km", style: Styler = _plain
) -> list[str]:
    """The table of ``weeks``: its header, then a line a week (a stretch without runs in one)."""
    factor = 1.0 / km_per_unit(units)
    lines = [style(_header(units), "head")]
    if weeks.empty:
        lines.append(style("(no runs found)", "dim"))
        return lines
    rest: list[pd.Timestamp] = []
    for start, row in weeks.iterrows():
        flags: tuple[str, ...] = tuple(row["flags"])
        notes: tuple[str, ...] = tuple(row["notes"])
        if int(row["runs"]) == 0:
            rest.append(_week(start))
            continue
        if rest:
            lines.append(style(_rest_line(rest), "dim"))
            rest = []
        cells = []
        for field in CELLS:
            text = _cell(field, start if field.index else row[field.name], factor, analysis)
            if field.change_of is not None and not _judged(row, field, flags):
                text = SO_FAR
            cells.append(_flagged(_pad(field, text), _FLAG_OF.get(field.name) in flags, style))
        surface = _surface_mix(row)
        marks = [RISK_LABELS[row["risk"]]] if row.get("risk") in RISK_LABELS else []
        marks += [(words_for(f).mark, "flag") for f in flags]
        marks += [(note_mark(n), "note") for n in notes]
        prefix = " ".join(cells) + f"  {surface:<{_SURFACE_WIDTH}} "
        lines.extend(_with_marks(prefix, marks, style))
    if rest:
        lines.append(style(_rest_line(rest), "dim"))
    return lines


#: A week in progress's change cell: it is not over, so it has not fallen or grown yet.
SO_FAR = "so far"


def _judged(row: pd.Series, field: Field, flags: tuple[str, ...]) -> bool:
    """Whether a change is shown as a change: in a week that is over, or one whose growth so
    far already raised its flag (it can only grow)."""
    return bool(row.get("complete", True)) or _FLAG_OF.get(field.name) in flags


def _header(units: str) -> str:
    """The header line: each column's field label, padded as its cells are."""
    heads = [_pad(f, f.header(Output.TABLE, units=units)) for f in CELLS]
    surface = _SURFACE.header(Output.TABLE, units=units)
    return " ".join(heads) + f"  {surface:<{_SURFACE_WIDTH}} {_MARKS.header(Output.TABLE)}"


def _pad(field: Field, text: str) -> str:
    """``text`` padded to ``field``'s width: a date on the left, anything else on the right."""
    width = WIDTHS[field.name]
    return f"{text:<{width}}" if field.kind is Kind.DATE else f"{text:>{width}}"


def _cell(field: Field, value: Any, factor: float, analysis: Analysis) -> str:
    """One cell's text, by the field's kind (distances times ``factor``, into the units)."""
    if field.kind is Kind.DATE:
        return _week(value).date().isoformat()
    if field.kind is Kind.COUNT:
        return f"{int(value)}"
    if field.kind is Kind.KM:
        return f"{value * factor:.1f}"
    if field.kind is Kind.FRACTION:
        return change_text(value, analysis.threshold)
    if field.kind is Kind.SECONDS:
        return _duration(value)
    if field.kind is Kind.RATIO:
        return "–" if value is None or not math.isfinite(value) else f"{value:.2f}"
    return _whole(value)


def _with_marks(prefix: str, marks: list[tuple[str, str]], style: Styler) -> list[str]:
    """The row, with its marks wrapped under the Flags column so no line passes 80 columns."""
    indent = len(_ANSI.sub("", prefix))
    lines: list[str] = []
    line, used = prefix, indent
    for text, kind in marks:
        if used > indent and used + 1 + len(text) > TABLE_WIDTH:
            lines.append(line)
            line, used = " " * indent, indent
        if used > indent:
            line, used = line + " ", used + 1
        line, used = line + style(text, kind), used + len(text)
    lines.append(line)
    return lines


def _rest_line(weeks: list[pd.Timestamp]) -> str:
    """One line for a stretch of weeks without runs."""
    first = weeks[0].date().isoformat()
    if len(weeks) == 1:
        return f"{first:<10} {0:>4}   (no runs)"
    return (
        f"{first:<10} {0:>4}   (no runs for {len(weeks)} weeks, to {weeks[-1].date().isoformat()})"
    )


def _flagged(text: str, flagged: bool, style: Styler) -> str:
    return style(text, "flag") if flagged else text


def change_text(value: float | None, threshold: float) -> str:
    """A week-on-week change as a whole percentage, with a decimal near the threshold.

    Within half a point of the threshold a change gets one decimal (two, for a threshold that is
    not a whole tenth of a percent), rounded as usual unless that would show the threshold's own
    figure: then it is moved one step to the side it is on. So a change just over the rule
    (+10.04%: flagged) reads +10.1%, one just under +9.9%, and only a change at the rule (not
    flagged) reads +10.0%. Unknown changes read "–".
    """
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value - threshold) < 0.005:
        whole_tenth = abs(threshold * 1000 - round(threshold * 1000)) < 1e-6
        scale, digits = (1000, 1) if whole_tenth else (10_000, 2)
        at = math.floor(threshold * scale + 0.5)
        shown = math.floor(round(value * scale, 6) + 0.5)
        if value > threshold + LIMIT_TOLERANCE:
            shown = max(shown, at + 1)
        elif value < threshold - LIMIT_TOLERANCE:
            shown = min(shown, at - 1)
        else:
            shown = at
        return f"{shown * 100 / scale:+.{digits}f}%"
    percent = round(value * 100)
    return f"{percent:+d}%" if percent else "0%"


def _whole(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.0f}"


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60.0)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _surface_mix(row: pd.Series) -> str:
    """The main surface and its share of the week's distance, e.g. ``road 80%``."""
    total = float(row["distance_km"])
    if total <= 0:
        return ""
    per = _SURFACE.per or ()
    shares = {s: float(row[c]) / total for s, c in zip(per, _SURFACE.columns, strict=True)}
    top = max(shares, key=lambda s: shares[s])
    return f"{top} {shares[top] * 100:.0f}%"
