"""The overuse-risk part of the report in words: the newest week's figures and its advice.

Pure functions used by :mod:`loadwatch.render.table` and :mod:`loadwatch.nightly.outputs`. The
risk fields of the JSON and CSV come from the field schema (:mod:`loadwatch.fields`) like the
others.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import pandas as pd

from loadwatch.metrics.advice import advise
from loadwatch.metrics.levels import coupled_equivalent, decisive
from loadwatch.metrics.redflags import body_words
from loadwatch.metrics.risk import ACWR_WEEKS, LOAD_UNITS
from loadwatch.model import Analysis
from loadwatch.render.flags import note_mark, words_for
from loadwatch.units import km_per_unit
from loadwatch.vocab import REASON_WORDS

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
        "unbounded"
        if math.isinf(monotony)
        else "–"
        if math.isnan(monotony)
        else decisive(monotony, [risk.monotony_limit])
    )
    acwr, ewma = _ratio(row["acwr"], risk.acwr_limit), _ratio(row["acwr_ewma"], risk.acwr_limit)
    sessions = int(row["strength_sessions"])
    facts = [
        f"Week of {monday}: {row['risk']} risk{reasons_text(row.get('risk_reasons', ()))}.",
        f"ACWR {acwr} (EWMA {ewma}, on {risk.load}; disputed);",
        f"monotony {said_monotony}, strain {_load(row['strain'] * factor)} {basis};",
        f"load {_load(row['load'])} TRIMP; {sessions} strength session"
        f"{'' if sessions == 1 else 's'}.",
    ]
    lines = textwrap.wrap(" ".join(facts), width=width, subsequent_indent="  ")
    for item in newest_advice(analysis, units=units):
        lines.extend(textwrap.wrap(item, width=width, initial_indent="- ", subsequent_indent="  "))
    return lines


def risk_legend(analysis: Analysis) -> list[str]:
    """What the risk marks of the table mean (only when the weeks carry them)."""
    if "risk" not in analysis.weeks.columns:
        return []
    risk = analysis.risk

    def mark(flag: str) -> str:
        return words_for(flag).mark

    coupled = coupled_equivalent(risk.acwr_limit, ACWR_WEEKS)
    return [
        f"HIGH/elev: the week's overuse risk (docs/metrics.md): HIGH only for a large "
        f"single-run spike or pain above 5/10 in your body log; the weekly measures, alone or "
        f"together, elev at most. "
        f"{mark('session_spike')}: {words_for('session_spike').what}. {mark('acwr')} "
        f"(disputed): the week's {risk.load} above {risk.acwr_limit:g} × the mean of the "
        f"{ACWR_WEEKS} weeks before (uncoupled; a coupled {coupled:.2f}). {mark('monotony')} "
        f"(disputed): monotony above {risk.monotony_limit:g} (days too alike).",
        f"{note_mark('low_load')}: ACWR below 0.8. {note_mark('low_strength')}: fewer than "
        f"{risk.strength_target} strength sessions. {note_mark('shoe_wear')}: a shoe past its "
        "limit.",
    ]


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
