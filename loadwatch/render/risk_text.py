"""The overuse-risk part of the report: JSON fields, CSV columns and the newest-week summary.

Pure functions used by :mod:`loadwatch.render.report`. JSON numbers follow its rules: rounded, and
``null`` where a value is unknown or not finite (an unbounded monotony is ``null`` with the
``monotony`` flag; see ``docs/metrics.md``).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from loadwatch.metrics.advice import advise
from loadwatch.metrics.risk import LOAD_UNITS
from loadwatch.model import Analysis
from loadwatch.units import km_per_unit

#: Weekly CSV columns added after the 10%-rule ones.
RISK_CSV_FIELDS: tuple[str, ...] = (
    "load",
    "acwr",
    "acwr_ewma",
    "monotony",
    "strain",
    "max_spike",
    "max_spike_ratio",
    "strength_sessions",
    "risk",
)
#: Short names of the risk levels in the table (low is not shown).
RISK_LABELS: dict[str, tuple[str, str]] = {"high": ("HIGH", "flag"), "elevated": ("elev", "note")}


def _number(value: Any, digits: int) -> float | int | None:
    """A JSON-safe rounded number: ``None`` for NaN, infinity or None; ints stay ints."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    return round(number, digits) + 0.0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def week_fields(row: pd.Series) -> dict[str, Any]:
    """The risk fields of one week of the JSON report (empty without the risk columns)."""
    if "risk" not in row.index:
        return {}
    advice = row.get("advice", ())
    return {
        "load": _number(row["load"], 1),
        "acwr": _number(row["acwr"], 3),
        "acwr_ewma": _number(row["acwr_ewma"], 3),
        "monotony": _number(row["monotony"], 3),
        "strain": _number(row["strain"], 1),
        "max_spike": _text(row["max_spike"]),
        "max_spike_ratio": _number(row["max_spike_ratio"], 3),
        "strength_sessions": int(row["strength_sessions"]),
        "risk": _text(row["risk"]),
        "advice": list(advice) if isinstance(advice, tuple | list) else [],
    }


def activity_fields(row: pd.Series) -> dict[str, Any]:
    """The load, spike and gear fields of one activity of the JSON report."""
    fields: dict[str, Any] = {}
    if "load" in row.index:
        fields["load"] = _number(row["load"], 1)
        fields["load_source"] = _text(row.get("load_source"))
        fields["trimp"] = _number(row.get("trimp"), 1)
    if "spike_ratio" in row.index:
        fields["spike_ratio"] = _number(row["spike_ratio"], 3)
        fields["spike"] = _text(row["spike"])
    if "gear" in row.index:
        fields["gear"] = _text(row["gear"])
        fields["shoe_km"] = _number(row.get("shoe_km"), 1)
    return fields


def report_fields(analysis: Analysis) -> dict[str, Any]:
    """Top-level keys: the risk settings used and each shoe's distance."""
    risk = analysis.risk
    return {
        "risk_settings": {
            "load_basis": risk.load,
            "load_unit": LOAD_UNITS[risk.load],
            "acwr_limit": risk.acwr_limit,
            "monotony_limit": risk.monotony_limit,
            "strength_target": risk.strength_target,
        },
        "shoes": [
            {
                "name": shoe.name,
                "runs": shoe.runs,
                "distance_km": _number(shoe.distance_km, 1),
                "limit_km": _number(shoe.limit_km, 1),
                "worn": shoe.worn,
                "first_run": shoe.first_run.isoformat(),
                "last_run": shoe.last_run.isoformat(),
            }
            for shoe in analysis.shoes
        ],
    }


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
