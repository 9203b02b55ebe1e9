"""A week's risk level from the evidence: what each signal weighs, and the reasons it gives.

The table, its sources and their critique are in ``docs/metrics.md`` ("Risk level"). In short,
a single-run spike is the one signal that can make a week ``high`` (a ``large`` one; Frandsen et
al. 2025), every other signal (a spike of another class, the 10% rule's flags, ACWR, monotony)
makes it at most ``elevated``, and several weekly signals together are still ``elevated``.

Also here: :func:`decisive`, a ratio printed with the digits that show which side of a class
edge or a limit it is on (1.3006 reads ``1.301``, above the 1.30 that ends ``small``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from loadwatch.metrics.weekly import LIMIT_TOLERANCE
from loadwatch.vocab import Flag, RiskLevel, RiskReason

#: The level a week's largest spike class sets on its own.
SPIKE_LEVELS: dict[str, RiskLevel] = {
    "small": RiskLevel.ELEVATED,
    "moderate": RiskLevel.ELEVATED,
    "large": RiskLevel.HIGH,
}
#: The most a spike measured against a short history (``spike_basis`` ``short_history``) makes
#: a week, whatever its class: a convention (see ``docs/metrics.md``, "Risk level").
SHORT_HISTORY_MOST = RiskLevel.ELEVATED
#: The weekly flags, each at most ``elevated``, alone or together (in the reasons' order).
WEEKLY_SIGNALS: tuple[Flag, ...] = (
    Flag.DISTANCE,
    Flag.INTENSITY,
    Flag.FREQUENCY,
    Flag.ACWR,
    Flag.MONOTONY,
)
_RANK = {level: rank for rank, level in enumerate(RiskLevel)}
#: The most decimals :func:`decisive` prints.
_MOST_PLACES = 9


def assess(
    flags: Iterable[str], max_spike: str | None, *, solid_spike: str | bool | None = True
) -> tuple[RiskLevel, tuple[RiskReason, ...]]:
    """A week's risk level and the reasons that set it, from its flags and largest spike class.

    The level is the highest any one signal reaches (see :data:`SPIKE_LEVELS`; each weekly flag
    reaches ``elevated``); the reasons are the signals that reach it, spike first. A week with
    none is ``low``, with no reasons. Notes never count.

    Args:
        flags: The week's flags (``session_spike`` itself is read from ``max_spike``).
        max_spike: The largest spike class of the week's runs, or ``None``.
        solid_spike: The largest class among the week's spikes measured against a history of
            30 days or more (``None`` for none); ``True`` (the default) when every spike was.
            A spike on a short history (a new runner's first month) weighs at most
            :data:`SHORT_HISTORY_MOST`: its reference is only the longest run of a few days of
            records, not what the runner is used to.

    Returns:
        The level, and its reasons (:class:`loadwatch.vocab.RiskReason`).
    """
    raised = set(flags)
    signals: list[tuple[RiskReason, RiskLevel]] = []
    if max_spike in SPIKE_LEVELS:
        weight = SPIKE_LEVELS[max_spike]
        if solid_spike is not True:
            short = min(weight, SHORT_HISTORY_MOST, key=_RANK.__getitem__)
            solid = SPIKE_LEVELS.get(solid_spike, RiskLevel.LOW) if solid_spike else RiskLevel.LOW
            weight = max(short, solid, key=_RANK.__getitem__)
        signals.append((RiskReason(f"{Flag.SESSION_SPIKE}:{max_spike}"), weight))
    signals += [(RiskReason(flag), RiskLevel.ELEVATED) for flag in WEEKLY_SIGNALS if flag in raised]
    if not signals:
        return RiskLevel.LOW, ()
    level = max((lvl for _, lvl in signals), key=_RANK.__getitem__)
    return level, tuple(reason for reason, lvl in signals if lvl is level)


#: Pain logged in a week (its ``pain_max``, 0-10) and the level it sets on its own, highest
#: first: the pain-monitoring model's edges (Silbernagel et al. 2007: above 5 stop, 4-5 a
#: warning, up to 3 acceptable).
PAIN_LEVELS: tuple[tuple[float, RiskLevel, RiskReason], ...] = (
    (6.0, RiskLevel.HIGH, RiskReason.PAIN_STOP),
    (4.0, RiskLevel.ELEVATED, RiskReason.PAIN_WARNING),
)


def with_pain_levels(weeks: pd.DataFrame) -> pd.DataFrame:
    """``weeks`` with each week's risk raised by the pain its body log holds (``pain_max``).

    Pain is the other signal besides a large spike that can make a week ``high``: the runner
    said it hurt. It adds its reason as any signal does: alone when it sets a higher level,
    beside the others when it reaches the same. Weeks without a log are left as they are.
    """
    if "pain_max" not in weeks.columns or "risk" not in weeks.columns:
        return weeks
    out = weeks.copy()
    levels, reasons = list(out["risk"]), list(out["risk_reasons"])
    for k, pain in enumerate(out["pain_max"].astype("float64")):
        signal = next(((lvl, why) for edge, lvl, why in PAIN_LEVELS if pain >= edge), None)
        if signal is None:
            continue
        level, why = signal
        now = RiskLevel(levels[k])
        if _RANK[level] > _RANK[now]:
            levels[k], reasons[k] = level, (why,)
        elif level is now:
            reasons[k] = (*reasons[k], why)
    out["risk"], out["risk_reasons"] = levels, reasons
    return out


def risk_level(flags: Iterable[str], max_spike: str | None) -> RiskLevel:
    """``high``, ``elevated`` or ``low``: the level of :func:`assess`."""
    return assess(flags, max_spike)[0]


def distance_fell(weeks: pd.DataFrame) -> list[bool]:
    """Whether each week ran less than the last earlier week with runs (empty weeks skipped).

    Such a week's ACWR is never flagged: after a week without runs, a week 9% below the one
    before that has a high ratio only because the empty week lowered its chronic load.

    Args:
        weeks: Weekly frame with ``distance_km`` and ``runs``.
    """
    distance = weeks["distance_km"].astype("float64")
    before = distance.where(weeks["runs"] > 0).shift(1).ffill()
    fell = distance < before - LIMIT_TOLERANCE
    return [bool(value) for value in fell]


def coupled_equivalent(limit: float, weeks: int) -> float:
    """The coupled ACWR (the week inside its own chronic mean) an uncoupled ``limit`` equals.

    With ``weeks`` chronic weeks, coupled = (weeks + 1) x uncoupled / (uncoupled + weeks): the
    default limit 1.5 over 3 weeks is a coupled 1.33, below the coupled 1.5 of Gabbett 2016.
    """
    return (weeks + 1) * limit / (limit + weeks)


def decisive(value: float, edges: Iterable[float], *, places: int = 2) -> str:
    """``value`` with ``places`` decimals, or more where fewer would misplace it at an edge.

    The printed figure is on the same side of each edge as ``value`` (above, at, or below it,
    within the limits' tolerance), so that it decides a class or a limit as the value did:
    against 1.30, 1.3006 prints ``1.301`` (a class that starts above 1.30), 1.3000 ``1.30``,
    and 1.2996 ``1.2996``.

    Args:
        value: The ratio (NaN and infinity print as Python writes them).
        edges: The class edges or limits that decide what ``value`` means.
        places: The decimals wanted when they do not mislead.
    """
    limits = tuple(edges)
    text = f"{value:.{places}f}"
    if not math.isfinite(value):
        return text
    for shown_places in range(places, _MOST_PLACES + 1):
        text = f"{value:.{shown_places}f}"
        shown = float(text)
        if all(_side(shown, edge) == _side(value, edge) for edge in limits):
            return text
    return text


def _side(value: float, edge: float) -> int:
    """1 above ``edge``, -1 below, 0 at it (within :data:`LIMIT_TOLERANCE`)."""
    return int(value > edge + LIMIT_TOLERANCE) - int(value < edge - LIMIT_TOLERANCE)
