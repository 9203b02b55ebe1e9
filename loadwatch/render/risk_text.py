"""The overuse-risk part of the report in words: the newest week's figures and its advice.

Pure functions used by :mod:`loadwatch.render.answer`, :mod:`loadwatch.render.table` and
:mod:`loadwatch.nightly.outputs`. The risk fields of the JSON and CSV come from the field
schema (:mod:`loadwatch.fields`) like the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from loadwatch.metrics.advice import advise
from loadwatch.metrics.levels import decisive
from loadwatch.metrics.redflags import body_words
from loadwatch.metrics.risk import LOAD_UNITS
from loadwatch.model import Analysis
from loadwatch.render.wrap import wrapped
from loadwatch.units import km_per_unit
from loadwatch.vocab import REASON_WORDS, day_words, plural

#: Short names of the risk levels in the table (low is not shown).
RISK_LABELS: dict[str, tuple[str, str]] = {"high": ("HIGH", "flag"), "elevated": ("elev", "note")}


def newest_week_lines(analysis: Analysis, *, units: str, width: int) -> list[str]:
    """The newest week's risk figures, wrapped to ``width`` columns (its risk level and
    advice are the answer's: :mod:`loadwatch.render.answer`)."""
    weeks = analysis.weeks
    if weeks.empty or "risk" not in weeks.columns:
        return []
    row = weeks.iloc[-1]
    monday = day_words(pd.Timestamp(weeks.index[-1]).date())
    risk = analysis.risk
    basis = units if risk.load == "distance" else LOAD_UNITS[risk.load]
    factor = 1.0 / km_per_unit(units) if risk.load == "distance" else 1.0
    monotony = row["monotony"]
    said_monotony = (
        "unbounded"
        if math.isinf(monotony)
        else "–"
        if math.isnan(monotony)
        else decisive(monotony, [risk.monotony_limit])
    )
    acwr, ewma = _ratio(row["acwr"], risk.acwr_limit), _ratio(row["acwr_ewma"], risk.acwr_limit)
    sessions = int(row["strength_sessions"])
    facts = [
        f"Figures of the week of {monday}:",
        f"ACWR {acwr} (EWMA {ewma}, on {risk.load}; disputed);",
        f"monotony {said_monotony}, strain {_load(row['strain'] * factor)} {basis};",
        f"load {_load(row['load'])} TRIMP; {plural(sessions, 'strength session')}.",
    ]
    return wrapped(" ".join(facts), width)


def newest_advice(analysis: Analysis, *, units: str) -> list[str]:
    """The newest week's advice with its distances in ``units``.

    The same sentences as the JSON's ``weeks[-1].advice``, which are always in km, but for a
    week in progress's first line (what it holds so far), which the table, the page and
    ``--notify`` say first (:func:`loadwatch.render.progress.status_sentences`); empty when the
    weeks carry no risk columns (and so no advice).
    """
    weeks = analysis.weeks
    if weeks.empty or "risk" not in weeks.columns:
        return []
    said = advise(
        weeks,
        analysis.timeline,
        threshold=analysis.threshold,
        settings=analysis.risk,
        units=units,
    )
    lines = body_words(
        said,
        weeks,
        analysis.timeline,
        analysis.body,
        as_of=analysis.as_of,
        week_start=analysis.week_start,
    )
    said_first = not bool(weeks["complete"].iloc[-1]) and analysis.status != "stale"
    return lines[1:] if said_first else lines


def reasons_text(reasons: Sequence[str]) -> str:
    """``, from a and b`` for a week's risk reasons in words; ``""`` for none (a low week)."""
    words = [REASON_WORDS.get(r, r.replace("_", " ").replace(":", " ")) for r in reasons]
    if not words:
        return ""
    listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return f", from {listed}"


def _ratio(value: float, limit: float) -> str:
    return decisive(value, [limit]) if math.isfinite(value) else "–"


def _load(value: float) -> str:
    if math.isinf(value):
        return "unbounded"
    return f"{value:.0f}" if math.isfinite(value) else "–"
