"""The answer, said first: the newest week, its risk in words, next week's budget, the advice.

What a runner came for, in at most :data:`ANSWER_LINES` lines at the top of
``loadwatch analyze``'s output (and alone with ``-q``): the body log's red flags, the newest
week (this week so far and what is left, when it is in progress; a stale folder said as such),
its risk level and what set it, then the advice, whose last lines are next week's budget and
when to see someone. Advice that does not fit is said after the weeks
(:attr:`Answer.more`), never dropped.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from loadwatch.model import Analysis
from loadwatch.render.data import report_head
from loadwatch.render.flags import red_flag_sentences
from loadwatch.render.progress import status_sentences
from loadwatch.render.risk_text import newest_advice, reasons_text
from loadwatch.render.wrap import wrapped
from loadwatch.units import km_per_unit
from loadwatch.vocab import RISK_WORDS, day_words, plural

#: The most lines the answer takes before the weeks.
ANSWER_LINES = 12


@dataclasses.dataclass(frozen=True)
class Answer:
    """The answer in lines: what comes first, and the advice left for after the weeks.

    Attributes:
        first: At most :data:`ANSWER_LINES` lines.
        more: Advice lines that did not fit in ``first``.
    """

    first: tuple[str, ...]
    more: tuple[str, ...]


def answer(analysis: Analysis, *, units: str = "km", width: int = 80) -> Answer:
    """The newest week's answer, wrapped to ``width`` columns.

    Args:
        analysis: What to answer from.
        units: ``"km"`` or ``"mi"`` for distances.
        width: The most columns a line takes.
    """
    weeks = analysis.weeks
    if weeks.empty:
        return Answer(("No runs found: nothing to say about your weeks yet.",), ())
    report = report_head(analysis)
    lines: list[str] = []
    for sentence in red_flag_sentences(report):
        lines.extend(wrapped(sentence, width))
    for sentence in [*status_sentences(report, units), headline(analysis, units=units)]:
        lines.extend(wrapped(sentence, width))
    advice = [wrapped(item, width, first="- ") for item in newest_advice(analysis, units=units)]
    more: list[str] = []
    for item in advice:
        if more or len(lines) + len(item) > ANSWER_LINES:
            more.extend(item)
        else:
            lines.extend(item)
    return Answer(tuple(lines), tuple(more))


def headline(analysis: Analysis, *, units: str = "km") -> str:
    """The newest week in a sentence: ``Week of 14 Sep 2026: 4 runs, 29.5 km in 2:54; low
    risk.``, with the reasons of a higher risk (``elevated risk, from the distance rise``)."""
    weeks = analysis.weeks
    row = weeks.iloc[-1]
    monday = pd.Timestamp(weeks.index[-1]).date()
    complete = bool(row.get("complete", True))
    name = f"Week of {day_words(monday)}" if complete else "This week"
    if analysis.status == "stale":
        name = f"The last week with runs, of {day_words(monday)}"
    km = float(row["distance_km"]) / km_per_unit(units)
    said = f"{name}: {plural(int(row['runs']), 'run')}, {km:.1f} {units} in {_clock(row)}"
    risk = row.get("risk")
    if isinstance(risk, str):
        said += f"; {RISK_WORDS.get(risk, risk)}{reasons_text(row.get('risk_reasons', ()))}"
        said += " so far" if not complete else ""
    return said + "."


def _clock(row: pd.Series) -> str:
    """The week's timer time as h:mm."""
    seconds = float(row["duration_s"])
    minutes = round(seconds / 60.0) if math.isfinite(seconds) else 0
    return f"{minutes // 60}:{minutes % 60:02d}"
