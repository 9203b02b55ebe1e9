"""Short, specific advice for a week, one line per flag or note, and the red flags always.

Pure functions over the weekly frame of :func:`loadwatch.metrics.risk.risk_weeks` and the timeline.
The
advice follows the physiotherapists' guidance the metrics come from (see ``docs/metrics.md``,
"Advice"); it is not a diagnosis.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from loadwatch.metrics.calendar import DAY_NAMES, in_week
from loadwatch.metrics.levels import coupled_equivalent, decisive
from loadwatch.metrics.risk import ACWR_BAND, ACWR_WEEKS, LOAD_UNITS, SPIKE_CLASSES
from loadwatch.metrics.spikes import reference_words
from loadwatch.model import DEFAULT_SETTINGS, RiskSettings
from loadwatch.units import km_per_unit
from loadwatch.vocab import Flag, LoadBasis, Surface

#: Said every time: when to stop reading charts and see someone.
RED_FLAGS = (
    "See a physiotherapist or doctor if pain is severe, lasts beyond a few weeks (8 at the "
    "most), or spreads to the calf or foot."
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
    row = weeks.iloc[position]
    first_day = pd.Timestamp(weeks.index[position])
    factor = 1.0 / km_per_unit(units)
    flags, notes = tuple(row["flags"]), tuple(row["notes"])
    pct = f"{threshold * 100:g}%"
    lines: list[str] = []

    def dist(km: float) -> str:
        return f"{km * factor:.1f} {units}"

    lines.extend(_rule_advice(weeks, position, threshold, settings, dist))
    if "session_spike" in flags:
        lines.append(_spike_advice(timeline, first_day, dist))
    if "acwr" in flags or "low_load" in notes:
        capped = "distance" in flags and settings.load == "distance"
        lines.append(
            _acwr_advice(weeks, position, settings, factor, units, "acwr" in flags, capped)
        )
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
            "advise strength training 2–3 times a week."
        )
    if "shoe_wear" in notes:
        lines.extend(_shoe_advice(timeline, first_day, factor, units))
    if not flags and not notes:
        lines.append(f"No flags this week: keep building gradually, by at most {pct} a week.")
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
    weeks: pd.DataFrame,
    position: int,
    threshold: float,
    settings: RiskSettings,
    dist: Callable[[float], str],
) -> list[str]:
    """A line for each measure the 10% rule flagged in the week at ``position``."""
    row = weeks.iloc[position]
    flags = tuple(row["flags"])
    pct = f"{threshold * 100:g}%"
    lines: list[str] = []
    acwr_cap = _acwr_cap(weeks, position) if settings.load == LoadBasis.DISTANCE else math.nan
    if Flag.DISTANCE in flags:
        cap = row["distance_km"] * (1 + threshold)
        why = f"this week +{pct}"
        if Flag.ACWR in flags and acwr_cap < cap:
            cap, why = acwr_cap, f"{ACWR_BAND[1]:g} × the mean of the last {ACWR_WEEKS} weeks"
        lines.append(
            f"Distance rose {row['distance_change'] * 100:+.0f}% to {dist(row['distance_km'])}. "
            f"Next week, stay at or below {dist(cap)} ({why})."
        )
    if Flag.INTENSITY in flags:
        lines.append(
            f"Intensity rose {row['intensity_change'] * 100:+.0f}% to {row['intensity']:.2f}. "
            f"Keep next week at or below {row['intensity'] * (1 + threshold):.2f}: make most "
            "runs easy."
        )
    if Flag.FREQUENCY in flags:
        before = round(int(row["runs"]) / (1 + row["runs_change"]))
        lines.append(
            f"You ran {int(row['runs'])} times, up from {before}. Stay at {int(row['runs'])} "
            "runs next week rather than adding another."
        )
    return lines


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
    return f"{DAY_NAMES[when.day_of_week][:3]} {when.day} {_MONTHS[when.month - 1]}"


def _spike_advice(
    timeline: pd.DataFrame, first_day: pd.Timestamp, dist: Callable[[float], str]
) -> str:
    """The week's biggest spike, and the longest run that would have stayed within 10%."""
    runs = timeline[in_week(timeline["start"], first_day) & timeline["spike_ratio"].notna()]
    top = runs.iloc[int(runs["spike_ratio"].to_numpy().argmax())]
    ref = float(top["spike_ref_km"])
    return (
        f"Your {dist(top['distance_km'])} run on {_day(pd.Timestamp(top['start']))} was "
        f"{decisive(float(top['spike_ratio']), [edge for _, edge in SPIKE_CLASSES])} × "
        f"{reference_words(top, dist)}: "
        f"a {top['spike']} spike. Keep single runs to {dist(ref * 1.10)} or less (that longest "
        "+10%) and lengthen them step by step."
    )


def _acwr_cap(weeks: pd.DataFrame, position: int) -> float:
    """The most next week can carry and keep its ACWR within the band: 1.3 x the last 3 weeks."""
    return _chronic_next(weeks, position) * ACWR_BAND[1]


def _chronic_next(weeks: pd.DataFrame, position: int) -> float:
    """Next week's chronic load: the mean of this week and the ACWR_WEEKS - 1 before it."""
    end = len(weeks) + position + 1 if position < 0 else position + 1
    recent = weeks["basis_load"].iloc[max(0, end - ACWR_WEEKS) : end]
    return float(recent.mean()) if len(recent) == ACWR_WEEKS else math.nan


def _acwr_advice(
    weeks: pd.DataFrame,
    position: int,
    settings: RiskSettings,
    factor: float,
    units: str,
    high: bool,
    capped: bool,
) -> str:
    """The ratio, and next week's load that would bring it back into the 0.8-1.3 band.

    ``capped``: the distance line already gives next week's cap, which keeps the ratio in band.
    """
    row = weeks.iloc[position]
    chronic = _chronic_next(weeks, position)
    low, top = ACWR_BAND
    if settings.load == "distance":
        unit = units
        scale = factor
    else:
        unit, scale = LOAD_UNITS[settings.load], 1.0
    limit = settings.acwr_limit
    acwr = decisive(float(row["acwr"]), [low, limit])
    said = f"This week's load was {acwr} × the mean of the {ACWR_WEEKS} weeks before"
    above = (
        f"(ACWR above {limit:g}, a coupled ratio above "
        f"{coupled_equivalent(limit, ACWR_WEEKS):.2f}; a disputed measure: a sign to look at, "
        "not a cause)"
    )
    if high and capped:
        return (
            f"{said} {above}. The distance cap above also keeps next week's ratio at or below "
            f"{top:g}."
        )
    if high:
        return (
            f"{said} {above}. To come back into {low:g}–{top:g}, keep next week at or below "
            f"{chronic * top * scale:.1f} {unit}."
        )
    return (
        f"{said} (below {low:g}): fine as a planned easier week. When you build up again, "
        f"{chronic * low * scale:.1f}–{chronic * top * scale:.1f} {unit} keeps next week in "
        f"{low:g}–{top:g}."
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
