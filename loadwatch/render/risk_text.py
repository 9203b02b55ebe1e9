"""The overuse-risk part of the report in words: the newest week's figures and its advice.

Pure functions used by :mod:`loadwatch.render.table` and :mod:`loadwatch.nightly.outputs`. The
risk fields of the JSON and CSV come from the field schema (:mod:`loadwatch.fields`) like the
others.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from loadwatch.metrics.advice import advise
from loadwatch.metrics.risk import LOAD_UNITS
from loadwatch.model import Analysis
from loadwatch.units import km_per_unit

#: Short names of the risk levels in the table (low is not shown).
RISK_LABELS: dict[str, tuple[str, str]] = {"high": ("HIGH", "flag"), "elevated": ("elev", "note")}


def newest_week_lines(analysis: Analysis, *, units: str, width: int) -> list[str]:
    """The newest week's risk figures and advice, wrapped to ``width`` columns."""
    weeks = analysis.weeks
    if weeks.empty or "risk" not in weeks.columns:
        return []
    row = weeks.iloc[-1]
    monday = pd.Timestamp(weeks.index[-1]).date().isoformat()
    risk = analysis.risk
    basis = units if risk.load == "distance" else LOAD_UNITS[risk.load]
    factor = 1.0 / km_per_unit(units) if risk.load == "distance" else 1.0
    monotony = row["monotony"]
    said_monotony = (
        "unbounded" if math.isinf(monotony) else "–" if math.isnan(monotony) else f"{monotony:.2f}"
    )
    facts = [
        f"Week of {monday}: {row['risk']} risk.",
        f"ACWR {_ratio(row['acwr'])} (EWMA {_ratio(row['acwr_ewma'])}, on {risk.load});",
        f"monotony {said_monotony}, strain {_load(row['strain'] * factor)} {basis};",
        f"load {_load(row['load'])} TRIMP; {int(row['strength_sessions'])} strength sessions.",
    ]
    lines = textwrap.wrap(" ".join(facts), width=width, subsequent_indent="  ")
    for item in newest_advice(analysis, units=units):
        lines.extend(textwrap.wrap(item, width=width, initial_indent="- ", subsequent_indent="  "))
    return lines


def newest_advice(analysis: Analysis, *, units: str) -> list[str]:
    """The newest week's advice with its distances in ``units``.

    The same sentences as the JSON's ``weeks[-1].advice``, which are always in km; empty when
    the weeks carry no risk columns (and so no advice).
    """
    weeks = analysis.weeks
    if weeks.empty or "risk" not in weeks.columns:
        return []
    return advise(
        weeks,
        analysis.timeline,
        threshold=analysis.threshold,
        settings=analysis.risk,
        units=units,
    )


def _ratio(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "–"


def _load(value: float) -> str:
    if math.isinf(value):
        return "unbounded"
    return f"{value:.0f}" if math.isfinite(value) else "–"
