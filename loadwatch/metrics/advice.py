"""Short, specific advice for a week, one line per flag or note, and the red flags always.

Pure functions over the weekly frame of :func:`loadwatch.metrics.risk.risk_weeks` and the timeline.
The advice follows the physiotherapists' guidance the metrics come from (see ``docs/metrics.md``,
"Advice"); it is not a diagnosis. Every figure for next week comes from one budget
(:mod:`loadwatch.metrics.budget`), so that no two sentences disagree, and a week in progress is
said as what it holds so far (:func:`so_far_words`, also the table's, page's and ``--notify``'s).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from loadwatch.metrics.budget import NextWeek, budget_of, chronic_next, next_week
from loadwatch.metrics.calendar import DAY_NAMES, in_week
from loadwatch.metrics.levels import coupled_equivalent, decisive
from loadwatch.metrics.risk import ACWR_BAND, ACWR_WEEKS, LOAD_UNITS, SPIKE_CLASSES
from loadwatch.metrics.spikes import reference_words
from loadwatch.model import DEFAULT_SETTINGS, RiskSettings
from loadwatch.units import km_per_unit
from loadwatch.vocab import (
    BUDGET_WORDS,
    MONTH_NAMES,
    BudgetRule,
    Flag,
    LoadBasis,
    NextWeekPart,
    Surface,
)

#: Said every time: when to stop reading charts and see someone.
RED_FLAGS = (
    "See a physiotherapist or doctor if pain is severe, lasts beyond a few weeks (8 at the "
    "most), or spreads to the calf or foot."
)


def advise(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    *,
    position: int = -1,
    threshold: float = 0.10,
    settings: RiskSettings = DEFAULT_SETTINGS,
    units: str = "km",
) -> list[str]:
    """Advice for one week (the newest by default): a line per flag and note, then red flags.

    Every figure for next week comes from one budget (:func:`loadwatch.metrics.budget.next_week`,
    the row's own when :func:`~loadwatch.metrics.budget.with_budget` stored it), so that no two
    sentences disagree. A week in progress is said as such: what it holds so far and what is
    left, never "no flags this week".

    Args:
        weeks: Weekly frame with the risk columns (:func:`loadwatch.metrics.risk.risk_weeks`).
        timeline: The activities, with spike columns and, if known, ``gear`` and ``shoe_km``.
        position: Which week (row position; ``-1`` is the newest).
        threshold: The week-on-week growth the 10% rule allows.
        settings: The risk settings the weeks were computed with.
        units: ``"km"`` or ``"mi"`` for the distances in the text.

    Returns:
        Short sentences; empty when there are no weeks.
    """
    if weeks.empty:
        return []
    end = len(weeks) + position + 1 if position < 0 else position + 1
    row = weeks.iloc[end - 1]
    first_day = pd.Timestamp(weeks.index[end - 1])
    factor = 1.0 / km_per_unit(units)
    budget = budget_of(row) or next_week(
        weeks.iloc[:end], timeline, threshold=threshold, settings=settings
    )
    flags, notes = tuple(row["flags"]), tuple(row["notes"])
    complete = bool(row.get("complete", True))
    lines: list[str] = []

    def dist(km: float) -> str:
        return f"{km * factor:.1f} {units}"

    if not complete:
        lines.append(so_far_words(row.to_dict(), threshold, dist))
    lines.extend(_rule_advice(row, budget, threshold, dist))
    if "session_spike" in flags:
        lines.append(_spike_advice(timeline, first_day, dist, budget, threshold))
    if "acwr" in flags or "low_load" in notes:
        lines.append(_acwr_advice(weeks.iloc[:end], settings, budget))
    if "monotony" in flags:
        value = row["monotony"]
        limit = settings.monotony_limit
        said = (
            "unbounded: every day carried the same load"
            if math.isinf(value)
            else decisive(value, [limit], places=1)
        )
        lines.append(
            f"Your days were much alike (monotony {said}; above {limit:g}; a disputed measure). "
            "Vary them: easy days between harder ones, and at least one rest day."
        )
    if "hard_surface" in notes:
        lines.append(_hard_surface_advice(row))
    if "low_strength" in notes:
        count = int(row["strength_sessions"])
        lines.append(
            f"{count} strength session{'s' if count != 1 else ''} this week: physiotherapists "
            "advise strength training 2–3 times a week (log one your watch did not record with "
            "`loadwatch log strength --minutes 30`)."
        )
    if "shoe_wear" in notes:
        lines.extend(_shoe_advice(timeline, first_day, factor, units))
    lines.append(budget_words(budget, threshold, dist, quiet=complete and not flags and not notes))
    lines.append(RED_FLAGS)
    return lines


def _hard_surface_advice(row: pd.Series) -> str:
    """The hard_surface note's line, saying how much of the week's surface is unknown, if any."""
    total = sum(float(row[f"surface_km_{surface}"]) for surface in Surface)
    unknown = float(row["surface_km_unknown"]) / total if total > 0 else 0.0
    if round(unknown * 100) < 1:
        return "Nearly all of this week's running was on road: mix in trail or track runs."
    return (
        f"Nearly all of this week's running on known surfaces was on road ({unknown:.0%} was on "
        "surfaces not known): mix in trail or track runs."
    )


def _rule_advice(
    row: pd.Series, budget: NextWeek, threshold: float, dist: Callable[[float], str]
) -> list[str]:
    """A line for each measure the 10% rule flagged, with next week's figure from ``budget``."""
    flags = tuple(row["flags"])
    complete = bool(row.get("complete", True))
    so_far = "" if complete else " so far"
    lines: list[str] = []
    if Flag.DISTANCE in flags:
        change = f"{row['distance_change'] * 100:+.0f}%"
        said = f"Distance{so_far} rose {change} to {dist(row['distance_km'])}"
        if complete and budget.max_km is not None:
            why = _why(budget, NextWeekPart.MAX_KM, threshold)
            said += f". Next week, stay at or below {dist(budget.max_km)} ({why})"
        lines.append(f"{said}.")
    if Flag.INTENSITY in flags:
        lines.append(
            f"Intensity rose {row['intensity_change'] * 100:+.0f}% to {row['intensity']:.2f}. "
            "Do not raise it again next week: make most runs easy."
        )
    if Flag.FREQUENCY in flags:
        before = round(int(row["runs"]) / (1 + row["runs_change"]))
        said = f"You ran {int(row['runs'])} times{so_far}, up from {before}"
        if complete and budget.max_runs is not None:
            why = _why(budget, NextWeekPart.MAX_RUNS, threshold)
            said += f". Next week, at most {budget.max_runs} runs ({why}, rounded down)"
        lines.append(f"{said}.")
    return lines


def _why(budget: NextWeek, part: NextWeekPart, threshold: float) -> str:
    """The words of the rules that set ``part`` of ``budget``."""
    pct = f"{threshold * 100:g}%"
    return " and ".join(BUDGET_WORDS[rule].format(pct=pct) for rule in budget.rules(part))


def budget_words(
    budget: NextWeek, threshold: float, dist: Callable[[float], str], *, quiet: bool = False
) -> str:
    """Next week's budget in one sentence; ``quiet``: a complete week without flags or notes."""
    parts = []
    if budget.max_km is not None:
        parts.append(
            f"up to {dist(budget.max_km)} ({_why(budget, NextWeekPart.MAX_KM, threshold)})"
        )
    if budget.max_runs is not None:
        runs = budget.max_runs
        parts.append(
            f"at most {runs} run{'' if runs == 1 else 's'} "
            f"({_why(budget, NextWeekPart.MAX_RUNS, threshold)}, rounded down)"
        )
    if budget.longest_run_km is not None:
        parts.append(
            f"single runs up to {dist(budget.longest_run_km)} "
            f"({_why(budget, NextWeekPart.LONGEST_RUN_KM, threshold)})"
        )
    lead = "No flags this week: keep building gradually. " if quiet else ""
    if BudgetRule.WEEK_IN_PROGRESS in budget.rules(NextWeekPart.MAX_KM):
        said = "Next week's distance and runs are set when this week is over"
        return f"{lead}{said}" + (f"; meanwhile {parts[-1]}." if parts else ".")
    if not parts:
        return f"{lead}Next week: no budget yet (no runs to grow from)."
    return f"{lead}Next week: {', '.join(parts)}."


def so_far_words(row: Mapping[Any, Any], threshold: float, dist: Callable[[float], str]) -> str:
    """ "This week so far (2 of 7 days): 1 run, 18.5 km; ..." with what the week in progress can
    still add within the rule (``row``: a week's frame row or its JSON record)."""
    runs = int(row.get("runs") or 0)
    km = round(float(row.get("distance_km") or 0.0), 3)
    said = (
        f"This week so far ({row.get('days_elapsed')} of 7 days): "
        f"{runs} run{'' if runs == 1 else 's'}, {dist(km)}"
    )
    room_km, room_runs = _room(row)
    pct = f"{threshold * 100:g}%"
    if room_km is None:
        return f"{said}; no cap yet: the week before had no run."
    if room_km <= 0 or room_runs == 0:
        past = "distance" if room_km <= 0 else "the number of runs"
        return f"{said}; already past the {pct} cap on {past}: rest or keep the rest easy."
    more = dist(room_km)
    if room_runs is not None:
        more += f" in at most {room_runs} more run{'' if room_runs == 1 else 's'}"
    return f"{said}; within the {pct} rule there is room for {more}."


def _room(row: Mapping[Any, Any]) -> tuple[float | None, int | None]:
    """What is left of the week (``remaining`` of a JSON record, or the frame's columns),
    rounded as the JSON has it, so that the frame and the JSON give the same sentence."""
    left = row.get("remaining")
    if isinstance(left, Mapping):
        km, runs = left.get("km"), left.get("runs")
    else:
        km, runs = row.get("remaining_km"), row.get("remaining_runs")
    km = None if km is None or not math.isfinite(float(km)) else round(float(km), 3)
    runs = None if runs is None or not math.isfinite(float(runs)) else int(runs)
    return km, runs


def with_advice(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    *,
    threshold: float = 0.10,
    settings: RiskSettings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """A copy of ``weeks`` with an ``advice`` column: the newest week's advice, ``()`` else."""
    out = weeks.copy()
    advice: list[tuple[str, ...]] = [() for _ in range(len(out))]
    if len(out):
        advice[-1] = tuple(advise(out, timeline, threshold=threshold, settings=settings))
    out["advice"] = advice
    return out


def _day(when: pd.Timestamp) -> str:
    return f"{DAY_NAMES[when.day_of_week][:3]} {when.day} {MONTH_NAMES[when.month - 1]}"


def _spike_advice(
    timeline: pd.DataFrame,
    first_day: pd.Timestamp,
    dist: Callable[[float], str],
    budget: NextWeek,
    threshold: float,
) -> str:
    """The week's biggest spike, and next week's longest run (the budget's, so they agree)."""
    runs = timeline[in_week(timeline["start"], first_day) & timeline["spike_ratio"].notna()]
    top = runs.iloc[int(runs["spike_ratio"].to_numpy().argmax())]
    ref = float(top["spike_ref_km"])
    keep = budget.longest_run_km if budget.longest_run_km is not None else ref * 1.10
    why = _why(budget, NextWeekPart.LONGEST_RUN_KM, threshold) or "that longest +10%"
    return (
        f"Your {dist(top['distance_km'])} run on {_day(pd.Timestamp(top['start']))} was "
        f"{decisive(float(top['spike_ratio']), [edge for _, edge in SPIKE_CLASSES])} × "
        f"{reference_words(top, dist)}: "
        f"a {top['spike']} spike. Keep single runs to {dist(keep)} or less ({why}) "
        "and lengthen them step by step."
    )


def _acwr_advice(weeks: pd.DataFrame, settings: RiskSettings, budget: NextWeek) -> str:
    """The ratio (a disputed measure), and what next week's budget does to it.

    On the distance basis the budget already holds the ACWR's cap (:func:`loadwatch.metrics.
    budget.acwr`); on another basis, the load that would bring the ratio back to 1.3.
    """
    row = weeks.iloc[-1]
    chronic = chronic_next(weeks)
    low, top = ACWR_BAND
    limit = settings.acwr_limit
    acwr = decisive(float(row["acwr"]), [low, limit])
    said = f"This week's load was {acwr} × the mean of the {ACWR_WEEKS} weeks before"
    if Flag.ACWR in tuple(row["flags"]):
        above = (
            f"(ACWR above {limit:g}, a coupled ratio above "
            f"{coupled_equivalent(limit, ACWR_WEEKS):.2f}; a disputed measure: a sign to look "
            "at, not a cause)"
        )
        if settings.load == LoadBasis.DISTANCE:
            return (
                f"{said} {above}. Next week's distance budget keeps the ratio at or below {top:g}."
            )
        unit = LOAD_UNITS[settings.load]
        return (
            f"{said} {above}. To come back to {top:g} or below, keep next week's load at or "
            f"below {chronic * top:.1f} {unit}."
        )
    easier = BudgetRule.EASIER_WEEK in budget.rules(NextWeekPart.MAX_KM)
    return f"{said} (below {low:g}; a disputed measure): a lighter week." + (
        " Next week's budget grows from the weeks before it, not from this one." if easier else ""
    )


def _shoe_advice(
    timeline: pd.DataFrame, first_day: pd.Timestamp, factor: float, units: str
) -> list[str]:
    """One line per shoe of the week that is past its limit."""
    in_it = in_week(timeline["start"], first_day)
    worn = timeline[in_it & (timeline["shoe_km"] > timeline["shoe_limit_km"])]
    lines = []
    for name, group in worn.groupby("gear", sort=False):
        last = group.iloc[-1]
        lines.append(
            f"Your shoes “{name}” have {last['shoe_km'] * factor:.0f} {units}, past their "
            f"{last['shoe_limit_km'] * factor:.0f} {units} limit: physiotherapists list worn-out "
            "shoes among the causes of overuse injuries, so plan a new pair."
        )
    return lines
