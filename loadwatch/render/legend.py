"""The legend under the weekly table: only the marks the table shows, each said once.

Every mark has a code (a flag's or a note's own, ``risk`` for the risk levels, ``columns``
for the headers, and the intensity scale's line itself, so that a changed threshold is said
again); :func:`marks_shown` gives the codes of a table's rows and :func:`legend_lines` the
legend of any of them. Which codes a runner has already been shown is the command line's to
remember (:mod:`loadwatch.settings.seen`): this module reads nothing.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable

import pandas as pd

from loadwatch.metrics.levels import coupled_equivalent
from loadwatch.metrics.risk import ACWR_WEEKS
from loadwatch.metrics.weekly import RULE_MEASURES
from loadwatch.model import Analysis
from loadwatch.render.flags import note_mark, words_for
from loadwatch.render.wrap import wrapped
from loadwatch.units import km_per_unit
from loadwatch.vocab import NOT_MEASURED, SET_THRESHOLDS_HINT, Flag, Note

#: The code of the risk levels' marks, and of the columns' headers.
RISK, COLUMNS = "risk", "columns"
#: Where every mark is defined, with its source and its critique.
SEE_DOCS = "Each mark is defined, with its source, in `loadwatch docs metrics`."


def marks_shown(weeks: pd.DataFrame) -> list[str]:
    """The codes of the marks ``weeks`` (the rows a table shows) carry, in legend order."""
    found: set[str] = set()
    for _, row in weeks.iterrows():
        if row.get("risk") in ("high", "elevated"):
            found.add(RISK)
        found.update(str(flag) for flag in row.get("flags", ()))
        found.update(str(note) for note in row.get("notes", ()))
    order = [RISK, *Flag, *Note]
    return [code for code in order if code in found] + sorted(found - set(order))


def intensity_line(analysis: Analysis, units: str) -> str:
    """What the Int column's 1.00 is: the threshold heart rate or pace, and where each came
    from; with how to set them when one is a guess or a default ("" without any)."""
    limits = analysis.thresholds
    origin = limits.origin
    parts = []
    if math.isfinite(limits.threshold_hr):
        own = origin["threshold_hr"]
        rest = f"rest {limits.rest_hr:.0f}{_unless(origin['rest_hr'], own)}"
        top = f"max {limits.max_hr:.0f}{_unless(origin['max_hr'], own)}"
        parts.append(f"threshold heart rate {limits.threshold_hr:.0f} bpm ({own}; {rest}, {top})")
    if math.isfinite(limits.threshold_speed_mps):
        pace = round(1000.0 / limits.threshold_speed_mps * km_per_unit(units))
        parts.append(
            f"threshold pace {pace // 60}:{pace % 60:02d}/{units} ({origin['threshold_speed_mps']})"
        )
    if not parts:
        return ""
    if NOT_MEASURED.intersection(origin.values()):
        parts[-1] += f". Guesses and defaults: {SET_THRESHOLDS_HINT}"
    return "Int: 1.00 = threshold; " + "; ".join(parts) + "."


def legend_lines(
    analysis: Analysis, codes: Collection[str], *, units: str = "km", width: int = 80
) -> list[str]:
    """The legend of the marks ``codes`` names (and of the columns, with ``columns``; of the
    intensity scale, with :func:`intensity_line`'s own text), wrapped to ``width``; empty for
    none."""
    said = [text for code, text in _entries(analysis, units) if code in codes]
    if not said:
        return []
    lines: list[str] = []
    for text in [*said, SEE_DOCS]:
        lines.extend(wrapped(text, width))
    return lines


def _entries(analysis: Analysis, units: str) -> Iterable[tuple[str, str]]:
    """Each code and its legend's sentence, in the legend's order."""
    risk = analysis.risk
    pct = f"{analysis.threshold * 100:g}%"
    yield (
        RISK,
        "HIGH, elev: the week's overuse risk: HIGH only for a large single-run spike or pain "
        "above 5/10 in your body log; the weekly measures, alone or together, elev at most.",
    )
    for flag in RULE_MEASURES:
        yield flag, f"{words_for(flag).mark}: {words_for(flag).what} grew more than {pct}."
    yield Flag.SESSION_SPIKE, f"SPIKE: {words_for(Flag.SESSION_SPIKE).what}."
    coupled = coupled_equivalent(risk.acwr_limit, ACWR_WEEKS)
    yield (
        Flag.ACWR,
        f"ACWR (disputed): the week's {risk.load} above {risk.acwr_limit:g} × the mean of the "
        f"{ACWR_WEEKS} weeks before (uncoupled; a coupled {coupled:.2f}).",
    )
    yield Flag.MONOTONY, f"MONO (disputed): monotony above {risk.monotony_limit:g} (days alike)."
    yield (
        Note.HARD_SURFACE,
        f"{note_mark(Note.HARD_SURFACE)}: 90% or more of the week's known-surface distance on "
        "road; mix in trail or track.",
    )
    yield Note.LOW_LOAD, f"{note_mark(Note.LOW_LOAD)}: a much lighter week (ACWR below 0.8)."
    yield (
        Note.LOW_STRENGTH,
        f"{note_mark(Note.LOW_STRENGTH)}: fewer than {risk.strength_target} strength sessions.",
    )
    yield Note.SHOE_WEAR, f"{note_mark(Note.SHOE_WEAR)}: a shoe past its distance limit."
    yield (
        COLUMNS,
        f"Δ: change from the previous week. Time: h:mm timer time. Hard: minutes at or above "
        f"threshold. Distances in {units}.",
    )
    line = intensity_line(analysis, units)
    if line:
        yield line, line


def _unless(origin: str, same: str) -> str:
    """`` default`` (a number's origin) after it, unless it is the threshold's own."""
    return "" if origin == same else f" {origin}"
