"""Turn an :class:`~loadwatch.analysis.Analysis` into JSON, CSV or a terminal table.

Pure functions returning text; the CLI decides where it goes. The JSON shape is a public
contract: later versions add keys, never rename or remove them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import textwrap
from collections.abc import Callable
from typing import Any

import pandas as pd

from loadwatch._version import __version__
from loadwatch.labels import shown
from loadwatch.metrics.surfaces import MAP_ATTRIBUTION
from loadwatch.metrics.weekly import LIMIT_TOLERANCE, RULE_MEASURES
from loadwatch.model import Analysis
from loadwatch.render.flags import note_mark, words_for
from loadwatch.render.risk_text import (
    RISK_CSV_FIELDS,
    RISK_LABELS,
    activity_fields,
    newest_week_lines,
    report_fields,
    week_fields,
)
from loadwatch.settings.config import SURFACES
from loadwatch.units import km_per_unit

#: The table fits an 80-column terminal.
TABLE_WIDTH = 80

_CSV_FIELDS: tuple[str, ...] = (
    "week_start",
    "runs",
    "distance_km",
    "duration_s",
    "intensity",
    "hard_minutes",
    "elev_gain_m",
    "distance_change",
    "runs_change",
    "intensity_change",
    *(f"surface_km_{s}" for s in SURFACES),
    "flags",
    "notes",
    *RISK_CSV_FIELDS,
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _number(value: Any, digits: int) -> float | int | None:
    """A JSON-safe rounded number: ``None`` for NaN/None, ints stay ints."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = float(value)
    if not math.isfinite(number):
        return None
    rounded = round(number, digits)
    return rounded + 0.0  # turns -0.0 into 0.0


def _week(label: object) -> pd.Timestamp:
    """A weekly frame's index label (always a Timestamp; checked for the type checker)."""
    if not isinstance(label, pd.Timestamp):
        raise TypeError(f"weeks are indexed by week_start timestamps, not {label!r}")
    return label


