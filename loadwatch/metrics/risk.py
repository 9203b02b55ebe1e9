"""Overuse risk beyond the 10% rule: single-run spikes, ACWR, monotony and strain, strength work.

Pure functions over the timeline and the weekly frame of :func:`loadwatch.metrics.weekly.weekly`,
with every threshold an explicit parameter; no I/O. Each measure, its source and its caveats are
in ``docs/metrics.md`` ("Overuse risk"). In short:

- a run's **spike** (:mod:`loadwatch.metrics.spikes`, re-exported here) compares its distance
  with the longest run of the 30 days before it (Frandsen et al. 2025), or before a break;
- a week's **ACWR** is its load over the mean load of the 3 calendar weeks before it, and
  ``acwr_ewma`` the exponentially weighted daily version (Williams et al. 2017);
- **monotony** is a week's mean daily load over its standard deviation, **strain** the week's
  load times its monotony (Foster 1998);
- **risk** is ``low``, ``elevated`` or ``high`` by the evidence-weighted table of
  :mod:`loadwatch.metrics.levels`, with ``risk_reasons``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from loadwatch.fields import WEEK_FIELDS, Frame, columns
from loadwatch.metrics import calendar
from loadwatch.metrics.levels import assess, distance_fell
from loadwatch.metrics.spikes import SPIKE_CLASSES as SPIKE_CLASSES
from loadwatch.metrics.spikes import SPIKE_COLUMNS as SPIKE_COLUMNS
from loadwatch.metrics.spikes import SPIKE_WINDOW_DAYS as SPIKE_WINDOW_DAYS
from loadwatch.metrics.spikes import add_spikes as add_spikes
from loadwatch.metrics.spikes import spike_class as spike_class
from loadwatch.metrics.weekly import LIMIT_TOLERANCE
from loadwatch.model import DEFAULT_SETTINGS, RiskSettings
from loadwatch.settings.checks import LOAD_BASES
from loadwatch.vocab import Flag, Note, RiskLevel, SpikeBasis, Sport, WeekStart

#: Calendar weeks the uncoupled ACWR averages as its chronic load.
ACWR_WEEKS = 3
#: ACWR below which the week gets the low_load note.
ACWR_LOW = 0.8
#: The "sweet spot" band drawn in the chart (Gabbett 2016).
ACWR_BAND: tuple[float, float] = (0.8, 1.3)
#: Spans (days) of the exponentially weighted acute and chronic loads (Williams et al. 2017).
EWMA_ACUTE_DAYS = 7
EWMA_CHRONIC_DAYS = 28
#: Unit of each load basis, for people.
LOAD_UNITS: dict[str, str] = {"distance": "km", "duration": "h", "trimp": "TRIMP", "srpe": "sRPE"}

#: Weekly columns :func:`risk_weeks` adds (``flags`` and ``notes`` are extended, not added).
RISK_COLUMNS: tuple[str, ...] = columns(WEEK_FIELDS, Frame.RISK)

# Comparisons with a limit allow for floating-point rounding: 11 km after 10 km is exactly 1.10.


def run_basis(timeline: pd.DataFrame, load: str) -> pd.Series:
    """Each activity's load in ``load``'s basis: km, hours of timer time, ``load``, or session
    RPE × minutes (``srpe``).

    Raises:
        ValueError: ``load`` is not one of :data:`loadwatch.settings.checks.LOAD_BASES`.
    """
    if load == "distance":
        values = timeline["distance_km"]
    elif load == "duration":
        values = timeline["duration_s"] / 3600.0
    elif load == "trimp":
        values = (
            timeline["load"] if "load" in timeline.columns else timeline["distance_km"] * np.nan
        )
    elif load == "srpe":  # the body log's efforts (metrics.body.attach_rpe); none: no load
        rpe = timeline["rpe"] if "rpe" in timeline.columns else timeline["distance_km"] * np.nan
        values = rpe * timeline["duration_s"] / 60.0
    else:
        raise ValueError(f"load must be one of {', '.join(LOAD_BASES)}, not {load!r}")
    basis: pd.Series = values.astype("float64").fillna(0.0)
    return basis


def daily_loads(timeline: pd.DataFrame, weeks: pd.DatetimeIndex, load: str) -> pd.Series:
    """Running load per local calendar day, every day of ``weeks`` (rest days 0).

    Args:
        timeline: One row per activity (only runs count).
        weeks: First days (tz-naive midnights) of the weeks to cover.
        load: The basis (see :func:`run_basis`).
    """
    days = calendar.days_of(weeks)
    runs = timeline[timeline["sport"] == "running"]
    if runs.empty or not len(days):
        return pd.Series(0.0, index=days)
    day = calendar.local_days(runs["start"])
    summed = run_basis(runs, load).groupby(day.to_numpy()).sum()
    series: pd.Series = summed.reindex(days, fill_value=0.0).astype("float64")
    return series


def acwr_uncoupled(week_load: pd.Series, weeks: int = ACWR_WEEKS) -> pd.Series:
    """Each week's load over the mean load of the ``weeks`` calendar weeks before it.

    Null for the first ``weeks`` weeks and whenever that mean is 0. Rest weeks count as 0.
    """
    chronic = week_load.shift(1).rolling(weeks, min_periods=weeks).mean()
    ratio: pd.Series = (week_load / chronic).where(chronic > 0)
    return ratio


def acwr_ewma(
    daily: pd.Series,
    *,
    acute_days: int = EWMA_ACUTE_DAYS,
    chronic_days: int = EWMA_CHRONIC_DAYS,
    skip_weeks: int = ACWR_WEEKS,
) -> pd.Series:
    """The exponentially weighted ACWR at the last day of each week (a Sunday, or a Saturday).

    Each average is ``today = lambda x load + (1 - lambda) x yesterday`` with
    ``lambda = 2 / (N + 1)`` (Williams et al. 2017). Both start from the mean daily load of the
    first 7 days, so the first weeks are not measured against an empty past; the ratio is
    reported from week ``skip_weeks + 1`` on, like the uncoupled one, and is null when the
    chronic average is 0.

    Args:
        daily: Load per calendar day of whole weeks, as from :func:`daily_loads`.
        acute_days: N of the acute average.
        chronic_days: N of the chronic average.
        skip_weeks: Weeks at the start without a reported ratio.

    Returns:
        One value per week, indexed by its first day.
    """
    values = daily.to_numpy(dtype="float64")
    if not len(values):
        return pd.Series(dtype="float64")
    seed = float(values[:7].mean())
    acute_weight, chronic_weight = 2.0 / (acute_days + 1), 2.0 / (chronic_days + 1)
    acute = chronic = seed
    ratios = []
    for day, value in enumerate(values):
        acute = acute_weight * value + (1 - acute_weight) * acute
        chronic = chronic_weight * value + (1 - chronic_weight) * chronic
        if day % 7 == 6:
            week = day // 7
            usable = week >= skip_weeks and chronic > LIMIT_TOLERANCE
            ratios.append(acute / chronic if usable else math.nan)
    firsts = daily.index[::7][: len(ratios)]
    return pd.Series(ratios, index=firsts, dtype="float64")


def monotony_strain(daily: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Foster's monotony and strain of each 7-day week of a daily load series.

    Monotony = mean daily load / population standard deviation of the 7 daily loads (rest days
    count as 0); strain = the week's load x monotony. A week without load has no monotony (NaN)
    and strain 0; a week whose 7 days all carry the same non-zero load has an unbounded
    monotony and strain (``inf``).

    Args:
        daily: Load per calendar day, a week's first day first, a whole number of weeks.

    Returns:
        Monotony and strain, one value per week, indexed by its first day.
    """
    values = daily.to_numpy(dtype="float64").reshape(-1, 7)
    mean = values.mean(axis=1)
    sd = values.std(axis=1, ddof=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        monotony = np.where(
            mean <= 0, np.nan, np.where(sd <= LIMIT_TOLERANCE * mean, np.inf, mean / sd)
        )
    total = values.sum(axis=1)
    strain = np.where(mean <= 0, 0.0, total * monotony)
    firsts = daily.index[::7]
    return pd.Series(monotony, index=firsts), pd.Series(strain, index=firsts)


def strength_sessions(
    timeline: pd.DataFrame, weeks: pd.DatetimeIndex, *, week_start: WeekStart = WeekStart.MONDAY
) -> pd.Series:
    """Activities with sport ``strength`` in each of ``weeks`` (by local start)."""
    strength = timeline[timeline["sport"] == "strength"]
    if strength.empty:
        return pd.Series(0, index=weeks, dtype="int64")
    counts = calendar.week_starts(strength["start"], week_start).value_counts()
    series: pd.Series = counts.reindex(weeks, fill_value=0).astype("int64")
    return series


def risk_weeks(
    weeks: pd.DataFrame,
    timeline: pd.DataFrame,
    *,
    settings: RiskSettings = DEFAULT_SETTINGS,
    week_start: WeekStart = WeekStart.MONDAY,
) -> pd.DataFrame:
    """Add the risk measures to a weekly frame (a new frame), and their flags and notes.

    Adds :data:`RISK_COLUMNS`: ``load`` (the week's summed run ``load``, TRIMP or its pace
    estimate; NaN when no run of the week has one), ``basis_load`` (the week's load in
    ``settings.load``'s basis), ``acwr``, ``acwr_ewma``, ``monotony``, ``strain``,
    ``max_spike`` (the largest spike class of the week's runs), ``max_spike_ratio``,
    ``strength_sessions``, ``risk``, ``risk_reasons`` and ``spike_runs`` (for the chart:
    ``(day, km, class)`` of each spike run, ``day`` its place in the week from 0 on the week's
    first day to 6 on its last). ``attrs["acwr_limit"]`` and ``attrs["load"]`` keep the
    settings. Appends the flags ``session_spike``, ``acwr`` (not for a week that ran less than
    the last week with runs) and ``monotony`` and the notes ``low_load``, ``low_strength`` and
    ``shoe_wear`` where they apply.

    Args:
        weeks: As made by :func:`loadwatch.metrics.weekly.weekly` from ``timeline``.
        timeline: The activities; spike columns are computed when absent (see
            :func:`add_spikes`); ``shoe_km`` and ``shoe_limit_km`` (from
            :func:`loadwatch.metrics.shoes.assign_gear`) are used when present.
        settings: Load basis and limits.
        week_start: The day weeks start on: the one ``weeks`` were counted with.

    Raises:
        ValueError: ``settings.load`` is not a known basis, or ``weeks`` do not start on
            ``week_start``'s day.
    """
    if settings.load not in LOAD_BASES:
        raise ValueError(f"load must be one of {', '.join(LOAD_BASES)}, not {settings.load!r}")
    calendar.check_weeks(pd.DatetimeIndex(weeks.index), week_start)
    out = weeks.copy()
    if out.empty:
        for column in RISK_COLUMNS:
            out[column] = pd.Series(dtype="object")
        return out
    if "spike_ratio" not in timeline.columns:
        timeline = add_spikes(timeline, break_days=settings.break_days)
    index = pd.DatetimeIndex(out.index)
    runs = timeline[timeline["sport"] == "running"]
    run_weeks = calendar.week_starts(runs["start"], week_start)

    if "load" in runs.columns:
        summed = runs["load"].astype("float64").groupby(run_weeks.to_numpy()).sum(min_count=1)
        out["load"] = summed.reindex(index).where(out["runs"] > 0, 0.0).to_numpy()
    else:
        out["load"] = np.where(out["runs"] > 0, np.nan, 0.0)
    daily = daily_loads(timeline, index, settings.load)
    basis = daily.groupby(np.arange(len(daily)) // 7).sum().to_numpy()
    out["basis_load"] = basis
    out["acwr"] = acwr_uncoupled(pd.Series(basis, index=index)).to_numpy()
    out["acwr_ewma"] = acwr_ewma(daily).to_numpy()
    monotony, strain = monotony_strain(daily)
    out["monotony"], out["strain"] = monotony.to_numpy(), strain.to_numpy()

    ratio = runs["spike_ratio"].astype("float64").groupby(run_weeks.to_numpy()).max()
    out["max_spike_ratio"] = ratio.reindex(index).to_numpy()
    out["max_spike"] = pd.Series(
        [spike_class(r) for r in out["max_spike_ratio"]], index=out.index, dtype="object"
    )
    out["strength_sessions"] = strength_sessions(timeline, index, week_start=week_start).to_numpy()
    out["spike_runs"] = pd.Series(
        _spike_runs(runs, run_weeks, index, week_start), index=out.index, dtype="object"
    )
    out.attrs.update(acwr_limit=settings.acwr_limit, load=settings.load)
    worn = _worn_weeks(runs, run_weeks)
    any_strength = bool((timeline["sport"] == Sport.STRENGTH).any())
    fell = distance_fell(out)
    solid = _solid_spikes(runs, run_weeks, index)
    marks = [
        _week_marks(
            row, settings, worn=start in worn, any_strength=any_strength, fell=down, solid=firm
        )
        for start, down, firm, (_, row) in zip(index, fell, solid, out.iterrows(), strict=True)
    ]
    out["flags"] = [week_flags for week_flags, _, _ in marks]
    out["notes"] = [week_notes for _, week_notes, _ in marks]
    out["risk"] = [level for _, _, (level, _) in marks]
    out["risk_reasons"] = [tuple(reasons) for _, _, (_, reasons) in marks]
    return out


def _solid_spikes(
    runs: pd.DataFrame, run_weeks: pd.Series, index: pd.DatetimeIndex
) -> list[str | bool | None]:
    """Each week's largest spike class among runs judged on 30 days of history or more
    (``True`` where no run of the week was judged on a short one): see ``levels.assess``."""
    if "spike_basis" not in runs.columns:
        return [True] * len(index)
    short = (runs["spike_basis"] == SpikeBasis.SHORT_HISTORY) & runs["spike_ratio"].notna()
    firm = runs["spike_ratio"].astype("float64").where(~short)
    weeks = run_weeks.to_numpy()
    firm_max = firm.groupby(weeks).max().reindex(index)
    any_short = short.groupby(weeks).any().reindex(index, fill_value=False)
    return [
        spike_class(float(ratio)) if bool(has_short) else True
        for ratio, has_short in zip(firm_max, any_short, strict=True)
    ]


def _week_marks(
    row: pd.Series,
    settings: RiskSettings,
    *,
    worn: bool,
    any_strength: bool,
    fell: bool,
    solid: str | bool | None = True,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[RiskLevel, tuple[str, ...]]]:
    """One week's flags and notes, the 10% rule's extended by the risk measures; its level.

    ``worn``: a run of the week took its shoe past the limit. ``any_strength``: the history
    holds strength sessions at all (without any, their absence says nothing). ``fell``: the
    week ran less than the last week with runs before it, so its ACWR is not flagged however
    high (a high ratio then only says that weeks before were empty). ``solid``: the week's
    largest spike class on a history of 30 days or more (see :func:`_solid_spikes`).
    """
    week_flags = list(row["flags"])
    week_notes = list(row["notes"])
    if row["max_spike"] is not None:
        week_flags.append(Flag.SESSION_SPIKE)
    acwr = float(row["acwr"])
    if not fell and math.isfinite(acwr) and acwr > settings.acwr_limit + LIMIT_TOLERANCE:
        week_flags.append(Flag.ACWR)
    if float(row["monotony"]) > settings.monotony_limit + LIMIT_TOLERANCE:
        week_flags.append(Flag.MONOTONY)
    if math.isfinite(acwr) and acwr < ACWR_LOW - LIMIT_TOLERANCE:
        week_notes.append(Note.LOW_LOAD)
    has_runs = int(row["runs"]) > 0
    if any_strength and has_runs and int(row["strength_sessions"]) < settings.strength_target:
        week_notes.append(Note.LOW_STRENGTH)
    if worn:
        week_notes.append(Note.SHOE_WEAR)
    level, reasons = assess(week_flags, row["max_spike"], solid_spike=solid)
    return tuple(week_flags), tuple(week_notes), (level, tuple(reasons))


def _spike_runs(
    runs: pd.DataFrame, run_weeks: pd.Series, weeks: pd.DatetimeIndex, week_start: WeekStart
) -> list[tuple[tuple[int, float, str], ...]]:
    """For each week, ``(day in week, km, class)`` of its spike runs, in start order."""
    found: dict[pd.Timestamp, list[tuple[int, float, str]]] = {}
    spiked = runs["spike"].notna().to_numpy()
    for first, day, km, name in zip(
        run_weeks[spiked],
        calendar.day_in_week(runs["start"][spiked], week_start),
        runs["distance_km"][spiked],
        runs["spike"][spiked],
        strict=True,
    ):
        found.setdefault(pd.Timestamp(first), []).append((int(day), float(km), str(name)))
    return [tuple(found.get(first, ())) for first in weeks]


def _worn_weeks(runs: pd.DataFrame, run_weeks: pd.Series) -> set[pd.Timestamp]:
    """Weeks with a run that took its shoe past the shoe's limit."""
    if "shoe_km" not in runs.columns or "shoe_limit_km" not in runs.columns:
        return set()
    past = (
        runs["shoe_km"].astype("float64")
        > runs["shoe_limit_km"].astype("float64") + LIMIT_TOLERANCE
    )
    return {pd.Timestamp(w) for w in run_weeks[past.to_numpy()]}