def week_records(weeks: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``weeks`` list of the JSON report."""
    records = []
    for start, row in weeks.iterrows():
        records.append(
            {
                "week_start": _week(start).date().isoformat(),
                "runs": int(row["runs"]),
                "distance_km": _number(row["distance_km"], 3),
                "duration_s": _number(row["duration_s"], 1),
                "intensity": _number(row["intensity"], 3),
                "hard_minutes": _number(row["hard_minutes"], 1),
                "elev_gain_m": _number(row["elev_gain_m"], 1),
                "distance_change": _number(row["distance_change"], 4),
                "runs_change": _number(row["runs_change"], 4),
                "intensity_change": _number(row["intensity_change"], 4),
                "surface_km": {s: _number(row[f"surface_km_{s}"], 3) for s in SURFACES},
                "flags": list(row["flags"]),
                "notes": list(row["notes"]),
                **week_fields(row),
            }
        )
    return records


def activity_records(timeline: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``activities`` list of the JSON report, in start order."""
    return [
        {
            "start": pd.Timestamp(row["start"]).isoformat(),
            "sport": row["sport"],
            "surface": row["surface"] if isinstance(row["surface"], str) else None,
            "distance_km": _number(row["distance_km"], 3),
            "duration_s": _number(row["duration_s"], 1),
            "intensity": _number(row["intensity"], 3),
            "source": shown(row["source"]),
            **activity_fields(row),
            **_surface_fields(row),
        }
        for _, row in timeline.iterrows()
    ]


def _surface_fields(row: pd.Series) -> dict[str, Any]:
    """A run's km per surface class and where they came from (rule, metadata, map, none)."""
    if not isinstance(row.get("surface_source"), str):
        return {"surface_km": None, "surface_source": None}
    return {
        "surface_km": {s: _number(row.get(f"surface_km_{s}"), 3) for s in SURFACES},
        "surface_source": row["surface_source"],
    }


def report_dict(analysis: Analysis) -> dict[str, Any]:
    """The JSON report as plain Python data (distances always in km)."""
    return {
        "loadwatch": __version__,
        "timezone": analysis.timezone,
        "units": "km",
        "weeks": week_records(analysis.weeks),
        "activities": activity_records(analysis.timeline),
        "duplicates": [
            {"source": shown(d.source), "duplicate_of": shown(d.duplicate_of)}
            for d in analysis.duplicates
        ],
        "skipped": [
            {"source": shown(s.source), "reason": shown(s.reason)} for s in analysis.skipped
        ],
        "pending": [{"source": shown(label)} for label in analysis.pending],
        **report_fields(analysis),
        "surface_map": (
            None
            if analysis.surface_map is None
            else {"extract": analysis.surface_map.name, "attribution": MAP_ATTRIBUTION}
        ),
        "threshold": analysis.threshold,
    }


def to_json(analysis: Analysis) -> str:
    """The JSON report, indented, ending with a newline."""
    return json.dumps(report_dict(analysis), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(analysis: Analysis) -> str:
    """One row per week with the JSON report's fields flattened (``surface_km_road``...).

    ``flags`` and ``notes`` are joined with ``;``. Distances are in km.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(_CSV_FIELDS), lineterminator="\n")
    writer.writeheader()
    for record in week_records(analysis.weeks):
        flat = {k: v for k, v in record.items() if k not in ("surface_km", "advice")}
        flat.update({f"surface_km_{s}": record["surface_km"][s] for s in SURFACES})
        flat["flags"] = ";".join(record["flags"])
        flat["notes"] = ";".join(record["notes"])
        writer.writerow({k: "" if v is None else v for k, v in flat.items()})
    return buffer.getvalue()


Styler = Callable[[str, str], str]


def _plain(text: str, _style: str) -> str:
    return text


def render_table(analysis: Analysis, *, units: str = "km", style: Styler = _plain) -> str:
    """The weekly table for a terminal, at most 80 columns wide.

    Args:
        analysis: What to show.
        units: ``"km"`` or ``"mi"`` for distances.
        style: ``style(text, kind)`` decorates a cell (``kind`` is ``"flag"``, ``"note"``,
            ``"dim"`` or ``"head"``); the CLI passes a colouring one on a terminal.
    """
    factor = 1.0 / km_per_unit(units)
    weeks = analysis.weeks

    def change(value: float) -> str:
        return change_text(value, analysis.threshold)

    lines: list[str] = []
    header = (
        f"{'Week of':<10} {'Runs':>4} {units:>6} {'Δ':>6} {'Time':>6} {'Int':>5} {'Δ':>6}"
        f" {'Hard':>4}  {'Surface':<12} Flags"
    )
    lines.append(style(header, "head"))
    if weeks.empty:
        lines.append(style("(no runs found)", "dim"))
        return "\n".join(lines) + "\n"
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
        cells = [
            f"{_week(start).date().isoformat():<10}",
            _flagged(f"{int(row['runs']):>4}", "frequency" in flags, style),
            _flagged(f"{row['distance_km'] * factor:>6.1f}", "distance" in flags, style),
            _flagged(f"{change(row['distance_change']):>6}", "distance" in flags, style),
            f"{_duration(row['duration_s']):>6}",
            _flagged(_fixed(row["intensity"]), "intensity" in flags, style),
            _flagged(f"{change(row['intensity_change']):>6}", "intensity" in flags, style),
            f"{_whole(row['hard_minutes']):>4}",
        ]
        surface = _surface_mix(row)
        marks = [RISK_LABELS[row["risk"]]] if row.get("risk") in RISK_LABELS else []
        marks += [(words_for(f).mark, "flag") for f in flags]
        marks += [(note_mark(n), "note") for n in notes]
        lines.extend(_with_marks(" ".join(cells) + f"  {surface:<12} ", marks, style))
    lines.append("")
    for paragraph in _legend(analysis, units):
        lines.extend(textwrap.wrap(paragraph, width=TABLE_WIDTH, subsequent_indent="  "))
    newest = newest_week_lines(analysis, units=units, width=TABLE_WIDTH)
    if newest:
        lines.extend(["", *newest])
    return "\n".join(line.rstrip() for line in lines) + "\n"


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


def _fixed(value: float) -> str:
    if value is None or not math.isfinite(value):
        return f"{'–':>5}"
    return f"{value:>5.2f}"


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
    shares = {s: float(row[f"surface_km_{s}"]) / total for s in SURFACES}
    top = max(shares, key=lambda s: shares[s])
    return f"{top} {shares[top] * 100:.0f}%"


def _legend(analysis: Analysis, units: str) -> list[str]:
    limits = analysis.thresholds
    flagged = sum(
        1 for flags in analysis.weeks.get("flags", []) if any(f in RULE_MEASURES for f in flags)
    )
    pct = f"{analysis.threshold * 100:g}%"
    lines = [
        f"{flagged} of {len(analysis.weeks)} weeks grew more than {pct} over the week before "
        f"({', '.join(f'{words_for(f).mark} {words_for(f).what}' for f in RULE_MEASURES)}).",
        f"{note_mark('hard_surface')}: 90% or more of the week's known-surface distance on road; "
        "mix in trail or track.",
        *_risk_legend(analysis),
        f"Δ: change from the previous week. Time: h:mm timer time. Hard: minutes at or above "
        f"threshold. Distances in {units}.",
        *(
            [f"Surfaces matched on {analysis.surface_map.name}. {MAP_ATTRIBUTION}."]
            if analysis.surface_map is not None
            else []
        ),
    ]
    parts = []
    if math.isfinite(limits.threshold_hr):
        parts.append(
            f"threshold heart rate {limits.threshold_hr:.0f} bpm "
            f"({limits.origin['threshold_hr']}; rest {limits.rest_hr:.0f}, max {limits.max_hr:.0f})"
        )
    if math.isfinite(limits.threshold_speed_mps):
        pace = round(1000.0 / limits.threshold_speed_mps * km_per_unit(units))
        parts.append(
            f"threshold pace {pace // 60}:{pace % 60:02d}/{units} "
            f"({limits.origin['threshold_speed_mps']})"
        )
    if parts:
        lines.append("Int: 1.00 = threshold; " + "; ".join(parts) + ".")
    return lines


def _risk_legend(analysis: Analysis) -> list[str]:
    """What the risk marks mean (only when the weeks carry them)."""
    if "risk" not in analysis.weeks.columns:
        return []
    risk = analysis.risk

    def mark(flag: str) -> str:
        return words_for(flag).mark

    return [
        f"HIGH/elev: the week's overuse risk (docs/metrics.md). {mark('session_spike')}: "
        f"{words_for('session_spike').what}. {mark('acwr')}: the week's {risk.load} above "
        f"{risk.acwr_limit:g} × the mean of the 3 weeks before. {mark('monotony')}: monotony "
        f"above {risk.monotony_limit:g} (days too alike).",
        f"{note_mark('low_load')}: ACWR below 0.8. {note_mark('low_strength')}: fewer than "
        f"{risk.strength_target} strength sessions. {note_mark('shoe_wear')}: a shoe past its "
        "limit.",
    ]
